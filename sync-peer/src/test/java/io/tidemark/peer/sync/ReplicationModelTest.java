package io.tidemark.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.peer.it.Tree;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random operations on SRC ({@link RandomOps}: files from 0 B to 8 MB, appends, middle edits,
 * truncates, renames of files and trees, deletes, symlinks, mode changes), journalled as they
 * happen, while the peer follows; the peer is also stopped and restarted mid-run (in-process;
 * {@code PeerCrashModelTest} kills a real peer process and cuts its connection). After flush DST
 * equals SRC.
 */
class ReplicationModelTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void randomOperations_afterFlush_dstEqualsSrc(long seed) throws Exception {
    try (Replication r = new Replication(tmp).startPeer()) {
      RandomOps ops = new RandomOps(r, seed, 256 * 1024, 8 << 20);
      for (int step = 0; step < 300; step++) {
        ops.step(step);
        if (step == 150) {
          r.stopPeer();
        } else if (step == 200) {
          r.startPeer();
        } else if (step % 100 == 50) {
          r.flush();
        }
      }
      r.flush();
      assertThat(Tree.describe(r.dst)).isEqualTo(Tree.describe(r.src));
    }
  }
}
