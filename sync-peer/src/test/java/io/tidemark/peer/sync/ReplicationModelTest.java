package io.tidemark.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random operations on SRC (writes 0 B..256 KB, appends, middle edits, truncates, renames of
 * files and trees, deletes, symlinks, mode changes), journalled as they happen, while the peer
 * follows; the peer is also stopped and restarted mid-run. After flush DST equals SRC.
 */
class ReplicationModelTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void randomOperations_afterFlush_dstEqualsSrc(long seed) throws Exception {
    Random rnd = new Random(seed);
    try (Replication r = new Replication(tmp).startPeer()) {
      for (int step = 0; step < 300; step++) {
        operate(r, rnd, step);
        if (step == 150) {
          r.stopPeer();
        } else if (step == 200) {
          r.startPeer();
        } else if (step % 100 == 50) {
          r.flush();
        }
      }
      r.flush();
      assertThat(Trees.describe(r.dst)).isEqualTo(Trees.describe(r.src));
    }
  }

  private static void operate(Replication r, Random rnd, int step) throws Exception {
    List<String> files = new ArrayList<>();
    List<String> dirs = new ArrayList<>();
    try (Stream<Path> all = Files.walk(r.src)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String rel = r.src.relativize(p).toString();
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          dirs.add(rel.isEmpty() ? "" : rel);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          files.add(rel);
        }
      }
    }
    String dir = dirs.get(rnd.nextInt(dirs.size()));
    String fresh = (dir.isEmpty() ? "" : dir + "/") + "n" + step;
    int op = rnd.nextInt(10);
    if (files.isEmpty() && op >= 3) {
      op = 0;
    }
    String file = files.isEmpty() ? null : files.get(rnd.nextInt(files.size()));
    switch (op) {
      case 0, 1 -> r.write(fresh, bytes(rnd, rnd.nextInt(4) == 0 ? rnd.nextInt(256 * 1024) : rnd.nextInt(4096)));
      case 2 -> {
        if (rnd.nextBoolean()) {
          r.mkdir(fresh);
        } else {
          r.symlink(fresh, rnd.nextBoolean() ? "../elsewhere" : "n" + rnd.nextInt(step + 1));
        }
      }
      case 3 -> { // middle edit
        byte[] b = Files.readAllBytes(r.src.resolve(file));
        if (b.length > 0) {
          b[rnd.nextInt(b.length)] ^= 0x5a;
        }
        r.write(file, b);
      }
      case 4 -> { // append
        byte[] b = Files.readAllBytes(r.src.resolve(file));
        byte[] more = bytes(rnd, rnd.nextInt(2000));
        byte[] all = java.util.Arrays.copyOf(b, b.length + more.length);
        System.arraycopy(more, 0, all, b.length, more.length);
        r.write(file, all);
      }
      case 5 -> { // truncate
        byte[] b = Files.readAllBytes(r.src.resolve(file));
        r.write(file, java.util.Arrays.copyOf(b, b.length / 2));
      }
      case 6 -> r.rename(file, fresh);
      case 7 -> {
        if (dirs.size() > 1) {
          String d = dirs.get(1 + rnd.nextInt(dirs.size() - 1));
          String to = "t" + step;
          r.rename(d, to); // a tree, to the root (never into itself)
        } else {
          r.delete(file);
        }
      }
      case 8 -> r.delete(rnd.nextInt(4) == 0 && dirs.size() > 1 ? dirs.get(1 + rnd.nextInt(dirs.size() - 1)) : file);
      default -> r.chmod(file, rnd.nextBoolean() ? 0600 : 0755);
    }
  }

  private static byte[] bytes(Random rnd, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ('a' + rnd.nextInt(8)); // compressible, with repeats for the delta matcher
    }
    return b;
  }
}
