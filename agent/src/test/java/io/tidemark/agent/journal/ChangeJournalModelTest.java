package io.tidemark.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.proto.cursor.Cursor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random appends (creates, modifies, chmods, deletes, file and directory renames, nested dirs,
 * and deletes of paths that do not exist, which the journal must drop), reopens and compactions
 * with tombstone pruning against a {@link TreeModel}. For random pairs (cursor issued then, now):
 * a cursor below the tombstone horizon gets {@code freshInstance}; any other gets every path
 * whose state differs mentioned (directory records imply their children), nothing mentioned that
 * was not touched after the cursor, and paging gives the same answer. After every step the index
 * agrees with the model and its counters, and holds no tombstone at or below the horizon.
 */
class ChangeJournalModelTest {

  @TempDir Path dir;

  static LongStream seeds() {
    return LongStream.range(1, 41);
  }

  private record Issued(Cursor cursor, NavigableMap<String, TreeModel.Node> state) {}

  @ParameterizedTest
  @MethodSource("seeds")
  void changesSince_randomHistory_mentionsEveryDifferenceAndNothingUntouched(long seed) {
    Random random = new Random(seed);
    TreeModel model = new TreeModel(random);
    Path state = dir.resolve("state");
    Path root = dir.resolve("root");
    JournalOptions options = JournalOptions.defaults().withSyncWrites(false)
        .withMaxEntries(random.nextInt(30))
        .withMaxTombstones(random.nextInt(4) == 0 ? Long.MAX_VALUE : random.nextInt(12));
    ChangeJournal journal = ChangeJournal.open(state, root, options);
    long epoch = journal.epoch();
    List<Issued> issued = new ArrayList<>();
    List<Set<String>> touchedBySeq = new ArrayList<>();
    touchedBySeq.add(Set.of());
    issued.add(new Issued(journal.currentCursor(), model.snapshot()));
    try {
      for (int step = 0; step < 60; step++) {
        List<Change> batch = new ArrayList<>();
        for (int i = random.nextInt(5) + 1; i > 0; i--) {
          if (random.nextInt(6) == 0) {
            String absent = model.absentPath();
            if (absent != null) { // dropped by the journal: no seq
              batch.add(Change.of(ChangeKind.DELETED, absent, random.nextBoolean()));
            }
            continue;
          }
          TreeModel.Op op = model.randomOp();
          if (op != null) {
            batch.add(op.change());
            touchedBySeq.add(op.touched());
          }
        }
        long high = journal.append(batch, model::stat);
        assertThat(high).isEqualTo(touchedBySeq.size() - 1);
        issued.add(new Issued(journal.currentCursor(), model.snapshot()));
        int roll = random.nextInt(10);
        if (roll == 0) {
          journal.close();
          journal = ChangeJournal.open(state, root, options);
          assertThat(journal.epoch()).isEqualTo(epoch);
          assertThat(journal.highSeq()).isEqualTo(high);
        } else if (roll <= 2) {
          journal.compact();
        }
        checkIndex(journal, model.snapshot());
        if (random.nextInt(4) == 0) {
          Issued then = issued.get(random.nextInt(issued.size()));
          check(journal, then, model.snapshot(), touchedBySeq, random);
        }
      }
      for (int i = 0; i < 15; i++) {
        Issued then = issued.get(random.nextInt(issued.size()));
        check(journal, then, model.snapshot(), touchedBySeq, random);
      }
      ChangesAnswer foreign =
          journal.changesSince(new Cursor(epoch + 1, 0), "", Integer.MAX_VALUE);
      assertThat(foreign.freshInstance()).isTrue();
      assertThat(foreign.entries()).isEmpty();
    } finally {
      journal.close();
    }
  }

