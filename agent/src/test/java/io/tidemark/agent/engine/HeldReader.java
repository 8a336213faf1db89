package io.tidemark.agent.engine;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A sink that can hold the engine's reader thread inside a delivery, so the kernel queues what
 * happens meanwhile and the engine translates all of it later, against a tree that has moved on.
 * That is the race between a listing (or a handle lookup) and the events queued before it, made
 * deterministic. Events go to an {@link EventRecorder}.
 */
final class HeldReader implements EventSink {
  private final EventRecorder events;
  private volatile CountDownLatch latch = new CountDownLatch(0);

  HeldReader(EventRecorder events) {
    this.events = events;
  }

  /** The next delivery (and with it the reader) waits until {@link #release()}. */
  void holdNext() {
    latch = new CountDownLatch(1);
  }

  void release() {
    latch.countDown();
  }

  @Override
  public void onEvents(List<FsEvent> batch) {
    events.onEvents(batch);
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void onFailure(Throwable cause) {
    events.onFailure(cause);
  }
}
