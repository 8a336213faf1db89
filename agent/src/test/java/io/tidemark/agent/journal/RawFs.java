package io.tidemark.agent.journal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Test-only libc calls for names Java cannot spell (bytes that are not UTF-8) and for dropping
 * root's permission bypass on one thread ({@code setfsuid}: moving the filesystem uid off 0
 * clears CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH for that thread and the threads it starts).
 */
final class RawFs {

  interface C extends Library {
    C INSTANCE = Native.load("c", C.class);

    int mkdir(byte[] path, int mode) throws LastErrorException;

    int open(byte[] path, int flags, int mode) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int setfsuid(int uid);

    int openat(int dirfd, String path, int flags, int mode) throws LastErrorException;

    int mkdirat(int dirfd, String path, int mode) throws LastErrorException;
  }

  static final int NOBODY = 65534;
  private static final int O_WRONLY_CREAT_EXCL = 01 | 0100 | 0200;

  private RawFs() {}

  /** {@code dir/name} as raw bytes. */
  static byte[] child(Path dir, byte[] name) {
    byte[] d = dir.toString().getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(d, d.length + 1 + name.length + 1);
    out[d.length] = '/';
    System.arraycopy(name, 0, out, d.length + 1, name.length);
    return out; // NUL-terminated: the array's last byte stays 0
  }

  static void mkdir(byte[] path) throws IOException {
    try {
      C.INSTANCE.mkdir(path, 0755);
    } catch (LastErrorException e) {
      throw new IOException("mkdir: errno " + e.getErrorCode());
    }
  }

  static void createFile(byte[] path) throws IOException {
    try {
      C.INSTANCE.close(C.INSTANCE.open(path, O_WRONLY_CREAT_EXCL, 0644));
    } catch (LastErrorException e) {
      throw new IOException("open: errno " + e.getErrorCode());
    }
  }

  /**
   * {@code levels} nested directories named {@code name} under {@code root} and a file {@code
   * leaf} holding "hi\n" at the bottom, made step by step through directory fds, so the path may
   * exceed PATH_MAX.
   */
  static void deepTree(Path root, String name, int levels) throws IOException {
    int oDirectory = io.tidemark.agent.linux.DirCalls.O_DIRECTORY;
    int fd;
    try {
      fd = C.INSTANCE.openat(-100, root.toString(), oDirectory, 0);
      for (int i = 0; i < levels; i++) {
        C.INSTANCE.mkdirat(fd, name, 0755);
        int next = C.INSTANCE.openat(fd, name, oDirectory, 0);
        C.INSTANCE.close(fd);
        fd = next;
      }
      int file = C.INSTANCE.openat(fd, "leaf", O_WRONLY_CREAT_EXCL, 0644);
      C.INSTANCE.close(fd);
      try (var out = new java.io.FileOutputStream("/proc/self/fd/" + file)) {
        out.write("hi\n".getBytes(StandardCharsets.US_ASCII));
      } finally {
        C.INSTANCE.close(file);
      }
    } catch (LastErrorException e) {
      throw new IOException("deep tree: errno " + e.getErrorCode());
    }
  }

  /** Sets this thread's filesystem uid; returns the previous one. */
  static int setFsUid(int uid) {
    return C.INSTANCE.setfsuid(uid);
  }
}
