package io.tidemark.agent.engine.inotify;

import io.tidemark.agent.engine.EventSink;
import io.tidemark.agent.engine.FsEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/** Keeps what the engine delivered; tests wait on it with Awaitility. */
final class Recorder implements EventSink {
  private final List<FsEvent> events = new ArrayList<>();
  final AtomicReference<Throwable> failure = new AtomicReference<>();
  volatile int batches;

  @Override
  public synchronized void onEvents(List<FsEvent> batch) {
    if (batch.isEmpty()) {
      failure.compareAndSet(null, new AssertionError("empty batch"));
    }
    batches++;
    events.addAll(batch);
  }

  @Override
  public void onFailure(Throwable cause) {
    failure.compareAndSet(null, cause);
  }

  synchronized List<FsEvent> events() {
    return List.copyOf(events);
  }

  synchronized int size() {
    return events.size();
  }

  String dump() {
    return events().stream().map(FsEvent::toString).collect(Collectors.joining("\n  ", "\n  ", ""));
  }

  void await(String what, Predicate<List<FsEvent>> condition) {
    Awaitility.await(what)
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(5))
        .failFast("engine failed", () -> failure.get() != null)
        // Another test on this machine may lower fs.inotify.max_queued_events around its own
        // inotify_init; an instance created meanwhile overflows, which makes this test moot.
        .failFast("kernel queue overflowed (max_queued_events was lowered by a concurrent test?)",
            () -> events().stream().anyMatch(e -> e.kind() == FsEvent.Kind.OVERFLOW))
        .until(() -> condition.test(events()));
  }

  void awaitEvent(FsEvent expected) {
    await(expected + " in" + dump(), list -> list.contains(expected));
  }

  long count(FsEvent e) {
    return events().stream().filter(e::equals).count();
  }
}
