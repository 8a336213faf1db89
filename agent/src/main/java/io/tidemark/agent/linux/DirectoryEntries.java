package io.tidemark.agent.linux;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The names and types of one directory's entries from {@code getdents64(2)} ({@link DirCalls}):
 * the kernel's {@code d_type} says which are directories without a stat per entry (one per
 * file, a hundred thousand for a tree to watch), where the filesystem fills it in.
 */
public final class DirectoryEntries {
  public static final byte DT_UNKNOWN = 0;
  public static final byte DT_DIR = 4;

  private static final int BUFFER = 32 * 1024;
  private static final Charset JNU = Charset.forName(
      System.getProperty("sun.jnu.encoding", "UTF-8"), StandardCharsets.UTF_8);

  /** One entry: its name (UTF-8; invalid bytes become U+FFFD) and {@code d_type}. */
  public record Entry(String name, byte type) {}

  private DirectoryEntries() {}

  /** The directory open as {@code fd} is still the one at {@code path} (same device, inode). */
  private static boolean samePlace(int fd, long path, Memory buf) throws ErrnoException {
    int mask = DirCalls.STATX_INO;
    DirCalls.statFd(fd, mask, Pointer.nativeValue(buf));
    long ino = buf.getLong(DirCalls.STX_INO);
    long dev = ((long) buf.getInt(DirCalls.STX_DEV_MAJOR) << 32) | buf.getInt(DirCalls.STX_DEV_MINOR);
    try {
      DirCalls.statNoFollow(DirCalls.AT_FDCWD, path, mask, Pointer.nativeValue(buf));
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENOENT || e.errno() == ErrnoException.ENOTDIR) {
        return false;
      }
      throw e;
    }
    return buf.getLong(DirCalls.STX_INO) == ino
        && (((long) buf.getInt(DirCalls.STX_DEV_MAJOR) << 32) | buf.getInt(DirCalls.STX_DEV_MINOR)) == dev;
  }

  /** True when {@link #list} can be used here. */
  public static boolean isAvailable() {
    return DirCalls.AVAILABLE;
  }

  /**
   * Lists {@code dir} (not following a symlink there), without {@code .} and {@code ..}. The
   * listing is of what is at that path <em>after</em> it was read: if the path names another
   * directory by then (an ancestor was renamed, say), it fails with ENOENT as if nothing were
   * there, so every name returned was reachable as {@code dir/name} once all were read.
   *
   * @throws ErrnoException ENOENT / ENOTDIR / ELOOP when no directory is at that path any more,
   *     EACCES, ...
   */
  public static List<Entry> list(Path dir) throws ErrnoException {
    byte[] path = dir.toString().getBytes(JNU);
    List<Entry> out = new ArrayList<>();
    try (Memory name = new Memory(path.length + 1L); Memory dents = new Memory(BUFFER)) {
      name.write(0, path, 0, path.length);
      name.setByte(path.length, (byte) 0);
      int fd = DirCalls.openDirectory(DirCalls.AT_FDCWD, Pointer.nativeValue(name));
      try {
        byte[] buf = new byte[BUFFER];
        ByteBuffer view = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
        for (int n; (n = DirCalls.readEntries(fd, Pointer.nativeValue(dents), BUFFER)) > 0; ) {
          dents.read(0, buf, 0, n);
          for (int off = 0; off < n; ) {
            int reclen = Short.toUnsignedInt(view.getShort(off + DirCalls.DIRENT_RECLEN));
            int from = off + DirCalls.DIRENT_NAME;
            int to = from;
            while (to < off + reclen && buf[to] != 0) {
              to++;
            }
            boolean dot = buf[from] == '.' && (to - from == 1 || (to - from == 2 && buf[from + 1] == '.'));
            if (!dot) {
              out.add(new Entry(new String(buf, from, to - from, StandardCharsets.UTF_8),
                  buf[off + DirCalls.DIRENT_TYPE]));
            }
            off += reclen;
          }
        }
        if (!samePlace(fd, Pointer.nativeValue(name), dents)) {
          throw new ErrnoException("getdents64 (path moved)", ErrnoException.ENOENT);
        }
      } finally {
        DirCalls.closeQuietly(fd);
      }
    }
    return out;
  }
}
