package io.tidemark.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.engine.FsEvent.Kind;
import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.ChangeKind;
import java.time.Duration;
import java.util.List;
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
  private TestProbe<WatchRoot.Output> journal;
  private ActorRef<WatchRoot.Command> root;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void spawn() {
    journal = testKit.createTestProbe();
    root = testKit.spawn(
        WatchRoot.create(CoalescerSettings.defaults(), clock::get, journal.ref()));
  }

  /** Moves the actor's clock, then the scheduler, by {@code d}. */
  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
    manualTime.timePasses(d);
  }

  private void send(FsEvent... events) {
    root.tell(new WatchRoot.EngineBatch(List.of(events), clock.get()));
  }

  private static FsEvent file(Kind kind, String p) {
    return FsEvent.of(kind, p, false, 1);
  }

  @Test
  void watchRoot_loneWrite_publishedAfterIdleWindow() {
    send(file(Kind.MODIFY, "a"), file(Kind.CLOSE_WRITE, "a"));
    advance(Duration.ofMillis(1));
    journal.expectNoMessage(Duration.ZERO);
    advance(Duration.ofMillis(1));
    assertThat(journal.expectMessageClass(WatchRoot.Publish.class).changes())
        .containsExactly(Change.of(ChangeKind.MODIFIED, "a", false));
    advance(Duration.ofSeconds(10));
    journal.expectNoMessage(Duration.ZERO);
  }

  @Test
  void watchRoot_createThenDeleteInWindow_publishesNothing() {
    send(file(Kind.CREATE, "t"), file(Kind.DELETE, "t"));
    advance(Duration.ofSeconds(1));
    journal.expectNoMessage(Duration.ZERO);
  }

  @Test
  void watchRoot_fileNeverClosed_publishedAfterHold() {
    send(file(Kind.MODIFY, "log"));
    advance(Duration.ofMillis(1_999));
    journal.expectNoMessage(Duration.ZERO);
    advance(Duration.ofMillis(1));
    assertThat(journal.expectMessageClass(WatchRoot.Publish.class).changes())
        .containsExactly(Change.of(ChangeKind.MODIFIED, "log", false));
  }

  @Test
  void watchRoot_overflow_flushesAndRequestsReconcile() {
    send(file(Kind.CLOSE_WRITE, "a"), FsEvent.overflow());
    assertThat(journal.expectMessageClass(WatchRoot.Publish.class).changes())
        .containsExactly(Change.of(ChangeKind.MODIFIED, "a", false));
    journal.expectMessageClass(WatchRoot.ReconcileRequested.class);
  }
}
