package io.tidemark.agent.engine;

import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/** A sink that keeps every event it is given, for tests to wait on and inspect. */
class EventRecorder implements EventSink {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final List<FsEvent> events = new ArrayList<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  @Override
  public void onEvents(List<FsEvent> batch) {
    if (batch.isEmpty()) {
      failure.compareAndSet(null, new AssertionError("engine delivered an empty batch"));
    }
    synchronized (events) {
      events.addAll(batch);
    }
  }

  @Override
  public void onFailure(Throwable cause) {
    failure.compareAndSet(null, cause);
  }

  List<FsEvent> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  int size() {
    synchronized (events) {
      return events.size();
    }
  }

  Optional<FsEvent> find(Predicate<FsEvent> match) {
    return events().stream().filter(match).findFirst();
  }

  /** Waits until an event matches, failing with {@code what} and everything seen otherwise. */
  FsEvent await(String what, Predicate<FsEvent> match) {
    AtomicReference<FsEvent> found = new AtomicReference<>();
    Awaitility.await()
        .alias(what)
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(5))
        .failFast(
            "engine failed",
            () -> {
              if (failure.get() != null) {
                throw new AssertionError("engine failed: " + failure.get(), failure.get());
              }
            })
        .untilAsserted(
            () -> {
              Optional<FsEvent> hit = find(match);
              if (hit.isEmpty()) {
                throw new AssertionError("no event matching: " + what + "\nseen: " + dump());
              }
              found.set(hit.get());
            });
    return found.get();
  }

  FsEvent await(FsEvent.Kind kind, String path) {
    return await(kind + " " + path, e -> e.kind() == kind && path.equals(e.path()));
  }

  /** Waits until no new event arrived for {@code quiet}, e.g. after a rename-pairing window. */
  void awaitQuiet(Duration quiet) {
    int[] last = {-1};
    long[] since = {System.nanoTime()};
    Awaitility.await()
        .atMost(TIMEOUT.multipliedBy(3))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              int n = size();
              if (n != last[0]) {
                last[0] = n;
                since[0] = System.nanoTime();
                return false;
              }
              return System.nanoTime() - since[0] >= quiet.toNanos();
            });
  }

  Throwable failure() {
    return failure.get();
  }

  String dump() {
    StringBuilder sb = new StringBuilder();
    for (FsEvent e : events()) {
      sb.append("\n  ").append(e);
    }
    return sb.toString();
  }
}
