package io.tidemark.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.engine.FsEvent.Kind;
import io.tidemark.agent.ignore.IgnoreRules;
import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.ChangeKind;
import io.tidemark.agent.journal.JournalWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deterministic: the scheduler is {@link ManualTime} and the coalescer's clock moves with it. */
class WatchRootTest {

  private static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
  private static final ManualTime manualTime = ManualTime.get(testKit.system());

  private final AtomicLong clock = new AtomicLong();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private TestProbe<JournalWriter.Command> journal;
  private ActorRef<WatchRoot.Command> root;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void spawn() {
    journal = testKit.createTestProbe();
    WatchRoot.Settings settings =
        new WatchRoot.Settings(
            CoalescerSettings.defaults(), IgnoreRules.none(), Duration.ofSeconds(5), clock::get);
    root = testKit.spawn(WatchRoot.create(journal.ref(), settings, ready, cause -> {}));
  }

  private void finishStartupCrawl() {
    root.tell(WatchRoot.Begin.INSTANCE);
    JournalWriter.Reconcile crawl = journal.expectMessageClass(JournalWriter.Reconcile.class);
    crawl.replyTo().tell(new JournalWriter.Reconciled(null, null));
    settle();
  }

  /** Moves the actor's clock, then the scheduler, by {@code d}, once it has taken its mail. */
  private void advance(Duration d) {
    settle();
    clock.addAndGet(d.toNanos());
    manualTime.timePasses(d);
  }

  private void send(FsEvent... events) {
    root.tell(new WatchRoot.EngineBatch(List.of(events)));
  }

  /**
   * Lets the actor take what was sent before virtual time moves: the scheduler is manual, so a
   * timer set after {@code timePasses} would be set relative to the later time.
   */
  private void settle() {
    journal.expectNoMessage(Duration.ofMillis(100));
  }

  private static FsEvent file(Kind kind, String p) {
    return FsEvent.of(kind, p, false, 1);
  }

  private List<Change> expectAppend() {
    return journal.expectMessageClass(JournalWriter.Append.class).changes();
  }

  @Test
  void watchRoot_loneWrite_publishedAfterClosedGrace() {
    finishStartupCrawl();
    send(file(Kind.MODIFY, "a"), file(Kind.CLOSE_WRITE, "a"));
    journal.expectNoMessage(Duration.ZERO);
    advance(Duration.ofMillis(1));
    assertThat(expectAppend()).containsExactly(Change.of(ChangeKind.MODIFIED, "a", false));
    advance(Duration.ofSeconds(10));
    journal.expectNoMessage(Duration.ZERO);
  }

  @Test
  void watchRoot_createdFileNotClosed_publishedAfterIdleWindow() {
    finishStartupCrawl();
    send(file(Kind.CREATE, "a"));
    advance(Duration.ofMillis(1));
    journal.expectNoMessage(Duration.ZERO);
    advance(Duration.ofMillis(1));
    assertThat(expectAppend()).containsExactly(Change.of(ChangeKind.CREATED, "a", false));
  }

  @Test
  void watchRoot_createThenDeleteInWindow_publishesOnlyADeleteOfTheName() {
    // The CREATE may have replaced a file (a move-in onto an existing name is a plain CREATE),
    // so the Coalescer leaves an unsure DELETED; the journal drops it when it never knew "t".
    finishStartupCrawl();
    send(file(Kind.CREATE, "t"), file(Kind.DELETE, "t"));
    advance(Duration.ofSeconds(1));
    assertThat(expectAppend()).containsExactly(Change.of(ChangeKind.DELETED, "t", false));
    advance(Duration.ofSeconds(10));
    journal.expectNoMessage(Duration.ZERO);
  }

  @Test
  void watchRoot_fileNeverClosed_publishedAfterHold() {
    finishStartupCrawl();
    send(file(Kind.MODIFY, "log"));
    advance(Duration.ofMillis(1_999));
    journal.expectNoMessage(Duration.ZERO);
    advance(Duration.ofMillis(1));
    assertThat(expectAppend()).containsExactly(Change.of(ChangeKind.MODIFIED, "log", false));
  }

  @Test
  void watchRoot_overflow_flushesThenReconciles() {
    finishStartupCrawl();
    send(file(Kind.CLOSE_WRITE, "a"), FsEvent.overflow());
    assertThat(expectAppend()).containsExactly(Change.of(ChangeKind.MODIFIED, "a", false));
    assertThat(journal.expectMessageClass(JournalWriter.Reconcile.class).reason())
        .contains("overflow");
  }

  @Test
  void watchRoot_secondOverflowDuringReconcile_reconcilesAgainAfterTheInterval() {
    finishStartupCrawl();
    send(FsEvent.overflow());
    JournalWriter.Reconcile first = journal.expectMessageClass(JournalWriter.Reconcile.class);
    send(FsEvent.overflow());
    journal.expectNoMessage(Duration.ZERO);
    first.replyTo().tell(new JournalWriter.Reconciled(null, null));
    journal.expectNoMessage(Duration.ofMillis(50));
    advance(Duration.ofSeconds(5));
    journal.expectMessageClass(JournalWriter.Reconcile.class);
  }

