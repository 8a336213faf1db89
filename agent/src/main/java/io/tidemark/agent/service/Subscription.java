package io.tidemark.agent.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.tidemark.proto.v1.ChangeBatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code Subscribe} stream. The journal is the buffer: the subscription holds a cursor and
 * reads the next page only while the transport says {@link ServerCallStreamObserver#isReady()},
 * so a subscriber that stops reading costs one cursor, never a growing queue.
 *
 * <p>Wakeups (an append, the transport becoming ready, the start) go through {@link #wake()}: a
 * counter of pending wakeups; whoever moves it from 0 schedules one {@link #drain()} on the
 * executor, and the drain loops until it has consumed every wakeup counted while it ran. So at
 * most one drain runs per subscription, and a wakeup that lands during a drain is never lost.
 */
final class Subscription {
  private static final Logger log = LoggerFactory.getLogger(Subscription.class);
  private static final AutoCloseable CLOSED = () -> {};

  private final JournalQueries journal;
  private final ServerCallStreamObserver<ChangeBatch> call;
  private final Executor executor;
  private final String prefix;
  private final int batchLimit;
  private final Runnable onClose;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReference<AutoCloseable> appends = new AtomicReference<>();
  /** Only read and written inside {@link #drain()}, which the pending counter serialises. */
  private String cursor;

  Subscription(
      JournalQueries journal,
      ServerCallStreamObserver<ChangeBatch> call,
      Executor executor,
      String prefix,
      int batchLimit,
      Runnable onClose) {
    this.journal = journal;
    this.call = call;
    this.executor = executor;
    this.prefix = prefix;
    this.batchLimit = batchLimit;
    this.onClose = onClose;
  }

  /** Registers the handlers (they must be set before the service method returns) and starts. */
  void start(String since) {
    call.setOnCancelHandler(this::close);
    call.setOnReadyHandler(this::wake);
    // An empty `since` means "from now": fix now before listening, so nothing slips between.
    cursor = since.isEmpty() ? journal.currentCursor() : since;
    AutoCloseable handle = journal.onAppend(this::wake);
    if (!appends.compareAndSet(null, handle)) {
      closeQuietly(handle); // cancelled while we registered
      return;
    }
    wake();
  }

  /** Called on append, on ready and at start, from any thread; never blocks. */
  void wake() {
    if (pending.getAndIncrement() != 0) {
      return; // a drain is scheduled or running and will see this wakeup
    }
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      fail(Status.UNAVAILABLE.withDescription("the agent is shutting down").asRuntimeException());
    }
  }

  private void drain() {
    int missed = 1;
    while (true) {
      if (!closed.get()) {
        try {
          sendWhileReady();
        } catch (IllegalArgumentException e) {
          fail(JournalGrpcService.invalidArgument(e));
        } catch (RuntimeException e) {
          fail(JournalGrpcService.internal("Subscribe", e));
        }
      }
      missed = pending.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  private void sendWhileReady() {
    while (!closed.get() && call.isReady()) {
      ChangesPage page = journal.changesSince(cursor, prefix, batchLimit);
      if (page.freshInstance() || !page.changes().isEmpty()) {
        ChangeBatch.Builder batch =
            ChangeBatch.newBuilder().setCursor(page.cursor()).setFreshInstance(page.freshInstance());
        page.changes().forEach(c -> batch.addChanges(JournalGrpcService.toWire(c)));
        call.onNext(batch.build());
      }
      cursor = page.cursor();
      if (!page.more()) {
        return; // caught up; the next append wakes us
      }
    }
  }

  /** Ends the stream with {@code status} unless it already ended. */
  void fail(StatusRuntimeException status) {
    if (close()) {
      call.onError(status);
    }
  }

  /** Stops listening for appends; true for the one caller that closed it. */
  private boolean close() {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    AutoCloseable handle = appends.getAndSet(CLOSED);
    if (handle != null) {
      closeQuietly(handle);
    }
    onClose.run();
    return true;
  }

  private static void closeQuietly(AutoCloseable handle) {
    try {
      handle.close();
    } catch (Exception e) {
      log.warn("closing a Subscribe stream's append listener failed", e);
    }
  }
}
