package io.tidemark.agent.journal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
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

  /** Crawl the root and journal what differs from the index (startup, overflow). */
  public record Reconcile(String reason, ActorRef<Reconciled> replyTo) implements Command {}

  /** The answer to {@link Reconcile}; {@code failure} is null on success. */
  public record Reconciled(ReconcileResult result, Throwable failure) {}

  /** Replies once every message sent before it has been handled (orderly shutdown). */
  public record Barrier(ActorRef<Done> replyTo) implements Command {}

  public enum Done {
    INSTANCE
  }

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

  public static Behavior<Command> create(
      ChangeJournal journal,
      Path root,
      Predicate<String> ignored,
      AfterAppend after,
      ProgressListener progress,
      Duration compactEvery) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(CompactTick.INSTANCE, compactEvery);
                  return new JournalWriter(ctx, journal, root, ignored, after, progress);
                }));
  }

  private JournalWriter(
      ActorContext<Command> context,
      ChangeJournal journal,
      Path root,
      Predicate<String> ignored,
      AfterAppend after,
      ProgressListener progress) {
    super(context);
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

  private boolean firstReconcile = true;

  private Behavior<Command> onReconcile(Reconcile reconcile) {
    reconcileLog.accept(reconcile.reason());
    Reconciled answer;
    try {
      long before = journal.highSeq();
      // The first reconcile is the startup one: no cursor of this journal is out yet (the agent
      // serves only once it is done), so a brand-new journal is seeded without CREATED records.
      boolean first = firstReconcile;
      firstReconcile = false;
      ReconcileResult result = Reconciler.reconcile(root, journal, ignored, progress, first);
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
