package io.tidemark.agent.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.IntPredicate;

/**
 * Starts an engine with a chosen {@code fs.inotify.max_queued_events}. The kernel reads the limit
 * once, at inotify_init, so the value is set just around {@code start} and the previous one put
 * back at once: other tests on the machine share the knob. A lock file serialises these windows
 * across test JVMs and worktrees, so none of them takes another's temporary value for the one to
 * restore.
 */
final class InotifyQueueLimit {
  static final Path MAX_QUEUED = Path.of("/proc/sys/fs/inotify/max_queued_events");
  static final int SANE = 16384;
  private static final Path LOCK = Path.of("/tmp/tidemark-inotify-sysctl.lock");

  private InotifyQueueLimit() {}

  /** Starts {@code engine} with exactly {@code limit} queued events (inotify only). */
  static void startWith(int limit, WatchEngine engine, EventSink sink) throws IOException {
    startWhen(n -> n != limit, limit, engine, sink);
  }

  /**
   * Starts {@code engine}; an inotify one gets at least {@link #SANE} queued events even if some
   * other process left the knob lowered, so a small test never overflows for that reason.
   */
  static void startSane(EngineKind kind, WatchEngine engine, EventSink sink) throws IOException {
    if (kind != EngineKind.INOTIFY || !Files.isWritable(MAX_QUEUED)) {
      engine.start(sink);
      return;
    }
    startWhen(n -> n < SANE, SANE, engine, sink);
  }

  static String current() {
    try {
      return readSysctl(MAX_QUEUED).strip();
    } catch (IOException e) {
      return "unreadable: " + e;
    }
  }

  private static void startWhen(IntPredicate change, int limit, WatchEngine engine, EventSink sink)
      throws IOException {
    try (FileChannel ch = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = ch.lock()) {
      String read = readSysctl(MAX_QUEUED).strip();
      // never put back a limit below SANE: one left lowered by accident would fail every test after
      String old = Integer.parseInt(read) < SANE ? Integer.toString(SANE) : read;
      if (!change.test(Integer.parseInt(read))) {
        engine.start(sink);
        return;
      }
      Files.writeString(MAX_QUEUED, Integer.toString(limit));
      try {
        engine.start(sink);
      } finally {
        Files.writeString(MAX_QUEUED, old);
      }
    }
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