  @Test
  void watchRoot_syncCookie_flushesEverythingBeforeItIncludingOpenFiles() {
    finishStartupCrawl();
    String cookie = IgnoreRules.COOKIE_PREFIX + "1-1";
    send(
        file(Kind.MODIFY, "still-open.log"),
        file(Kind.CREATE, "new"),
        file(Kind.CREATE, cookie),
        file(Kind.CREATE, "after"));
    JournalWriter.Append append = journal.expectMessageClass(JournalWriter.Append.class);
    assertThat(append.changes())
        .containsExactlyInAnyOrder(
            Change.of(ChangeKind.CREATED, "new", false),
            Change.of(ChangeKind.MODIFIED, "still-open.log", false));
    assertThat(append.cookies()).containsExactly(cookie);
    advance(Duration.ofMillis(2));
    assertThat(expectAppend()).containsExactly(Change.of(ChangeKind.CREATED, "after", false));
  }

  @Test
  void watchRoot_eventsDuringStartupCrawl_publishedAfterItAndReadyCompletes() {
    root.tell(WatchRoot.Begin.INSTANCE);
    JournalWriter.Reconcile crawl = journal.expectMessageClass(JournalWriter.Reconcile.class);
    send(file(Kind.CREATE, "during-crawl"));
    advance(Duration.ofSeconds(1));
    journal.expectNoMessage(Duration.ZERO);
    assertThat(ready).isNotDone();

    crawl.replyTo().tell(new JournalWriter.Reconciled(null, null));

    assertThat(expectAppend()).containsExactly(Change.of(ChangeKind.CREATED, "during-crawl", false));
    assertThat(ready).isCompleted();
  }

  @Test
  void watchRoot_ignoredPaths_neverPublished() throws Exception {
    WatchRoot.Settings settings =
        new WatchRoot.Settings(
            CoalescerSettings.defaults(),
            IgnoreRules.load(java.nio.file.Path.of("/nonexistent-root"), List.of("build/")),
            Duration.ofSeconds(5),
            clock::get);
    TestProbe<JournalWriter.Command> probe = testKit.createTestProbe();
    ActorRef<WatchRoot.Command> ignoring =
        testKit.spawn(WatchRoot.create(probe.ref(), settings, new CompletableFuture<>(), c -> {}));
    ignoring.tell(WatchRoot.Begin.INSTANCE);
    probe.expectMessageClass(JournalWriter.Reconcile.class)
        .replyTo()
        .tell(new JournalWriter.Reconciled(null, null));
    ignoring.tell(
        new WatchRoot.EngineBatch(
            List.of(
                FsEvent.of(Kind.CREATE, "build", true, 1),
                file(Kind.CREATE, "build/out.o"),
                FsEvent.rename("build/out.o", "src/out.o", false, 1),
                file(Kind.CREATE, "src/main.c"))));
    probe.expectNoMessage(Duration.ofMillis(100));
    clock.addAndGet(Duration.ofMillis(5).toNanos());
    manualTime.timePasses(Duration.ofMillis(5));
    assertThat(probe.expectMessageClass(JournalWriter.Append.class).changes())
        .containsExactlyInAnyOrder(
            Change.of(ChangeKind.CREATED, "src/out.o", false),
            Change.of(ChangeKind.CREATED, "src/main.c", false));
  }

  /** Precise ticks do not wait for the scheduler: here ManualTime never moves, yet they come. */
  @Test
  void watchRoot_preciseTicks_publishWithoutSchedulerTicks() {
    WatchRoot.Settings settings =
        new WatchRoot.Settings(
            CoalescerSettings.defaults(), IgnoreRules.none(), Duration.ofSeconds(5), System::nanoTime, true);
    TestProbe<JournalWriter.Command> probe = testKit.createTestProbe();
    ActorRef<WatchRoot.Command> precise =
        testKit.spawn(WatchRoot.create(probe.ref(), settings, new CompletableFuture<>(), c -> {}));
    precise.tell(WatchRoot.Begin.INSTANCE);
    probe.expectMessageClass(JournalWriter.Reconcile.class)
        .replyTo()
        .tell(new JournalWriter.Reconciled(null, null));
    // complete at once: the early close
    precise.tell(new WatchRoot.EngineBatch(List.of(
        file(Kind.CREATE, "a"), file(Kind.MODIFY, "a"), file(Kind.CLOSE_WRITE, "a"))));
    assertThat(probe.expectMessageClass(JournalWriter.Append.class).changes())
        .containsExactly(Change.of(ChangeKind.CREATED, "a", false));
    // still open: the whole idle window, then the CREATED on time
    precise.tell(new WatchRoot.EngineBatch(List.of(file(Kind.CREATE, "b"), file(Kind.MODIFY, "b"))));
    assertThat(probe.expectMessageClass(JournalWriter.Append.class).changes())
        .containsExactly(Change.of(ChangeKind.CREATED, "b", false));
    testKit.stop(precise);
  }
}
