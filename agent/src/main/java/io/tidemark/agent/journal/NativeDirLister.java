package io.tidemark.agent.journal;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.tidemark.agent.linux.DirCalls;
import io.tidemark.agent.linux.ErrnoException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link DirLister} on raw syscalls ({@link DirCalls}): {@code getdents64} into a native buffer,
 * {@code statx} per entry straight from the name in that buffer, subdirectories opened with
 * {@code openat} on the parent's fd. About four times cheaper per entry than {@link
 * JavaDirLister} (no {@code Path}, attribute map or {@code FileTime} per file), and it reads
 * names as bytes: a name that is not valid UTF-8 is still opened and stat'ed by its real bytes.
 */
final class NativeDirLister implements DirLister {

  private static final int BUFFER = 32 * 1024;
  private static final int STAT_READ = DirCalls.STX_MTIME + 16;
  private static final int MASK = DirCalls.STATX_TYPE | DirCalls.STATX_MODE | DirCalls.STATX_INO
      | DirCalls.STATX_SIZE | DirCalls.STATX_MTIME | DirCalls.STATX_CTIME;
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());

  static boolean isAvailable() {
    return DirCalls.AVAILABLE;
  }

  @Override
  public Dir openRoot(Path root) throws IOException {
    // the root as the JVM itself would pass it to open(2)
    Charset jnu = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"),
        StandardCharsets.UTF_8);
    byte[] bytes = root.toAbsolutePath().toString().getBytes(jnu);
    return new NativeDir(open(DirCalls.AT_FDCWD, bytes, root.toString(), true));
  }

  private static int open(int dirfd, byte[] name, String what, boolean followLink)
      throws IOException {
    try (Memory path = new Memory(name.length + 1L)) {
      path.write(0, name, 0, name.length);
      path.setByte(name.length, (byte) 0);
      try {
        return followLink
            ? DirCalls.openDirectoryFollowing(dirfd, Pointer.nativeValue(path))
            : DirCalls.openDirectory(dirfd, Pointer.nativeValue(path));
      } catch (ErrnoException e) {
        throw switch (e.errno()) {
          case ErrnoException.ENOENT -> new NoSuchFileException(what);
          case ErrnoException.ENOTDIR, ErrnoException.ELOOP -> new NotDirectoryException(what);
          case ErrnoException.EACCES -> new AccessDeniedException(what);
          default -> new IOException("cannot open directory " + what + ": " + e.getMessage(), e);
        };
      }
    }
  }

  private static final class NativeDir implements Dir {
    private final int fd;
    private final AtomicInteger refs = new AtomicInteger(1);

    NativeDir(int fd) {
      this.fd = fd;
    }

    @Override
    public void list(EntrySink sink) throws IOException {
      try (Memory dents = new Memory(BUFFER); Memory stx = new Memory(DirCalls.STATX_SIZE_BYTES)) {
        long dentsAt = Pointer.nativeValue(dents);
        long stxAt = Pointer.nativeValue(stx);
        byte[] buf = new byte[BUFFER];
        byte[] st = new byte[STAT_READ];
        while (true) {
          int n;
          try {
            n = DirCalls.readEntries(fd, dentsAt, BUFFER);
          } catch (ErrnoException e) {
            throw new IOException("cannot read directory entries: " + e.getMessage(), e);
          }
          if (n <= 0) {
            return;
          }
          dents.read(0, buf, 0, n);
          for (int off = 0; off < n; ) {
            int reclen = Short.toUnsignedInt((short) SHORT.get(buf, off + DirCalls.DIRENT_RECLEN));
            int nameAt = off + DirCalls.DIRENT_NAME;
            int end = nameAt;
            while (end < off + reclen && buf[end] != 0) {
              end++;
            }
            off += reclen;
            if (isDotOrDotDot(buf, nameAt, end)) {
              continue;
            }
            String name = new String(buf, nameAt, end - nameAt, StandardCharsets.UTF_8);
            try {
              DirCalls.statNoFollow(fd, dentsAt + nameAt, MASK, stxAt);
            } catch (ErrnoException e) {
              if (e.errno() != ErrnoException.ENOENT) {
                sink.statFailed(name, e);
              }
              continue; // ENOENT: removed since getdents; its event reports that
            }
            stx.read(0, st, 0, STAT_READ);
            FileStat stat = decode(st);
            sink.entry(name, stat, stat.isDir() ? Arrays.copyOfRange(buf, nameAt, end) : null);
          }
        }
      }
    }

    @Override
    public Dir openChild(Object ref) throws IOException {
      byte[] name = (byte[]) ref;
      return new NativeDir(open(fd, name, new String(name, StandardCharsets.UTF_8), false));
    }

    @Override
    public void retain() {
      refs.incrementAndGet();
    }

    @Override
    public void release() {
      if (refs.decrementAndGet() == 0) {
        DirCalls.closeQuietly(fd);
      }
    }
  }

  private static boolean isDotOrDotDot(byte[] b, int from, int to) {
    int len = to - from;
    return (len == 1 && b[from] == '.') || (len == 2 && b[from] == '.' && b[from + 1] == '.');
  }

  private static FileStat decode(byte[] st) {
    int mode = Short.toUnsignedInt((short) SHORT.get(st, DirCalls.STX_MODE));
    long ino = (long) LONG.get(st, DirCalls.STX_INO);
    long size = (long) LONG.get(st, DirCalls.STX_SIZE);
    return new FileStat(size, nanos(st, DirCalls.STX_MTIME), nanos(st, DirCalls.STX_CTIME), ino,
        mode, null);
  }

  /** As {@code FileTime.to(NANOSECONDS)} of what java.nio makes of the same stat. */
  private static long nanos(byte[] st, int at) {
    long sec = (long) LONG.get(st, at);
    int nsec = (int) INT.get(st, at + 8);
    try {
      return Math.addExact(Math.multiplyExact(sec, 1_000_000_000L), nsec);
    } catch (ArithmeticException beyondYear2262) {
      return FileTime.from(Instant.ofEpochSecond(sec, nsec)).to(TimeUnit.NANOSECONDS); // saturates
    }
  }
}
