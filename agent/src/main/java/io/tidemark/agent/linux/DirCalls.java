package io.tidemark.agent.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * What a stat-only tree crawl needs, per directory: {@code openat(2)} it relative to its parent's
 * fd, {@code getdents64(2)} its entries, {@code statx(2)} each entry relative to the directory fd
 * without following symlinks or triggering automounts, {@code close(2)}. Direct-mapped because a
 * crawl makes one call per file; pointers are passed as native addresses ({@code long}), which is
 * what they are on the LP64 Linux this supports.
 *
 * <p>Needs glibc 2.30 ({@code getdents64}; {@code statx} is 2.28) and x86-64 or aarch64 (the
 * {@code O_*} values below differ elsewhere): {@link #AVAILABLE} is false otherwise, and callers
 * use {@code java.nio} instead.
 *
 * <h2>Layouts</h2>
 *
 * <pre>
 * struct linux_dirent64   [0] u64 d_ino  [8] s64 d_off  [16] u16 d_reclen  [18] u8 d_type
 *                         [19] char d_name[] (NUL-terminated, padded to d_reclen)
 * struct statx (256 B)    [0] u32 stx_mask  [28] u16 stx_mode  [32] u64 stx_ino
 *                         [40] u64 stx_size  [96] stx_ctime  [112] stx_mtime
 *                         (a timestamp is {s64 tv_sec; u32 tv_nsec; s32 reserved})
 * </pre>
 */
public final class DirCalls {
  public static final int O_RDONLY = 0;
  public static final int O_DIRECTORY;
  public static final int O_NOFOLLOW;
  public static final int O_CLOEXEC = 0x80000;
  public static final int AT_FDCWD = -100;
  public static final int AT_SYMLINK_NOFOLLOW = 0x100;
  public static final int AT_NO_AUTOMOUNT = 0x800;
  public static final int AT_EMPTY_PATH = 0x1000;

  public static final int STATX_TYPE = 0x1;
  public static final int STATX_MODE = 0x2;
  public static final int STATX_MTIME = 0x40;
  public static final int STATX_CTIME = 0x80;
  public static final int STATX_INO = 0x100;
  public static final int STATX_SIZE = 0x200;
  public static final int STATX_SIZE_BYTES = 256;
  public static final int STX_MASK = 0;
  public static final int STX_MODE = 28;
  public static final int STX_INO = 32;
  public static final int STX_SIZE = 40;
  public static final int STX_CTIME = 96;
  public static final int STX_MTIME = 112;
  public static final int STX_DEV_MAJOR = 136;
  public static final int STX_DEV_MINOR = 140;

  public static final int DIRENT_INO = 0;
  public static final int DIRENT_RECLEN = 16;
  public static final int DIRENT_TYPE = 18;
  public static final int DIRENT_NAME = 19;

  /** True when the calls are bound (supported architecture, glibc new enough). */
  public static final boolean AVAILABLE;

  static {
    boolean x86 = Platform.isLinux() && Platform.isIntel() && Platform.is64Bit();
    boolean arm = Platform.isLinux() && Platform.isARM() && Platform.is64Bit();
    O_DIRECTORY = arm ? 040000 : 0200000;
    O_NOFOLLOW = arm ? 0100000 : 0400000;
    boolean bound = false;
    if (x86 || arm) {
      try {
        Native.register(NativeLibrary.getInstance("c"));
        bound = true;
      } catch (LinkageError e) {
        // old glibc without getdents64/statx: the crawl falls back to java.nio
      }
    }
    AVAILABLE = bound;
  }

  private static final com.sun.jna.Memory EMPTY_STRING = new com.sun.jna.Memory(1);
  private static final long EMPTY_PATH;

  static {
    EMPTY_STRING.setByte(0, (byte) 0);
    EMPTY_PATH = com.sun.jna.Pointer.nativeValue(EMPTY_STRING);
  }

  private DirCalls() {}

  // openat is variadic in C; with no O_CREAT/O_TMPFILE the mode argument is never read, and on
  // x86-64/aarch64 the fixed arguments travel exactly as for a non-variadic call.
  private static native int openat(int dirfd, long path, int flags) throws LastErrorException;

  private static native long getdents64(int fd, long buf, long count) throws LastErrorException;

  private static native int statx(int dirfd, long path, int flags, int mask, long buf)
      throws LastErrorException;

  private static native int close(int fd) throws LastErrorException;

  /** openat(2) of the directory named by the C string at {@code path}: never follows a symlink. */
  public static int openDirectory(int dirfd, long path) throws ErrnoException {
    while (true) {
      try {
        return openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      } catch (LastErrorException e) {
        if (e.getErrorCode() != ErrnoException.EINTR) {
          throw new ErrnoException("openat", e.getErrorCode());
        }
      }
    }
  }

  /** openat(2) of a directory the user named: a symlink there is followed. */
  public static int openDirectoryFollowing(int dirfd, long path) throws ErrnoException {
    while (true) {
      try {
        return openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      } catch (LastErrorException e) {
        if (e.getErrorCode() != ErrnoException.EINTR) {
          throw new ErrnoException("openat", e.getErrorCode());
        }
      }
    }
  }

  /** getdents64(2) into {@code count} bytes at {@code buf}; 0 at the end of the directory. */
  public static int readEntries(int fd, long buf, int count) throws ErrnoException {
    while (true) {
      try {
        return (int) getdents64(fd, buf, count);
      } catch (LastErrorException e) {
        if (e.getErrorCode() != ErrnoException.EINTR) {
          throw new ErrnoException("getdents64", e.getErrorCode());
        }
      }
    }
  }

  /** statx(2) of {@code path} (a C string) relative to {@code dirfd}, the link itself if one. */
  public static void statNoFollow(int dirfd, long path, int mask, long buf) throws ErrnoException {
    while (true) {
      try {
        statx(dirfd, path, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, mask, buf);
        return;
      } catch (LastErrorException e) {
        if (e.getErrorCode() != ErrnoException.EINTR) {
          throw new ErrnoException("statx", e.getErrorCode());
        }
      }
    }
  }

  /** statx(2) of the open file {@code fd} itself (AT_EMPTY_PATH). */
  public static void statFd(int fd, int mask, long buf) throws ErrnoException {
    while (true) {
      try {
        statx(fd, EMPTY_PATH, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, mask, buf);
        return;
      } catch (LastErrorException e) {
        if (e.getErrorCode() != ErrnoException.EINTR) {
          throw new ErrnoException("statx", e.getErrorCode());
        }
      }
    }
  }

  /** close(2); the fd is released even when close reports an error, so that is dropped. */
  public static void closeQuietly(int fd) {
    if (fd < 0) {
      return;
    }
    try {
      close(fd);
    } catch (LastErrorException e) {
      // nothing to retry: Linux frees the descriptor either way
    }
  }
}
