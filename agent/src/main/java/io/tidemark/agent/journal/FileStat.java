package io.tidemark.agent.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What {@code lstat(2)} says about one path, as kept in the path index. {@code mode} carries the
 * file-type bits ({@code S_IFDIR}, ...) as well as the permissions. {@code contentHash} is null
 * unless someone hashed the content.
 */
public record FileStat(
    long size, long mtimeNs, long ctimeNs, long inode, int mode, byte[] contentHash) {

  static final int S_IFMT = 0170000;
  static final int S_IFDIR = 0040000;
  static final int S_IFREG = 0100000;

  private static final String ATTRIBUTES = "unix:size,lastModifiedTime,ctime,ino,mode";

  public boolean isDir() {
    return (mode & S_IFMT) == S_IFDIR;
  }

  /**
   * Stats {@code path} without following a final symlink.
   *
   * @return null when nothing is there (or a parent is no longer a directory)
   * @throws UncheckedIOException for any other failure (permission denied, I/O error)
   */
  public static FileStat lstat(Path path) {
    Map<String, Object> a;
    try {
      a = Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException | NotDirectoryException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stat " + path, e);
    }
    return new FileStat(
        (Long) a.get("size"),
        nanos((FileTime) a.get("lastModifiedTime")),
        nanos((FileTime) a.get("ctime")),
        (Long) a.get("ino"),
        (Integer) a.get("mode"),
        null);
  }

  /**
   * A stat nobody took (the path was gone again before it could be): only the type is known.
   * Inode 0 differs from every real one, so a reconcile reports the path if it is there.
   */
  static FileStat unknown(boolean dir) {
    return new FileStat(0, 0, 0, 0, dir ? S_IFDIR : S_IFREG, null);
  }

  /** A statter for {@link ChangeJournal#append}: resolves root-relative paths under {@code root}. */
  public static Function<String, FileStat> under(Path root) {
    return rel -> lstat(rel.isEmpty() ? root : root.resolve(rel));
  }

  static long nanos(FileTime t) {
    return t.to(TimeUnit.NANOSECONDS);
  }

  /** Same attributes, ignoring the content hash. */
  boolean sameAttributes(FileStat o) {
    return o != null && size == o.size && mtimeNs == o.mtimeNs && ctimeNs == o.ctimeNs
        && inode == o.inode && mode == o.mode;
  }
}
