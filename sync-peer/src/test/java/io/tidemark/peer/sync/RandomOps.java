package io.tidemark.peer.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Random operations on SRC for model tests: new files (mostly small, some up to {@code maxSmall},
 * a few of 1 MB up to {@code maxBig}), appends, middle edits, truncates, renames of files and
 * whole trees, deletes of files and trees, symlinks (dangling or not), directories, mode changes.
 * Content is compressible with repeats, so deltas find matches.
 */
public final class RandomOps {
  private final SrcOps ops;
  private final Random rnd;
  private final int maxSmall;
  private final int maxBig;

  public RandomOps(SrcOps ops, long seed, int maxSmall, int maxBig) {
    this.ops = ops;
    this.rnd = new Random(seed);
    this.maxSmall = maxSmall;
    this.maxBig = maxBig;
  }

  public Random random() {
    return rnd;
  }

  /** One operation; {@code step} makes new names unique. */
  public void step(int step) throws IOException {
    List<String> files = new ArrayList<>();
    List<String> dirs = new ArrayList<>();
    Path root = ops.src();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String rel = root.relativize(p).toString();
        if (rel.startsWith(".tidemark-") || rel.contains("/.tidemark-")) {
          continue;
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          dirs.add(rel);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          files.add(rel);
        }
      }
    }
    dirs.sort(null);
    files.sort(null);
    String dir = dirs.get(rnd.nextInt(dirs.size()));
    String fresh = (dir.isEmpty() ? "" : dir + "/") + "n" + step;
    int op = rnd.nextInt(10);
    if (files.isEmpty() && op >= 3) {
      op = 0;
    }
    String file = files.isEmpty() ? null : files.get(rnd.nextInt(files.size()));
    switch (op) {
      case 0, 1 -> ops.write(fresh, bytes(newSize()));
      case 2 -> {
        if (rnd.nextBoolean()) {
          ops.mkdir(fresh);
        } else {
          ops.symlink(fresh, rnd.nextBoolean() ? "../elsewhere" : "n" + rnd.nextInt(step + 1));
        }
      }
      case 3 -> { // middle edit
        byte[] b = Files.readAllBytes(root.resolve(file));
        if (b.length > 0) {
          b[rnd.nextInt(b.length)] ^= 0x5a;
        }
        ops.write(file, b);
      }
      case 4 -> { // append
        byte[] b = Files.readAllBytes(root.resolve(file));
        byte[] more = bytes(rnd.nextInt(2000));
        byte[] all = Arrays.copyOf(b, b.length + more.length);
        System.arraycopy(more, 0, all, b.length, more.length);
        ops.write(file, all);
      }
      case 5 -> { // truncate
        byte[] b = Files.readAllBytes(root.resolve(file));
        ops.write(file, Arrays.copyOf(b, b.length / 2));
      }
      case 6 -> ops.rename(file, fresh);
      case 7 -> {
        if (dirs.size() > 1) {
          ops.rename(dirs.get(1 + rnd.nextInt(dirs.size() - 1)), "t" + step); // a tree, to the root
        } else {
          ops.delete(file);
        }
      }
      case 8 -> ops.delete(rnd.nextInt(4) == 0 && dirs.size() > 1
          ? dirs.get(1 + rnd.nextInt(dirs.size() - 1)) : file);
      default -> ops.chmod(file, rnd.nextBoolean() ? 0600 : 0755);
    }
  }

  private int newSize() {
    int kind = rnd.nextInt(40);
    if (kind == 0 && maxBig > 1 << 20) {
      return (1 << 20) + rnd.nextInt(maxBig - (1 << 20) + 1);
    }
    return kind < 10 ? rnd.nextInt(maxSmall + 1) : rnd.nextInt(4097);
  }

  /** {@code n} bytes from a small alphabet (compressible, with repeats for the delta matcher). */
  public byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ('a' + rnd.nextInt(8));
    }
    return b;
  }
}
