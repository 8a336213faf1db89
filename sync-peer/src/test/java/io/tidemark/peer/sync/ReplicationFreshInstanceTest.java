package io.tidemark.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.peer.it.Tree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer whose recorded cursor the source cannot answer for (its journal was recreated: another
 * epoch; or a cursor that is not one of this agent's) is reconciled against SRC: what already
 * matches stays as it is (same inode, no bytes sent), only differing files move, extras go.
 * Never a wipe and re-copy.
 */
class ReplicationFreshInstanceTest {
  @TempDir Path tmp;

  @Test
  void cursorFromAnotherEpoch_reconciles_keepsWhatMatches() throws Exception {
    byte[] big = new byte[3 << 20];
    new Random(11).nextBytes(big);
    try (Replication first = new Replication(tmp, 7).startPeer()) {
      first.mkdir("d");
      first.write("d/big.bin", big);
      for (int i = 0; i < 30; i++) {
        first.write("d/f" + i, ("v1 " + i).getBytes(StandardCharsets.UTF_8));
      }
      first.write("gone-later", "x".getBytes(StandardCharsets.UTF_8));
      first.flush();
    }
    String epoch7 = Files.readString(tmp.resolve("state/cursor")).strip();
    Object bigInode = Files.getAttribute(tmp.resolve("dst/d/big.bin"), "unix:ino");
    Object f0Inode = Files.getAttribute(tmp.resolve("dst/d/f0"), "unix:ino");

    // While no agent ran, SRC changed and the journal was recreated (new epoch): the source
    // knows nothing of these changes, the peer's cursor means nothing to it.
    Files.writeString(tmp.resolve("src/d/f1"), "v2, longer than before");
    Files.writeString(tmp.resolve("src/new"), "born while down");
    Files.delete(tmp.resolve("src/gone-later"));

    try (Replication second = new Replication(tmp, 8)) {
      second.startPeer();
      second.flush();
      assertThat(second.reconciles).singleElement().asString().contains("fresh instance");
      assertThat(Tree.describe(second.dst)).isEqualTo(Tree.describe(second.src));
      assertThat(second.service.totals().files()).as("only f1 and new move").isEqualTo(2);
      assertThat(second.service.totals().wireBytes()).isLessThan(10_000);
      assertThat(Files.getAttribute(second.dst.resolve("d/big.bin"), "unix:ino")).isEqualTo(bigInode);
      assertThat(Files.getAttribute(second.dst.resolve("d/f0"), "unix:ino")).isEqualTo(f0Inode);
      assertThat(Files.readString(tmp.resolve("state/cursor")).strip())
          .isNotEqualTo(epoch7)
          .isEqualTo(second.journal.currentCursor());
    }
  }

  @Test
  void cursorThatIsNotTheAgents_reconciles_keepsWhatMatches() throws Exception {
    try (Replication r = new Replication(tmp)) {
      for (int i = 0; i < 10; i++) {
        Files.writeString(r.src.resolve("f" + i), "same " + i);
        Files.writeString(r.dst.resolve("f" + i), "same " + i);
        Files.setLastModifiedTime(r.dst.resolve("f" + i), Files.getLastModifiedTime(r.src.resolve("f" + i)));
      }
      Object inode = Files.getAttribute(r.dst.resolve("f3"), "unix:ino");
      Files.createDirectories(r.stateDir);
      Files.writeString(r.stateDir.resolve("cursor"), "tm1:not-a-cursor-of-this-agent\n");
      r.startPeer();
      r.flush();
      assertThat(r.reconciles).singleElement().asString().contains("not one of this agent's");
      assertThat(Tree.describe(r.dst)).isEqualTo(Tree.describe(r.src));
      assertThat(r.service.totals().files()).isZero();
      assertThat(Files.getAttribute(r.dst.resolve("f3"), "unix:ino")).isEqualTo(inode);
    }
  }
}
