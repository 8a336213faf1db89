package io.tidemark.agent.watch;

import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.ignore.IgnoreRules;
import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.JournalWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One watch root between its engine and the journal: filters ignored paths, coalesces events over
 * the adaptive settle window and publishes the net changes to the {@link JournalWriter}.
 *
 * <p>States: <em>crawling</em> (the startup reconcile runs; events are coalesced but held back, so
 * they land after what the crawl found), <em>watching</em>, and <em>reconciling</em> after a kernel
 * queue overflow (publishing goes on; the reconcile is rate-limited and repeated if another
 * overflow arrives meanwhile). Sync cookies flush everything seen before them.
 *
 * <p>The settle window's tick runs on a timer of its own ({@link Settings#preciseTicks()}): Pekko's
 * timers fire on the scheduler's tick (10 ms by default), which alone would put a lone write
 * 10 ms behind instead of the sub-millisecond early close (see {@link CoalescerSettings}).
 */
public final class WatchRoot extends AbstractBehavior<WatchRoot.Command> {

  public sealed interface Command {}

  /** One kernel read's worth of events, in order. */
  public record EngineBatch(List<FsEvent> events) implements Command {}

  /** The engine stopped for good. */
  public record EngineFailed(Throwable cause) implements Command {}

  /** The engine is watching: run the startup reconcile (only now, so nothing falls between). */
  public enum Begin implements Command {
    INSTANCE
  }

  /** Publish everything pending now and reply (orderly shutdown). */
  public record FlushAll(ActorRef<Done> replyTo) implements Command {}

  public enum Done {
    INSTANCE
  }

  private enum Tick implements Command {
    INSTANCE
  }

  private enum RetryReconcile implements Command {
    INSTANCE
  }

  private record ReconcileFinished(JournalWriter.Reconciled answer) implements Command {}

  /**
   * Everything the actor needs from its owner. {@code preciseTicks}: the settle tick runs on a
   * dedicated timer thread with nanosecond deadlines (the agent); false leaves it on Pekko's
   * timers, which tests drive with {@code ManualTime}. {@code nanoClock} must be
   * {@link System#nanoTime} with precise ticks.
   */
  public record Settings(
      CoalescerSettings coalescer,
      IgnoreRules ignore,
      Duration minReconcileInterval,
      LongSupplier nanoClock,
      boolean preciseTicks) {

    /** Pekko-timer ticks (for tests on {@code ManualTime}). */
    public Settings(
        CoalescerSettings coalescer,
        IgnoreRules ignore,
        Duration minReconcileInterval,
        LongSupplier nanoClock) {
      this(coalescer, ignore, minReconcileInterval, nanoClock, false);
    }
  }

  private final TimerScheduler<Command> timers;
  private final ActorRef<JournalWriter.Command> journal;
  private final ActorRef<JournalWriter.Reconciled> reconcileAdapter;
  private final Coalescer coalescer;
  private final EventFilter filter;
  private final Settings settings;
  private final CompletableFuture<Void> ready;
  private final Consumer<Throwable> fatal;
  private final List<String> heldCookies = new ArrayList<>();
  private boolean crawling = true;
  private boolean reconcileInFlight;
  private String reconcileWanted;
  private long lastReconcileEnd = Long.MIN_VALUE;
  /** The precise tick timer; null on Pekko timers. */
  private final ScheduledThreadPoolExecutor ticker;
  private ScheduledFuture<?> pendingTick;
  private long pendingTickAt = Long.MAX_VALUE;

