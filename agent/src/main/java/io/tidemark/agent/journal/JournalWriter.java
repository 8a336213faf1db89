package io.tidemark.agent.journal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The journal's single writer: appends coalesced changes, runs reconciles, compacts on a timer.
 * Every message does blocking RocksDB or crawl I/O, so it must be spawned on the blocking-I/O
 * dispatcher, never on the default one.
 */
public final class JournalWriter extends AbstractBehavior<JournalWriter.Command> {

  public sealed interface Command {}

  /**
   * Journal {@code changes}, then tell the listeners, then release the sync cookies that were seen
   * after these changes (everything written before them is now journalled).
   */
  public record Append(List<Change> changes, List<String> cookies) implements Command {
    public Append {
      changes = List.copyOf(changes);
      cookies = List.copyOf(cookies);
    }
  }

  /**
   * Crawl the root and journal what differs from the index (startup, overflow). {@code startup}:
   * the agent's first reconcile, which may seed a brand-new journal and is answered by the
   * reconcile handed to {@link #create} when there is one.
   */
  public record Reconcile(String reason, ActorRef<Reconciled> replyTo, boolean startup)
      implements Command {
    public Reconcile(String reason, ActorRef<Reconciled> replyTo) {
      this(reason, replyTo, false);
    }
  }

  /** The answer to {@link Reconcile}; {@code failure} is null on success. */
  public record Reconciled(ReconcileResult result, Throwable failure) {}

  /** Replies once every message sent before it has been handled (orderly shutdown). */
  public record Barrier(ActorRef<Done> replyTo) implements Command {}

  public enum Done {
    INSTANCE
  }

  private static final Duration FIRST_COMPACTION = Duration.ofSeconds(5);

  private enum CompactTick implements Command {
    INSTANCE
  }

  /** What happens after an append: wake subscribers, release cookies. */
  public interface AfterAppend {
    void appended(long highSeq);

    void cookieArrived(String name);
  }

  private final ChangeJournal journal;
  private final Path root;
  private final Predicate<String> ignored;
  private final AfterAppend after;
  private final ProgressListener progress;
  private final Consumer<String> reconcileLog;
  private Reconciler.Pending startup;

  public static Behavior<Command> create(
      ChangeJournal journal,
      Path root,
      Predicate<String> ignored,
      AfterAppend after,
      ProgressListener progress,
      Duration compactEvery) {
    return create(journal, root, ignored, after, progress, compactEvery, null);
  }

  /**
   * @param startup a reconcile started before this actor (the agent's startup crawl, begun once
   *     the engine watched, maybe finished already): the startup {@link Reconcile} answers with
   *     its result instead of crawling again. Null to crawl then.
   */
  public static Behavior<Command> create(
      ChangeJournal journal,
      Path root,
      Predicate<String> ignored,
      AfterAppend after,
      ProgressListener progress,
      Duration compactEvery,
      Reconciler.Pending startup) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  // The first compaction soon after start, off the path to `ready`: retention
                  // lowered on the command line (or entries aged while the agent was down) should
                  // not wait a whole interval.
                  Duration first = compactEvery.compareTo(FIRST_COMPACTION) < 0 ? compactEvery : FIRST_COMPACTION;
                  timers.startTimerWithFixedDelay(CompactTick.INSTANCE, first, compactEvery);
                  return new JournalWriter(ctx, journal, root, ignored, after, progress, startup);
                }));
  }

  private JournalWriter(
      ActorContext<Command> context,
      ChangeJournal journal,
      Path root,
      Predicate<String> ignored,
      AfterAppend after,
      ProgressListener progress,
      Reconciler.Pending startup) {
    super(context);
    this.startup = startup;
    this.journal = journal;
    this.root = root;
    this.ignored = ignored;
    this.after = after;
    this.progress = progress;
    this.reconcileLog = reason -> context.getLog().info("reconciling {}: {}", root, reason);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Append.class, this::onAppend)
        .onMessage(Reconcile.class, this::onReconcile)
        .onMessageEquals(CompactTick.INSTANCE, this::onCompact)
        .onMessage(Barrier.class, this::onBarrier)
        .onSignal(PostStop.class, stop -> onStop())
        .build();
  }

  private Behavior<Command> onAppend(Append append) {
    long before = journal.highSeq();
    long high = journal.append(append.changes(), FileStat.under(root));
    if (high != before) { // all of it may have been dropped (deletes of paths never journalled)
      after.appended(high);
    }
    append.cookies().forEach(after::cookieArrived);
    return this;
  }

  private Behavior<Command> onReconcile(Reconcile reconcile) {
    Reconciled answer;
    try {
      long before = journal.highSeq();
      ReconcileResult result;
      if (reconcile.startup() && startup != null) {
        Reconciler.Pending started = startup;
        startup = null;
        try (started) {
          result = started.finish();
        }
      } else {
        reconcileLog.accept(reconcile.reason());
        // Only the startup reconcile may seed a brand-new journal: no cursor of it is out yet
        // (the agent serves only once it is done).
        result = Reconciler.reconcile(root, journal, ignored, progress, reconcile.startup());
      }
      if (journal.highSeq() != before) {
        after.appended(journal.highSeq());
      }
      answer = new Reconciled(result, null);
    } catch (RuntimeException e) {
      getContext().getLog().error("reconcile of {} failed: {}", root, e.toString());
      answer = new Reconciled(null, e);
    }
    reconcile.replyTo().tell(answer);
    return this;
  }

  private Behavior<Command> onStop() {
    if (startup != null) {
      startup.close(); // stopped before the first reconcile: abandon the crawl
    }
    return this;
  }

  private Behavior<Command> onBarrier(Barrier barrier) {
    barrier.replyTo().tell(Done.INSTANCE);
    return this;
  }

  private Behavior<Command> onCompact() {
    long dropped = journal.compact();
    if (dropped > 0) {
      getContext().getLog().debug("compaction dropped {} journal entries", dropped);
    }
    return this;
  }
}
