package io.tidemark.agent.engine.inotify;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.engine.EngineConfig;
import io.tidemark.agent.engine.EventSink;
import io.tidemark.agent.engine.FsEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * 200k file creations on tmpfs must come through at inotifywait's rate (>= 90k files/s) without
 * overflowing the kernel queue. Opt-in ({@code -Dtidemark.perf=true}): a throughput bound is only
 * meaningful on a machine not busy with other test runs.
 */
@EnabledIfSystemProperty(named = "tidemark.perf", matches = "true")
class InotifyThroughputTest {
  static final int FILES = 200_000;

  @Test
  void burst_200kCreatesOnTmpfs_deliveredAtInotifywaitRate() throws Exception {
    Path root = Files.createTempDirectory(Path.of("/dev/shm"), "tidemark-perf").toRealPath();
    AtomicLong creates = new AtomicLong();
    AtomicLong lastAt = new AtomicLong();
    AtomicReference<String> trouble = new AtomicReference<>();
    EventSink sink = new EventSink() {
      @Override
      public void onEvents(List<FsEvent> batch) {
        for (FsEvent e : batch) {
          if (e.kind() == FsEvent.Kind.CREATE) {
            creates.incrementAndGet();
          } else if (e.kind() == FsEvent.Kind.OVERFLOW) {
            trouble.compareAndSet(null, "overflow");
          }
        }
        lastAt.set(System.nanoTime());
      }

      @Override
      public void onFailure(Throwable cause) {
        trouble.compareAndSet(null, cause.toString());
      }
    };
    try (InotifyEngine engine = new InotifyEngine(EngineConfig.forRoot(root))) {
      KernelQueue.startWithNormalQueue(() -> engine.start(sink));
      String script = "import os\n"
          + "for i in range(" + FILES + "):\n"
          + "    os.close(os.open('f%d' % i, os.O_CREAT | os.O_WRONLY, 0o644))\n";
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder("python3", "-c", script).directory(root.toFile())
          .inheritIO().start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      long written = System.nanoTime();
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
          .until(() -> creates.get() >= FILES || trouble.get() != null);
      double seconds = (lastAt.get() - t0) / 1e9;
      System.out.printf("inotify: %d creates in %.3fs (writer %.3fs): %.0f files/s%n",
          creates.get(), seconds, (written - t0) / 1e9, FILES / seconds);
      assertThat(trouble.get()).isNull();
      assertThat(creates.get()).isEqualTo(FILES);
      assertThat(FILES / seconds).isGreaterThanOrEqualTo(90_000);
    } finally {
      new ProcessBuilder("rm", "-rf", root.toString()).start().waitFor();
    }
  }
}
