package io.tidemark.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A kernel queue overflow reaches the sink as an explicit OVERFLOW event. The sink stalls the
 * engine's reader thread while a child process creates more files than the kernel queue holds:
 * inotify with a small {@code max_queued_events} (read at inotify_init, so set just around
 * {@code start} and restored at once: other tests run concurrently), fanotify with its default
 * 16384-event queue.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(value = EngineKind.class, names = {"FANOTIFY", "INOTIFY"})
@Timeout(60)
class EngineOverflowTest {
  private static final int INOTIFY_QUEUE = 256;
  private static final int FANOTIFY_BURST = 40_000;

  @Parameter EngineKind kind;
  @TempDir Path tmp;

  private WatchEngine engine;
  private final CountDownLatch stalled = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  /** Blocks the engine's reader thread in its first batch until {@link #release} opens. */
  private final EventRecorder events =
      new EventRecorder() {
        @Override
        public void onEvents(List<FsEvent> batch) {
          super.onEvents(batch);
          stalled.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      };

  @AfterEach
  void stopEngine() {
    release.countDown();
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void overflow_sinkStalledDuringBurst_reportsOverflowAndKeepsWatching() throws Exception {
    Path root = Files.createDirectory(tmp.toRealPath().resolve("root"));
    EngineConfig config =
        new EngineConfig(root, ProcessHandle.current().pid(), EngineConfig.DEFAULT_RENAME_PAIR_TIMEOUT);
    engine = EngineFactory.create(kind, config);
    int burst;
    if (kind == EngineKind.INOTIFY) {
      assumeTrue(Files.isWritable(InotifyQueueLimit.MAX_QUEUED), "needs root to lower the queue limit");
      InotifyQueueLimit.startWith(INOTIFY_QUEUE, engine, events);
      burst = INOTIFY_QUEUE * 8;
    } else {
      engine.start(events);
      burst = FANOTIFY_BURST;
    }

    Shell.run(root, ": > first");
    Awaitility.await("reader stalled in the sink").atMost(Duration.ofSeconds(10)).until(() -> stalled.getCount() == 0);
    Process child = JavaChild.start(FileBurst.class, root.toString(), Integer.toString(burst));
    String out = new String(child.getInputStream().readAllBytes());
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(out).isZero();
    release.countDown();

    events.await("OVERFLOW", e -> e.kind() == FsEvent.Kind.OVERFLOW);
    FsEvent overflow = events.find(e -> e.kind() == FsEvent.Kind.OVERFLOW).orElseThrow();
    assertThat(overflow.path()).isNull();
    Shell.run(root, ": > after");
    events.await(FsEvent.Kind.CREATE, "after");
    assertThat(events.failure()).isNull();
  }
}
