package io.tidemark.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.peer.it.Tree;
import io.tidemark.peer.replica.FsyncPolicy;
import io.tidemark.proto.v1.SourceMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the source sent each peer, with the signatures, survives an agent restart when it keeps
 * them in its state dir: the first edit of each file after the restart is still a delta against
 * the version the peer holds, with no NeedSignature and no signature upload. (Without the state
 * dir — the in-memory variant — every such edit costs the round trip: the contrast shows the
 * counting sees it.)
 */
class ReplicationAgentRestartTest {
  private static final int SMALL_FILES = 20;

  @TempDir Path tmp;

  @Test
  void agentRestart_withStateDir_firstEditsNeedNoSignatureUpload() throws Exception {
    Wire wire = editsAfterAgentRestart(true);
    assertThat(wire.count(SourceMessage.BodyCase.NEED_SIGNATURE)).isZero();
    assertThat(wire.signatureUploads.get()).isZero();
    assertThat(wire.peerBytes.get()).as("peer to source: Hello and Acks only").isLessThan(2_000);
    assertThat(wire.count(SourceMessage.BodyCase.FILE_BEGIN)).isEqualTo(SMALL_FILES + 1);
    assertThat(wire.sourceBytes.get()).as("deltas, not whole files").isLessThan(60_000);
  }

  @Test
  void agentRestart_inMemoryOnly_firstEditsCostASignatureRoundTrip() throws Exception {
    Wire wire = editsAfterAgentRestart(false);
    assertThat(wire.count(SourceMessage.BodyCase.NEED_SIGNATURE)).isEqualTo(SMALL_FILES + 1);
    assertThat(wire.signatureUploads.get()).isEqualTo(SMALL_FILES + 1);
    assertThat(wire.peerBytes.get()).as("the 4 MiB file's signature went up").isGreaterThan(40_000);
  }

  /**
   * Run 1: the peer gets a 4 MiB file and small files. The agent (its replication service)
   * restarts; the journal survives as it does in an agent. Run 2: one byte of each file changes.
   * Returns what went over the wire in run 2.
   */
  private Wire editsAfterAgentRestart(boolean stateDir) throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Path agentState = tmp.resolve("agent-state");
    RecordingJournal journal = new RecordingJournal(7);
    JournallingOps ops = new JournallingOps(src, journal);
    byte[] big = new byte[4 << 20];
    new Random(1).nextBytes(big);
    byte[][] small = new byte[SMALL_FILES][];

    try (CountedReplication run = new CountedReplication(journal, src, dst, stateDir ? agentState : null,
        tmp.resolve("peer-state"), FsyncPolicy.NEVER)) {
      ops.write("big", big);
      for (int i = 0; i < SMALL_FILES; i++) {
        small[i] = new byte[5_000 + i];
        new Random(i).nextBytes(small[i]);
        ops.write("s" + i, small[i]);
      }
      run.awaitPeerAt(journal.currentCursor());
    }

    try (CountedReplication run = new CountedReplication(journal, src, dst, stateDir ? agentState : null,
        tmp.resolve("peer-state"), FsyncPolicy.NEVER)) {
      big[2_000_000] ^= 1;
      ops.write("big", big);
      for (int i = 0; i < SMALL_FILES; i++) {
        small[i][100] ^= 1;
        ops.write("s" + i, small[i]);
      }
      run.awaitPeerAt(journal.currentCursor());
      assertThat(Tree.describe(dst)).isEqualTo(Tree.describe(src));
      return run.wire;
    }
  }
}
