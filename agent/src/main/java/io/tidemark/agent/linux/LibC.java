package io.tidemark.agent.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few libc calls the engines share (read, poll, eventfd, readlink, statfs). Linux LP64 only:
 * {@code ssize_t}/{@code size_t} map to Java {@code long}. Failures throw {@link
 * LastErrorException} carrying errno.
 */
public interface LibC extends Library {
  LibC INSTANCE = Native.load("c", LibC.class);

  int EPERM = 1;
  int ENOENT = 2;
  int EINTR = 4;
  int EAGAIN = 11;
  int EMFILE = 24;
  int EXDEV = 18;
  int ENODEV = 19;
  int EINVAL = 22;
  int EOPNOTSUPP = 95;
  int ESTALE = 116;

  int O_RDONLY = 0;
  int O_NONBLOCK = 0x800;
  int O_LARGEFILE = 0x8000;
  int O_DIRECTORY = 0x10000;
  int O_NOFOLLOW = 0x20000;
  int O_CLOEXEC = 0x80000;
  int O_PATH = 0x200000;
  int AT_FDCWD = -100;

  /** {@code struct pollfd} is {int fd; short events; short revents}: 8 bytes. */
  int POLLFD_SIZE = 8;
  short POLLIN = 0x1;
  /** {@code struct statfs} on x86_64/aarch64 glibc: 120 bytes, {@code f_fsid} at offset 56. */
  int STATFS_SIZE = 120;
  int STATFS_FSID_OFFSET = 56;

  int open(String path, int flags) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  long read(int fd, Pointer buf, long count) throws LastErrorException;

  long write(int fd, Pointer buf, long count) throws LastErrorException;

  int poll(Pointer fds, int nfds, int timeoutMillis) throws LastErrorException;

  int eventfd(int initval, int flags) throws LastErrorException;

  long readlink(String path, byte[] buf, long size) throws LastErrorException;

  int statfs(String path, Pointer buf) throws LastErrorException;

  int fstatfs(int fd, Pointer buf) throws LastErrorException;
}
