package io.tidemark.agent.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.journal.Change;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Model-based test: random operation sequences on an in-memory tree, the events an engine would
 * report for them fed in random batches at random times, drained at random points. Replaying all
 * drained changes over the initial snapshot must give exactly the final tree, and every file whose
 * content was written must be named by some change (or carried by a rename of one). At the
 * journal level (DELETEDs of paths that do not exist dropped, as {@code ChangeJournal} does),
 * temporary files and directories created and deleted within one window leave nothing.
 */
class CoalescerModelTest {

  private static final int SEEDS = Integer.getInteger("tidemark.modelSeeds", 3_000);

  static Stream<CoalescerSettings> settings() {
    CoalescerSettings d = CoalescerSettings.defaults();
    return Stream.of(
        d,
        d.withWriteHold(Duration.ofMillis(3)),
        new CoalescerSettings(
            Duration.ZERO, Duration.ofMillis(20), 1, Duration.ofMillis(5), Duration.ofMillis(40), 6,
            Duration.ZERO),
        d.withClosedGrace(Duration.ofMillis(1)));
  }

  @ParameterizedTest
  @MethodSource("settings")
  void coalescer_randomOperations_replayGivesFinalTreeAndCoversWrites(CoalescerSettings settings) {
    for (long seed = 0; seed < SEEDS; seed++) {
      runOne(seed, settings);
    }
  }

  private static void runOne(long seed, CoalescerSettings settings) {
    Random random = new Random(seed);
    ModelTree initial = EventsForOp.snapshot(random);
    ModelTree model = initial.copy();
    EventsForOp ops = new EventsForOp(model, random);
    Coalescer coalescer = new Coalescer(settings);
    List<Change> journal = new ArrayList<>();
    List<String> trace = new ArrayList<>();
    long now = random.nextInt(1_000_000);
    List<FsEvent> batch = new ArrayList<>();
    int steps = 1 + random.nextInt(60);
    for (int i = 0; i < steps; i++) {
      batch.addAll(ops.next());
      if (!batch.isEmpty() && (random.nextInt(3) == 0 || i == steps - 1)) {
        trace.add("@" + now + " " + batch);
        coalescer.accept(List.copyOf(batch), now);
        batch.clear();
      }
      now += switch (random.nextInt(10)) {
        case 0 -> 0;
        case 1, 2, 3, 4 -> random.nextInt(500_000);
        case 5, 6, 7 -> random.nextInt(10_000_000);
        case 8 -> random.nextInt(100_000_000);
        default -> random.nextLong(3_000_000_000L);
      };
      if (coalescer.nextDeadlineNanos() <= now || random.nextInt(5) == 0) {
        List<Change> out = coalescer.drain(now);
        if (!out.isEmpty()) {
          trace.add("drain@" + now + " " + out);
        }
        journal.addAll(out);
      }
    }
    while (coalescer.nextDeadlineNanos() != Long.MAX_VALUE) {
      now = Math.max(now, coalescer.nextDeadlineNanos());
      List<Change> out = coalescer.drain(now);
      trace.add("drain@" + now + " " + out);
      journal.addAll(out);
    }

    String context = "seed " + seed + " " + settings + "\ninitial " + initial.shape()
        + "\nfinal " + model.shape() + "\n" + String.join("\n", trace);
    ModelTree replayed;
    try {
      replayed = ChangeReplay.replay(initial, journal);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + context, e);
    }
    assertThat(replayed.shape()).as(context).isEqualTo(model.shape());
    for (Change c : ChangeReplay.journalled(initial, journal)) {
      assertThat(EventsForOp.isTemp(c.path()) || (c.from() != null && EventsForOp.isTemp(c.from())))
          .as("a temporary path reaches the journal: " + c + "\n" + context).isFalse();
    }
    model.entries.forEach((p, e) -> {
      if (!e.dir() && e.marked()) {
        assertThat(replayed.entries.get(p).marked()).as("written " + p + " not journalled\n" + context).isTrue();
      }
    });
  }
}
