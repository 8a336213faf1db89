package io.tidemark.agent.replication;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * SRC as the source reads it: {@code lstat} of a root-relative path (never following a link, in the
 * last component or in a parent), files opened with {@code O_NOFOLLOW}, and the manifest walk for
 * an initial reconcile. Tidemark's own files ({@code .tidemark-*} names) are left out.
 */
final class SourceTree {
  static final String OWN_PREFIX = ".tidemark-";

  enum Type {
    FILE,
    DIR,
    SYMLINK
  }

  /** What one path is now. {@code target} only for links. */
  record Entry(String path, Type type, long size, long mtimeNs, int mode, String target) {}

  private final Path root;

  SourceTree(Path root) throws IOException {
    this.root = root.toRealPath();
  }

  Path root() {
    return root;
  }

  /** The entry at {@code path} now, or null when it is gone, special, or under a symlinked dir. */
  Entry stat(String path) {
    if (!plausible(path)) {
      return null;
    }
    Path p = root.resolve(path);
    try {
      for (Path parent = p.getParent(); !parent.equals(root); parent = parent.getParent()) {
        if (!Files.readAttributes(parent, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
            .isDirectory()) {
          return null;
        }
      }
      return entry(path, p);
    } catch (IOException e) {
      return null;
    }
  }

  /** Nothing is at {@code path} (the last component not followed): gone, not merely unreplicated. */
  boolean absent(String path) {
    return !plausible(path) || Files.notExists(root.resolve(path), LinkOption.NOFOLLOW_LINKS);
  }

  /** Opens a regular file without following a link; null when it is gone or not a file. */
  FileChannel open(String path) {
    try {
      return FileChannel.open(
          root.resolve(path), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
  }

  /** Walks {@code start} ("" for the root) in pre-order, a directory before its contents. */
  void walk(String start, Consumer<Entry> visitor) throws IOException {
    Path from = start.isEmpty() ? root : root.resolve(start);
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (dir.equals(root)) {
              return FileVisitResult.CONTINUE;
            }
            if (own(dir)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            emit(dir);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (!own(file)) {
              emit(file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) {
            return FileVisitResult.CONTINUE; // vanished during the walk: a journal record covers it
          }

          private void emit(Path p) {
            try {
              Entry e = entry(relative(p), p);
              if (e != null) {
                visitor.accept(e);
              }
            } catch (NoSuchFileException gone) {
              // removed during the walk: the live stream from the pre-walk cursor covers it
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        });
  }

  private static boolean own(Path p) {
    return p.getFileName().toString().startsWith(OWN_PREFIX);
  }

  private String relative(Path p) {
    return root.relativize(p).toString();
  }

  private static Entry entry(String path, Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:mode,size,lastModifiedTime,isDirectory,isSymbolicLink,isRegularFile", LinkOption.NOFOLLOW_LINKS);
    int mode = ((Integer) a.get("mode")) & 07777;
    long mtime = ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
    if ((Boolean) a.get("isSymbolicLink")) {
      return new Entry(path, Type.SYMLINK, 0, mtime, mode, Files.readSymbolicLink(p).toString());
    }
    if ((Boolean) a.get("isDirectory")) {
      return new Entry(path, Type.DIR, 0, mtime, mode, null);
    }
    if ((Boolean) a.get("isRegularFile")) {
      return new Entry(path, Type.FILE, (Long) a.get("size"), mtime, mode, null);
    }
    return null; // fifo, socket, device: not replicated
  }

  private static boolean plausible(String path) {
    if (path.isEmpty() || path.startsWith("/") || path.indexOf('\0') >= 0) {
      return false;
    }
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
