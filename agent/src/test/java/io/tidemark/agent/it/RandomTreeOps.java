package io.tidemark.agent.it;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Seeded random file-system operations under a root, applied by the test JVM (the agent runs as
 * another process, so fanotify does not take them for its own). Every operation that succeeds
 * records what it touched, numbered, so a test can ask "was {@code p} touched after operation
 * {@code n}?".
 */
public final class RandomTreeOps {
  private static final String[] NAMES = {"a", "b", "c", "d", "e", "f", "g"};
  private static final String[] MODES = {"rw-r--r--", "rwxr-xr-x", "rw-------"};

  /** Operation {@code op} touched {@code path} (and everything below it when {@code subtree}). */
  public record Touch(int op, String path, boolean subtree) {}

  private final Path root;
  private final Path outside;
  private final Random random;
  private final List<Touch> touches = new ArrayList<>();
  private final List<String> log = new ArrayList<>();
  private int ops;
  private int outsideSerial;

  public RandomTreeOps(Path root, Path outside, Random random) {
    this.root = root;
    this.outside = outside;
    this.random = random;
  }

  /** Operations done so far (the number the next one gets). */
  public int count() {
    return ops;
  }

  /** One line per operation done, for failure messages. */
  public List<String> log() {
    return log;
  }

  /** Runs {@code n} random operations (the kernel refusing one, e.g. rename onto a non-empty dir, is fine). */
  public void run(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      try {
        step();
      } catch (IOException refused) {
        log.add(ops + " refused: " + refused);
      }
      ops++;
    }
  }

  /**
   * A new empty directory for {@link #burst}: create it while the agent watches, so an inotify
   * agent has its watch in place before the burst.
   */
  public Path burstDir() throws IOException {
    Path dir = Files.createDirectory(root.resolve("burst-" + ops));
    touch(rel(dir), true);
    log.add(ops + " mkdir " + rel(dir));
    ops++;
    return dir;
  }

  /**
   * A burst of {@code files} created, renamed and deleted under one directory, to overflow the
   * kernel queue. Renames because fanotify merges a name's create, close_write and delete into
   * one queued event, but never merges a rename.
   */
  public void burst(Path dir, int files) throws IOException {
    for (int i = 0; i < files; i++) {
      Files.createFile(dir.resolve("f" + i));
      Files.move(dir.resolve("f" + i), dir.resolve("g" + i), StandardCopyOption.ATOMIC_MOVE);
    }
    deleteTree(dir);
    touch(rel(dir), true);
    log.add(ops + " burst of " + files + " in " + rel(dir));
    ops++;
  }

  /**
   * True when {@code path} was touched by an operation numbered {@code from} or later: the path
   * itself, a subtree it lies in, or a child of it (the directory changed).
   */
  public boolean touchedSince(int from, String path) {
    for (Touch t : touches) {
      if (t.op() < from) {
        continue;
      }
      if (t.path().equals(path)
          || (t.subtree() && path.startsWith(t.path() + "/"))
          || parent(t.path()).equals(path)) {
        return true;
      }
    }
    return false;
  }

  private void step() throws IOException {
    int roll = random.nextInt(100);
    if (count(true) > 120 && roll < 50) {
      roll = 85 + random.nextInt(15);
    }
    if (roll < 14) {
      Path p = freshPath();
      Files.write(p, bytes(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      done("create", p);
    } else if (roll < 22) {
      Path p = existingFile();
      Files.write(p, bytes(), StandardOpenOption.TRUNCATE_EXISTING);
      done("write", p);
    } else if (roll < 28) {
      Path p = existingFile();
      Files.write(p, bytes(), StandardOpenOption.APPEND);
      done("append", p);
    } else if (roll < 32) {
      Path p = existingFile();
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
        ch.truncate(ch.size() / 2);
      }
      done("truncate", p);
    } else if (roll < 38) {
      Path p = random.nextInt(4) == 0 ? existingDir(false) : existingFile();
      Files.setPosixFilePermissions(
          p, PosixFilePermissions.fromString(MODES[random.nextInt(MODES.length)]));
      done("chmod", p);
    } else if (roll < 48) {
      Path from = existingFile();
      Path to = freshPath();
      move(from, to);
      log.add(ops + " rename " + rel(from) + " -> " + rel(to));
      touch(rel(from), false);
      touch(rel(to), true); // may have replaced an empty directory
    } else if (roll < 54) {
      Path from = existingDir(false);
      Path to = freshPath();
      if (to.startsWith(from)) {
        return;
      }
      move(from, to);
      log.add(ops + " rename dir " + rel(from) + " -> " + rel(to));
      touch(rel(from), true);
      touch(rel(to), true);
    } else if (roll < 62) {
      Path p = freshPath();
      for (int i = random.nextInt(3); i >= 0; i--) {
        p = p.resolve(pick());
      }
      Path first = firstMissing(p);
      Files.createDirectories(p);
      if (random.nextBoolean()) {
        Files.write(p.resolve(pick()), bytes());
      }
      log.add(ops + " mkdir -p " + rel(p));
      if (first != null) {
        touch(rel(first), true);
      }
      touch(rel(p), true);
    } else if (roll < 70) {
      moveIn();
    } else if (roll < 80) {
      Path p = existingFile();
      Files.delete(p);
      done("delete", p);
    } else if (roll < 84) {
      Path d = existingDir(false);
      Files.delete(d); // rmdir: only when empty
      done("rmdir", d);
    } else if (roll < 92) {
      Path d = existingDir(false);
      deleteTree(d);
      log.add(ops + " rm -r " + rel(d));
      touch(rel(d), true);
    } else {
      Path victim = random.nextBoolean() ? existingFile() : existingDir(false);
      move(victim, outside.resolve("gone-" + outsideSerial++));
      log.add(ops + " move out " + rel(victim));
      touch(rel(victim), true);
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
      Files.write(d.resolve("x" + pick()), bytes());
    }
    Path from = staging;
    if (random.nextInt(3) == 0) {
      try (Stream<Path> walk = Files.walk(staging)) {
        from = walk.filter(Files::isRegularFile).findFirst().orElse(staging);
      }
    }
    Path to = freshPath();
    move(from, to);
    log.add(ops + " move in " + rel(to));
    touch(rel(to), true);
  }

  private void done(String what, Path p) {
    log.add(ops + " " + what + " " + rel(p));
    touch(rel(p), false);
  }

  private void touch(String path, boolean subtree) {
    touches.add(new Touch(ops, path, subtree));
  }

  private Path firstMissing(Path p) {
    Path missing = null;
    for (Path q = p; q != null && q.startsWith(root) && !Files.exists(q, LinkOption.NOFOLLOW_LINKS);
        q = q.getParent()) {
      missing = q;
    }
    return missing;
  }

  private static void move(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE); // rename(2): replaces files, empty dirs
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private String rel(Path p) {
    return root.relativize(p).toString();
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  private String pick() {
    return NAMES[random.nextInt(NAMES.length)];
  }

  private byte[] bytes() {
    byte[] b = new byte[random.nextInt(64)];
    random.nextBytes(b);
    return b;
  }

  private List<Path> list(boolean dirs) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.skip(1)
          .filter(p -> !io.tidemark.agent.ignore.IgnoreRules.isCookie(rel(p)))
          .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) == dirs)
          .sorted()
          .toList();
    }
  }

  private int count(boolean any) throws IOException {
    return list(true).size() + list(false).size();
  }

  private Path freshPath() throws IOException {
    return existingDir(true).resolve(pick());
  }

  private Path existingFile() throws IOException {
    List<Path> files = list(false);
    if (files.isEmpty()) {
      throw new IOException("no file yet");
    }
    return files.get(random.nextInt(files.size()));
  }

  private Path existingDir(boolean rootToo) throws IOException {
    List<Path> dirs = new ArrayList<>(list(true));
    if (rootToo) {
      dirs.add(0, root);
    }
    if (dirs.isEmpty()) {
      throw new IOException("no directory below the root yet");
    }
    return dirs.get(random.nextInt(dirs.size()));
  }
}