  /**
   * @param ready completed once the startup reconcile is journalled (or failed with its cause)
   * @param fatal told when the engine fails for good
   */
  public static Behavior<Command> create(
      ActorRef<JournalWriter.Command> journal,
      Settings settings,
      CompletableFuture<Void> ready,
      Consumer<Throwable> fatal) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new WatchRoot(ctx, timers, journal, settings, ready, fatal)));
  }

  private WatchRoot(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<JournalWriter.Command> journal,
      Settings settings,
      CompletableFuture<Void> ready,
      Consumer<Throwable> fatal) {
    super(context);
    this.timers = timers;
    this.journal = journal;
    this.settings = settings;
    this.ready = ready;
    this.fatal = fatal;
    this.coalescer = new Coalescer(settings.coalescer());
    this.filter = new EventFilter(settings.ignore());
    this.reconcileAdapter = context.messageAdapter(JournalWriter.Reconciled.class, ReconcileFinished::new);
    if (settings.preciseTicks()) {
      ticker = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon()
          .name("tidemark-settle-tick").unstarted(r));
      ticker.setRemoveOnCancelPolicy(true);
    } else {
      ticker = null;
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(EngineBatch.class, this::onBatch)
        .onMessageEquals(Begin.INSTANCE, this::onBegin)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(RetryReconcile.INSTANCE, this::onRetryReconcile)
        .onMessage(ReconcileFinished.class, this::onReconcileFinished)
        .onMessage(FlushAll.class, this::onFlushAll)
        .onMessage(EngineFailed.class, this::onEngineFailed)
        .onSignal(PostStop.class, stopped -> onPostStop())
        .build();
  }

  private Behavior<Command> onPostStop() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    return this;
  }

  private Behavior<Command> onBegin() {
    reconcileInFlight = true;
    journal.tell(
        new JournalWriter.Reconcile(
            "startup: journalling what changed while no agent was running", reconcileAdapter,
            true));
    return this;
  }

  private Behavior<Command> onBatch(EngineBatch batch) {
    long now = now();
    List<FsEvent> segment = new ArrayList<>(batch.events().size());
    for (FsEvent raw : batch.events()) {
      if (raw.path() != null && IgnoreRules.isCookie(raw.path())) {
        if (raw.kind() == FsEvent.Kind.CREATE) {
          coalescer.accept(segment, now);
          segment.clear();
          cookieArrived(raw.path(), now);
        }
        continue;
      }
      FsEvent e = filter.apply(raw);
      if (e != null) {
        segment.add(e);
      }
    }
    coalescer.accept(segment, now);
    if (coalescer.overflowPending()) {
      coalescer.overflowHandled();
      publish(coalescer.drainAll(now), List.of());
      requestReconcile("the kernel queue overflowed: events were lost, re-reading the tree");
    } else if (!crawling && coalescer.nextDeadlineNanos() <= now) {
      publish(coalescer.drain(now), List.of()); // due already (pending bound): no timer hop
    }
    scheduleTick(now);
    return this;
  }

  private void cookieArrived(String cookie, long now) {
    if (crawling) {
      heldCookies.add(cookie);
    } else {
      publish(coalescer.drainAll(now), List.of(cookie));
    }
  }

  private Behavior<Command> onTick() {
    pendingTickAt = Long.MAX_VALUE; // fired (or stale): the next scheduleTick sets a fresh one
    long now = now();
    if (!crawling) {
      publish(coalescer.drain(now), List.of());
    }
    scheduleTick(now);
    return this;
  }

  private Behavior<Command> onFlushAll(FlushAll flush) {
    publish(coalescer.drainAll(now()), List.of());
    flush.replyTo().tell(Done.INSTANCE);
    return this;
  }

  private Behavior<Command> onEngineFailed(EngineFailed failed) {
    getContext().getLog().error("watch engine stopped: {}", failed.cause().getMessage());
    fatal.accept(failed.cause());
    return this;
  }

  private void publish(List<Change> changes, List<String> cookies) {
    if (!changes.isEmpty() || !cookies.isEmpty()) {
      journal.tell(new JournalWriter.Append(changes, cookies));
    }
  }

  private void scheduleTick(long now) {
    if (crawling) {
      return;
    }
    long deadline = coalescer.nextDeadlineNanos();
    if (ticker != null) {
      scheduleTickPrecisely(deadline, now);
    } else if (deadline == Long.MAX_VALUE) {
      timers.cancel(Tick.INSTANCE);
    } else {
      timers.startSingleTimer(Tick.INSTANCE, Duration.ofNanos(Math.max(0, deadline - now)));
    }
  }

  private void scheduleTickPrecisely(long deadline, long now) {
    if (deadline == pendingTickAt) {
      return; // most batches leave the deadline where it was
    }
    if (pendingTick != null) {
      pendingTick.cancel(false);
      pendingTick = null;
    }
    pendingTickAt = deadline;
    if (deadline != Long.MAX_VALUE) {
      ActorRef<Command> self = getContext().getSelf();
      pendingTick = ticker.schedule(
          () -> self.tell(Tick.INSTANCE), Math.max(0, deadline - now), TimeUnit.NANOSECONDS);
    }
  }

  private void requestReconcile(String reason) {
    long now = now();
    long earliest = lastReconcileEnd == Long.MIN_VALUE
        ? now
        : lastReconcileEnd + settings.minReconcileInterval().toNanos();
    if (reconcileInFlight || now < earliest) {
      if (reconcileWanted == null && !reconcileInFlight) {
        timers.startSingleTimer(RetryReconcile.INSTANCE, Duration.ofNanos(earliest - now));
      }
      reconcileWanted = reason;
      return;
    }
    reconcileInFlight = true;
    reconcileWanted = null;
    getContext().getLog().warn("{}", reason);
    journal.tell(new JournalWriter.Reconcile(reason, reconcileAdapter));
  }

  private Behavior<Command> onRetryReconcile() {
    if (reconcileWanted != null && !reconcileInFlight) {
      String reason = reconcileWanted;
      reconcileWanted = null;
      requestReconcile(reason);
    }
    return this;
  }

  private Behavior<Command> onReconcileFinished(ReconcileFinished finished) {
    reconcileInFlight = false;
    if (!crawling) {
      // only overflow reconciles count towards the rate limit, not the startup crawl
      lastReconcileEnd = now();
    }
    if (crawling) {
      crawling = false;
      if (finished.answer().failure() != null) {
        ready.completeExceptionally(finished.answer().failure());
      } else {
        ready.complete(null);
      }
      long now = now();
      publish(coalescer.drainAll(now), heldCookies);
      heldCookies.clear();
      scheduleTick(now);
    }
    if (reconcileWanted != null) {
      String reason = reconcileWanted;
      reconcileWanted = null;
      requestReconcile(reason);
    }
    return this;
  }

  private long now() {
    return settings.nanoClock().getAsLong();
  }
}
