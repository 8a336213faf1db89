package io.tidemark.agent.watch;

import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.journal.Change;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One watched root: feeds engine batches to a {@link Coalescer} and publishes what settles.
 *
 * <p>A single timer tracks {@link Coalescer#nextDeadlineNanos()}; when it fires the due changes
 * go to the journal as one {@link Publish}. An overflow flushes what is pending at once and asks
 * for a reconcile ({@link ReconcileRequested}).
 *
 * <p>Lifecycle (to come with the crawler and the journal): <em>crawling</em> (initial stat crawl
 * against the index, engine events buffered), <em>watching</em> (this behavior), <em>reconciling</em>
 * (after overflow: crawl again while events keep flowing). Only watching exists today.
 */
public final class WatchRoot extends AbstractBehavior<WatchRoot.Command> {

  /** What a WatchRoot accepts. */
  public sealed interface Command {}

  /**
   * One kernel read's worth of events, in order, stamped with the {@code nanoClock} time of the
   * read (so the settle window starts when the kernel spoke, not when the actor got to it).
   */
  public record EngineBatch(List<FsEvent> events, long readNanos) implements Command {
    public EngineBatch {
      events = List.copyOf(events);
    }
  }

  /** The settle timer fired. */
  private enum SettleDue implements Command {
    INSTANCE
  }

  /** What a WatchRoot sends downstream (the journal, or a test probe). */
  public sealed interface Output {}

  /** Changes in replay order, to be journalled as one append. */
  public record Publish(List<Change> changes) implements Output {}

  /** Events were lost: the root must be reconciled against the disk. */
  public record ReconcileRequested() implements Output {}

  private static final Object SETTLE_TIMER = "settle";

  private final TimerScheduler<Command> timers;
  private final Coalescer coalescer;
  private final LongSupplier nanoClock;
  private final ActorRef<Output> downstream;

  /**
   * @param nanoClock monotonic time for the coalescer ({@code System::nanoTime} in production; a
   *     test clock moved together with the test scheduler in tests)
   */
  public static Behavior<Command> create(
      CoalescerSettings settings, LongSupplier nanoClock, ActorRef<Output> downstream) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new WatchRoot(ctx, timers, settings, nanoClock, downstream)));
  }

  private WatchRoot(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      CoalescerSettings settings,
      LongSupplier nanoClock,
      ActorRef<Output> downstream) {
    super(ctx);
    this.timers = timers;
    this.coalescer = new Coalescer(settings);
    this.nanoClock = nanoClock;
    this.downstream = downstream;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(EngineBatch.class, this::onBatch)
        .onMessageEquals(SettleDue.INSTANCE, this::onSettleDue)
        .build();
  }

  private Behavior<Command> onBatch(EngineBatch batch) {
    coalescer.accept(batch.events(), batch.readNanos());
    if (coalescer.overflowPending()) {
      publishDue();
      coalescer.overflowHandled();
      downstream.tell(new ReconcileRequested());
    }
    scheduleNext();
    return this;
  }

  private Behavior<Command> onSettleDue() {
    publishDue();
    scheduleNext();
    return this;
  }

  private void publishDue() {
    List<Change> due = coalescer.drain(nanoClock.getAsLong());
    if (!due.isEmpty()) {
      downstream.tell(new Publish(due));
    }
  }

  private void scheduleNext() {
    long deadline = coalescer.nextDeadlineNanos();
    if (deadline == Long.MAX_VALUE) {
      timers.cancel(SETTLE_TIMER);
      return;
    }
    long delay = Math.max(0, deadline - nanoClock.getAsLong());
    timers.startSingleTimer(SETTLE_TIMER, SettleDue.INSTANCE, Duration.ofNanos(delay));
  }
}
