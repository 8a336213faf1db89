package io.tidemark.agent.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * inotify(7): init, add and remove watches, and the mask bits. A record read from the fd is
 * {@code struct inotify_event {int wd; uint32 mask; uint32 cookie; uint32 len; char name[len];}}
 * in native byte order, {@code name} NUL-padded to {@code len} bytes ({@link #EVENT_HEADER}).
 */
public final class Inotify {
  public static final int IN_MODIFY = 0x2;
  public static final int IN_ATTRIB = 0x4;
  public static final int IN_CLOSE_WRITE = 0x8;
  public static final int IN_MOVED_FROM = 0x40;
  public static final int IN_MOVED_TO = 0x80;
  public static final int IN_CREATE = 0x100;
  public static final int IN_DELETE = 0x200;
  public static final int IN_DELETE_SELF = 0x400;
  public static final int IN_MOVE_SELF = 0x800;
  public static final int IN_UNMOUNT = 0x2000;
  public static final int IN_Q_OVERFLOW = 0x4000;
  public static final int IN_IGNORED = 0x8000;
  public static final int IN_ONLYDIR = 0x01000000;
  public static final int IN_DONT_FOLLOW = 0x02000000;
  public static final int IN_EXCL_UNLINK = 0x04000000;
  public static final int IN_MASK_CREATE = 0x10000000;
  public static final int IN_ISDIR = 0x40000000;

  public static final int IN_NONBLOCK = 0x800;
  public static final int IN_CLOEXEC = 0x80000;

  /** Bytes before the name in each record. */
  public static final int EVENT_HEADER = 16;
  /** The largest record: header plus NAME_MAX + NUL. */
  public static final int MAX_EVENT = EVENT_HEADER + 255 + 1;

  static {
    Native.register(NativeLibrary.getInstance("c"));
  }

  private Inotify() {}

  private static native int inotify_init1(int flags) throws LastErrorException;

  private static native int inotify_add_watch(int fd, String path, int mask)
      throws LastErrorException;

  private static native int inotify_rm_watch(int fd, int wd) throws LastErrorException;

  public static int init(int flags) throws ErrnoException {
    try {
      return inotify_init1(flags);
    } catch (LastErrorException e) {
      throw new ErrnoException("inotify_init1", e.getErrorCode());
    }
  }

  /** Returns the watch descriptor; the same one again when the inode is already watched. */
  public static int addWatch(int fd, String path, int mask) throws ErrnoException {
    try {
      return inotify_add_watch(fd, path, mask);
    } catch (LastErrorException e) {
      throw new ErrnoException("inotify_add_watch", e.getErrorCode());
    }
  }

  /** Removes a watch; EINVAL (already gone) is not an error for callers tidying up. */
  public static void rmWatch(int fd, int wd) {
    try {
      inotify_rm_watch(fd, wd);
    } catch (LastErrorException e) {
      // EINVAL: the kernel already dropped the watch (its directory was deleted). Nothing to undo.
    }
  }
}
