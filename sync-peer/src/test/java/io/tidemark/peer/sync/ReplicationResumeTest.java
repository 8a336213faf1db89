package io.tidemark.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.peer.it.Tree;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationResumeTest {
  @TempDir Path tmp;

  @Test
  void peerStoppedAndRestarted_resumesFromRecordedCursor_nothingLostNothingTwice() throws Exception {
    try (Replication r = new Replication(tmp).startPeer()) {
      for (int i = 0; i < 20; i++) {
        r.write("f" + i, ("v1 " + i).getBytes());
      }
      r.flush();
      String recorded = Files.readString(r.stateDir.resolve("cursor")).strip();
      assertThat(recorded).isEqualTo(r.journal.currentCursor());
      r.stopPeer();
      long filesBefore = r.service.totals().files();
      for (int i = 0; i < 5; i++) {
        r.write("f" + i, ("v2 " + i).getBytes());
      }
      r.rename("f10", "g10");
      r.startPeer();
      r.flush();
      assertThat(Tree.describe(r.dst)).isEqualTo(Tree.describe(r.src));
      assertThat(r.service.totals().files() - filesBefore).isEqualTo(5);
    }
  }

  @Test
  void peerStoppedMidStream_restart_endsIdentical() throws Exception {
    try (Replication r = new Replication(tmp).startPeer()) {
      for (int i = 0; i < 200; i++) {
        r.write("f" + i, new byte[20_000 + i]);
      }
      Thread.sleep(20);
      r.stopPeer();
      for (int i = 0; i < 10; i++) {
        r.delete("f" + (i * 3));
      }
      r.startPeer();
      r.flush();
      assertThat(Tree.describe(r.dst)).isEqualTo(Tree.describe(r.src));
    }
  }
}