  /** Live entries are exactly the model's paths; counters match; nothing at or below horizon. */
  private static void checkIndex(ChangeJournal journal, NavigableMap<String, TreeModel.Node> now) {
    Set<String> live = new TreeSet<>();
    long[] tombstones = {0};
    journal.forEachIndexEntry((path, e) -> {
      if (e.tombstone()) {
        tombstones[0]++;
        assertThat(e.lastSeq()).as("tombstone %s kept at or below the horizon", path)
            .isGreaterThan(journal.horizon());
      } else {
        live.add(path);
      }
    });
    assertThat(live).isEqualTo(now.keySet());
    assertThat(journal.indexEntries()).isEqualTo(live.size());
    assertThat(journal.tombstones()).isEqualTo(tombstones[0]);
    assertThat(journal.horizon()).isLessThanOrEqualTo(journal.floor());
  }

  private static void check(ChangeJournal journal, Issued then,
      NavigableMap<String, TreeModel.Node> now, List<Set<String>> touchedBySeq, Random random) {
    ChangesAnswer all = journal.changesSince(then.cursor(), "", Integer.MAX_VALUE);
    if (then.cursor().seq() < journal.horizon()) {
      // Its deletes may have been pruned: start over rather than miss one.
      assertThat(all.freshInstance()).as("cursor %s below horizon %s", then.cursor().seq(),
          journal.horizon()).isTrue();
      assertThat(all.entries()).isEmpty();
      assertThat(all.cursor()).isEqualTo(journal.currentCursor());
      return;
    }
    assertThat(all.freshInstance()).isFalse();
    assertThat(all.more()).isFalse();
    assertThat(all.cursor()).isEqualTo(journal.currentCursor());
    assertThat(all.fromIndex()).isEqualTo(then.cursor().seq() < journal.floor());
    assertComplete(then, now, all.entries(), touchedBySeq);
    if (all.fromIndex()) {
      for (JournalEntry e : all.entries()) {
        assertThat(e.change().kind() == ChangeKind.DELETED)
            .as("index answer kind of %s", e).isEqualTo(!now.containsKey(e.change().path()));
      }
    }

    List<JournalEntry> paged = new ArrayList<>();
    Cursor c = then.cursor();
    int limit = random.nextInt(4) + 1;
    for (int pages = 0; ; pages++) {
      assertThat(pages).as("paging terminates").isLessThan(10_000);
      ChangesAnswer page = journal.changesSince(c, "", limit);
      paged.addAll(page.entries());
      c = page.cursor();
      if (!page.more()) {
        break;
      }
      assertThat(page.entries()).isNotEmpty();
    }
    assertThat(c).isEqualTo(journal.currentCursor());
    assertComplete(then, now, paged, touchedBySeq);
  }

  private static void assertComplete(Issued then, NavigableMap<String, TreeModel.Node> now,
      List<JournalEntry> entries, List<Set<String>> touchedBySeq) {
    NavigableMap<String, TreeModel.Node> before = then.state();
    Set<String> mentioned = new HashSet<>();
    for (JournalEntry e : entries) {
      Change c = e.change();
      assertThat(e.seq()).isGreaterThan(then.cursor().seq());
      for (String p : c.from() == null ? List.of(c.path()) : List.of(c.path(), c.from())) {
        mentioned.add(p);
        if (c.dir()) {
          mentioned.addAll(before.subMap(p + "/", true, p + "0", false).keySet());
          mentioned.addAll(now.subMap(p + "/", true, p + "0", false).keySet());
        }
      }
    }
    Set<String> differ = new TreeSet<>();
    Set<String> union = new TreeSet<>(before.keySet());
    union.addAll(now.keySet());
    for (String p : union) {
      if (!Objects.equals(before.get(p), now.get(p))) {
        differ.add(p);
      }
    }
    differ.removeAll(mentioned);
    assertThat(differ).as("not mentioned in changes since %s: %s", then.cursor().seq(), entries)
        .isEmpty();

    Set<String> touched = new HashSet<>();
    for (int s = (int) then.cursor().seq() + 1; s < touchedBySeq.size(); s++) {
      touched.addAll(touchedBySeq.get(s));
    }
    for (JournalEntry e : entries) {
      assertThat(touched).as("%s was touched after %s", e, then.cursor().seq())
          .contains(e.change().path());
      if (e.change().from() != null) {
        assertThat(touched).contains(e.change().from());
      }
    }
  }

}
