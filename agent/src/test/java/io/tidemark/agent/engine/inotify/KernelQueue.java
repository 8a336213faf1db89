package io.tidemark.agent.engine.inotify;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Overflow tests elsewhere on this machine lower the global fs.inotify.max_queued_events around
 * their own inotify_init (it is read only then). An instance created inside such a window gets a
 * tiny queue and overflows, so tests that expect exact events start their engine outside it: they
 * wait for a normal limit and hold the overflow tests' lock file (shared) while starting.
 */
final class KernelQueue {
  static final Path MAX_QUEUED = Path.of("/proc/sys/fs/inotify/max_queued_events");
  static final Path SYSCTL_LOCK = Path.of("/tmp/tidemark-inotify-sysctl.lock");
  static final int NORMAL = 1024;

  interface Start {
    void run() throws IOException;
  }

  private KernelQueue() {}

  static void startWithNormalQueue(Start start) throws IOException {
    try (FileChannel ch =
            FileChannel.open(SYSCTL_LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = ch.lock(0, Long.MAX_VALUE, false)) {
      if (limit() < NORMAL && Files.isWritable(MAX_QUEUED)) {
        // left lowered by something outside these tests: a limit that small helps nobody
        Files.writeString(MAX_QUEUED, "16384");
      }
      start.run();
    }
  }

  static int limit() throws IOException {
    return Integer.parseInt(InotifyErrors.limit(MAX_QUEUED.getParent().getParent().getParent(),
        "fs/inotify/max_queued_events"));
  }

  /**
   * One read from offset 0: a sysctl file answers a read at a non-zero offset with EOF, so
   * {@code Files.readString} (which reads a byte first) sees "1" for 16384.
   */
  static String readSysctl(Path file) throws java.io.IOException {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[64];
      int n = in.read(buf);
      return new String(buf, 0, Math.max(n, 0), java.nio.charset.StandardCharsets.US_ASCII);
    }
  }
}
