package io.tidemark.agent.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A seeded random sequence of file-system operations under a root, run as its own process so the
 * engine sees a foreign pid. Used by {@link EngineModelTest}.
 *
 * <p>Usage: {@code RandomFsWorkload ROOT OUTSIDE SEED OPS EVER_EXISTED_FILE MARKER [OPS_LOG]}. Every
 * path that existed under ROOT at any point is written to EVER_EXISTED_FILE (one root-relative path
 * a line); the last act is creating ROOT/MARKER. OPS_LOG, if given, gets one line per operation
 * (what a failure log needs to tell which race it was).
 */
public final class RandomFsWorkload {
  private static final String[] NAMES = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};

  private final Path root;
  private final Path outside;
  private final Random random;
  private final TreeSet<String> everExisted = new TreeSet<>();
  private final List<String> files = new ArrayList<>();
  private final List<String> dirs = new ArrayList<>();
  private final List<String> opsLog = new ArrayList<>();
  private int outsideSerial;

  private RandomFsWorkload(Path root, Path outside, long seed) {
    this.root = root;
    this.outside = outside;
    this.random = new Random(seed);
  }

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]);
    RandomFsWorkload w = new RandomFsWorkload(root, Path.of(args[1]), Long.parseLong(args[2]));
    int ops = Integer.parseInt(args[3]);
    w.scan();
    int refused = 0;
    for (int i = 0; i < ops; i++) {
      try {
        w.step();
      } catch (IOException expected) {
        w.log("  refused: " + expected);
        refused++;
        // a collision (target exists, not empty, is a directory...): the kernel said no, no event
      }
      w.scan();
    }
    Files.write(Path.of(args[4]), w.everExisted);
    if (args.length > 6) {
      Files.write(Path.of(args[6]), w.opsLog);
    }
    System.out.println("ops " + ops + ", refused by the kernel " + refused);
    Files.writeString(root.resolve(args[5]), "done");
  }

  /** Lists the tree as it is now, and remembers every path for the "never existed" check. */
  private void scan() throws IOException {
    files.clear();
    dirs.clear();
    dirs.add("");
    try (Stream<Path> walk = Files.walk(root)) {
      walk.skip(1)
          .forEach(
              p -> {
                String rel = root.relativize(p).toString();
                everExisted.add(rel);
                (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? dirs : files).add(rel);
              });
    }
  }

  private void log(String op) {
    opsLog.add(op);
  }

  private String rel(Path p) {
    return p.startsWith(root) ? root.relativize(p).toString() : p.toString();
  }

  private void step() throws IOException {
    int size = files.size() + dirs.size();
    int roll = random.nextInt(100);
    if (size > 250 && roll < 60) {
      roll = 80 + random.nextInt(20); // shrink: deletes and moves out
    }
    if (roll < 14) {
      Path p = fresh();
      log("create " + rel(p));
      Files.write(p, bytes(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } else if (roll < 22) {
      Path p = existingFile();
      log("truncate+write " + rel(p));
      Files.write(p, bytes(), StandardOpenOption.TRUNCATE_EXISTING);
    } else if (roll < 30) {
      Path p = existingFile();
      log("append " + rel(p));
      Files.write(p, bytes(), StandardOpenOption.APPEND);
    } else if (roll < 34) {
      Path p = existingFile();
      log("halve " + rel(p));
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
        ch.truncate(ch.size() / 2);
      }
    } else if (roll < 44) {
      move(existingFile(), target());
    } else if (roll < 50) {
      Path dir = existingDir(false);
      Path to = target();
      if (!to.startsWith(dir)) {
        move(dir, to);
      }
    } else if (roll < 58) {
      Path p = fresh();
      log("mkdir " + rel(p));
      Files.createDirectory(p);
    } else if (roll < 63) {
      Path p = fresh();
      for (int i = random.nextInt(3); i >= 0; i--) {
        p = p.resolve(pick());
      }
      log("mkdir -p " + rel(p));
      Files.createDirectories(p);
      if (random.nextBoolean()) {
        Path f = p.resolve(pick());
        log("write " + rel(f));
        Files.write(f, bytes());
      }
    } else if (roll < 68) {
      moveIn();
    } else if (roll < 80) {
      Files.createDirectories(existingDir(true)); // cheap no-op op: spreads timing a little
      Path p = fresh();
      log("create " + rel(p));
      Files.write(p, bytes(), StandardOpenOption.CREATE_NEW);
    } else if (roll < 86) {
      Path p = existingFile();
      log("rm " + rel(p));
      Files.delete(p);
    } else if (roll < 90) {
      Path p = existingDir(false);
      log("rmdir " + rel(p));
      Files.delete(p); // only succeeds when empty: rmdir
    } else if (roll < 94) {
      Path p = existingDir(false);
      log("rm -r " + rel(p));
      deleteTree(p);
    } else {
      Path victim = random.nextBoolean() ? existingFile() : existingDir(false);
      move(victim, outside.resolve("gone-" + outsideSerial++));
    }
  }

  private void moveIn() throws IOException {
    Path staging = outside.resolve("incoming-" + outsideSerial++);
    Files.createDirectories(staging);
    for (int i = random.nextInt(4); i >= 0; i--) {
      Path d = staging;
      for (int depth = random.nextInt(3); depth > 0; depth--) {
        d = d.resolve(pick());
      }
      Files.createDirectories(d);
      Path f = d.resolve("x" + pick());
      log("  staging " + rel(f));
      Files.write(f, bytes());
    }
    Path from = random.nextInt(4) == 0 ? firstFile(staging) : staging;
    move(from, target());
  }

  private static Path firstFile(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).findFirst().orElse(dir);
    }
  }

  private void move(Path from, Path to) throws IOException {
    log("mv " + rel(from) + " " + rel(to));
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE); // rename(2), replaces files, empty dirs
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private String pick() {
    return NAMES[random.nextInt(NAMES.length)];
  }

  private byte[] bytes() {
    byte[] b = new byte[random.nextInt(64)];
    random.nextBytes(b);
    return b;
  }

  private Path fresh() throws IOException {
    return existingDir(true).resolve(pick());
  }

  private Path target() throws IOException {
    return existingDir(true).resolve(pick());
  }

  private Path existingFile() throws IOException {
    if (files.isEmpty()) {
      throw new IOException("no file yet");
    }
    return root.resolve(files.get(random.nextInt(files.size())));
  }

  private Path existingDir(boolean rootToo) throws IOException {
    if (!rootToo && dirs.size() == 1) {
      throw new IOException("no directory below the root yet"); // never move or delete the root
    }
    int from = rootToo ? 0 : 1;
    return root.resolve(dirs.get(from + random.nextInt(dirs.size() - from)));
  }
}
