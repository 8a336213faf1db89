package io.tidemark.agent.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The few generic libc calls the engines need around their kernel fds: read, write, close, poll
 * and an eventfd to wake a blocked reader. Direct-mapped (not a proxy interface) because the read
 * loop calls it at event rate.
 */
public final class LibC {
  public static final short POLLIN = 0x1;
  public static final int EFD_NONBLOCK = 0x800;
  public static final int EFD_CLOEXEC = 0x80000;

  static {
    Native.register(NativeLibrary.getInstance("c"));
  }

  private LibC() {}

  // size_t / ssize_t / nfds_t as Java long: Linux is LP64 on every platform we run on, and a
  // primitive keeps JNA from building a NativeLong by reflection on every call.
  private static native long read(int fd, Pointer buf, long count) throws LastErrorException;

  private static native long write(int fd, Pointer buf, long count) throws LastErrorException;

  private static native int close(int fd) throws LastErrorException;

  private static native int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;

  private static native int eventfd(int initval, int flags) throws LastErrorException;

  /** read(2) into {@code buf}; retries EINTR; returns -1 on EAGAIN (non-blocking fd, no data). */
  public static int read(int fd, Pointer buf, int count) throws ErrnoException {
    while (true) {
      try {
        return (int) read(fd, buf, (long) count);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == ErrnoException.EAGAIN) {
          return -1;
        }
        if (e.getErrorCode() != ErrnoException.EINTR) {
          throw new ErrnoException("read", e.getErrorCode());
        }
      }
    }
  }

  /** Adds 1 to an eventfd counter, which makes it readable and wakes a poll on it. */
  public static void signalEventFd(int fd) throws ErrnoException {
    Memory one = new Memory(8);
    one.setLong(0, 1L);
    try {
      write(fd, one, 8L);
    } catch (LastErrorException e) {
      throw new ErrnoException("write(eventfd)", e.getErrorCode());
    }
  }

  public static int eventFd(int flags) throws ErrnoException {
    try {
      return eventfd(0, flags);
    } catch (LastErrorException e) {
      throw new ErrnoException("eventfd", e.getErrorCode());
    }
  }

  /** close(2), ignoring a negative fd; an error on close leaves nothing to retry, so it is dropped. */
  public static void closeQuietly(int fd) {
    if (fd < 0) {
      return;
    }
    try {
      close(fd);
    } catch (LastErrorException e) {
      // The fd is released even when close reports an error (Linux semantics): nothing to do.
    }
  }

  /**
   * poll(2) on {@code fds}, an array of {@code struct pollfd {int fd; short events; short
   * revents;}} (8 bytes each) the caller lays out; retries EINTR as a zero-result wakeup.
   */
  public static int poll(Pointer fds, int nfds, int timeoutMillis) throws ErrnoException {
    try {
      return poll(fds, (long) nfds, timeoutMillis);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == ErrnoException.EINTR) {
        return 0;
      }
      throw new ErrnoException("poll", e.getErrorCode());
    }
  }
}
