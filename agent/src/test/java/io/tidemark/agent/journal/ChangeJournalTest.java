package io.tidemark.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.proto.cursor.Cursor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeJournalTest {

  @TempDir Path tmp;
  final MutableClock clock = new MutableClock();
  final Map<String, FileStat> disk = new TreeMap<>();
  final Function<String, FileStat> statter = disk::get;

  private JournalOptions options() {
    return JournalOptions.defaults().withSyncWrites(false).withClock(clock);
  }

  private ChangeJournal open() {
    return ChangeJournal.open(tmp.resolve("state"), tmp.resolve("root"), options());
  }

  private void file(String path, long version) {
    disk.put(path, new FileStat(version, version, version, path.hashCode(), 0100644, null));
  }

  private void dir(String path) {
    disk.put(path, new FileStat(0, 0, 0, path.hashCode(), 0040755, null));
  }

  private static List<String> paths(ChangesAnswer a) {
    return a.entries().stream().map(e -> e.change().kind().wireName() + " " + e.change().path()
        + (e.change().from() == null ? "" : " <- " + e.change().from())).toList();
  }

  @Test
  void reopen_keepsEpochSeqsAndIndex() {
    long epoch;
    Cursor mid;
    try (ChangeJournal j = open()) {
      epoch = j.epoch();
      file("a", 1);
      j.append(List.of(Change.of(ChangeKind.CREATED, "a", false)), statter);
      mid = j.currentCursor();
      file("b", 1);
      j.append(List.of(Change.of(ChangeKind.CREATED, "b", false)), statter);
    }
    try (ChangeJournal j = open()) {
      assertThat(j.epoch()).isEqualTo(epoch);
      assertThat(j.highSeq()).isEqualTo(2);
      assertThat(j.indexEntries()).isEqualTo(2);
      assertThat(paths(j.changesSince(mid, "", 100))).containsExactly("created b");
    }
  }

  @Test
  void open_differentRoot_newEpochAndOldCursorsFresh() {
    Cursor old;
    try (ChangeJournal j = open()) {
      file("a", 1);
      j.append(List.of(Change.of(ChangeKind.CREATED, "a", false)), statter);
      old = j.currentCursor();
    }
    try (ChangeJournal j = ChangeJournal.open(tmp.resolve("state"), tmp.resolve("other"), options())) {
      assertThat(j.epoch()).isNotEqualTo(old.epoch());
      assertThat(j.highSeq()).isZero();
      assertThat(j.indexEntries()).isZero();
      ChangesAnswer a = j.changesSince(old, "", 100);
      assertThat(a.freshInstance()).isTrue();
      assertThat(a.cursor()).isEqualTo(j.currentCursor());
    }
  }

  @Test
  void open_corruptStore_freshInstanceNotACrash() throws IOException {
    Cursor old;
    try (ChangeJournal j = open()) {
      file("a", 1);
      j.append(List.of(Change.of(ChangeKind.CREATED, "a", false)), statter);
      old = j.currentCursor();
    }
    try (Stream<Path> files = Files.list(tmp.resolve("state/journal"))) {
      for (Path f : files.toList()) {
        Files.write(f, "garbage, not rocksdb\n".repeat(50).getBytes());
      }
    }
    try (ChangeJournal j = open()) {
      assertThat(j.epoch()).isNotEqualTo(old.epoch());
      assertThat(j.changesSince(old, "", 10).freshInstance()).isTrue();
      file("b", 1);
      assertThat(j.append(List.of(Change.of(ChangeKind.CREATED, "b", false)), statter))
          .isEqualTo(1);
    }
    assertThat(tmp.resolve("state/journal.corrupt")).isDirectory();
  }

  @Test
  void open_alreadyOpenElsewhere_throwsJournalExceptionNamingTheCause() {
    try (ChangeJournal j = open()) {
      assertThatThrownBy(this::open)
          .isInstanceOf(JournalException.class)
          .hasMessageContaining("in use by another process");
      assertThat(j.highSeq()).isZero();
    }
  }

  @Test
  void changesSince_cursorAheadOfJournal_throwsIllegalArgument() {
    try (ChangeJournal j = open()) {
      assertThatThrownBy(() -> j.changesSince(new Cursor(j.epoch(), 5), "", 10))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not issued by this agent");
    }
  }

  @Test
  void changesSince_prefix_matchesEitherSideOfRenameAndAncestorDirs() {
    try (ChangeJournal j = open()) {
      Cursor start = j.currentCursor();
      dir("src");
      dir("docs");
      file("src/a", 1);
      file("docs/x", 1);
      file("src2", 1);
      j.append(List.of(Change.of(ChangeKind.CREATED, "src", true),
          Change.of(ChangeKind.CREATED, "docs", true),
          Change.of(ChangeKind.CREATED, "src/a", false),
          Change.of(ChangeKind.CREATED, "docs/x", false),
          Change.of(ChangeKind.CREATED, "src2", false)), statter);
      disk.remove("docs/x");
      file("src/x", 1);
      j.append(List.of(Change.renamed("docs/x", "src/x", false)), statter);
      disk.keySet().removeIf(p -> p.startsWith("src"));
      j.append(List.of(Change.of(ChangeKind.DELETED, "src", true)), statter);

      assertThat(paths(j.changesSince(start, "src", 100))).containsExactly(
          "created src", "created src/a", "renamed src/x <- docs/x", "deleted src");
      assertThat(paths(j.changesSince(start, "docs/", 100))).containsExactly(
          "created docs", "created docs/x", "renamed src/x <- docs/x");
      assertThat(paths(j.changesSince(start, "src/a", 100))).containsExactly(
          "created src", "created src/a", "deleted src");
    }
  }

  @Test
  void changesSince_limit_pagesGiveTheSameUnionAsOneAnswer() {
    try (ChangeJournal j = open()) {
      Cursor start = j.currentCursor();
      for (int i = 0; i < 25; i++) {
        file("f" + i, i);
        j.append(List.of(Change.of(ChangeKind.CREATED, "f" + i, false)), statter);
      }
      List<JournalEntry> paged = new ArrayList<>();
      Cursor c = start;
      ChangesAnswer page;
      do {
        page = j.changesSince(c, "", 7);
        assertThat(page.entries()).hasSizeLessThanOrEqualTo(7);
        paged.addAll(page.entries());
        c = page.cursor();
      } while (page.more());
      assertThat(paged).isEqualTo(j.changesSince(start, "", 1000).entries());
      assertThat(c).isEqualTo(j.currentCursor());
    }
  }

  @Test
  void compact_byCount_oldCursorsAnsweredFromIndex() {
    try (ChangeJournal j = ChangeJournal.open(tmp.resolve("state"), tmp.resolve("root"),
        options().withMaxEntries(2))) {
      dir("d");
      file("d/x", 1);
      file("keep", 1);
      j.append(List.of(Change.of(ChangeKind.CREATED, "d", true),
          Change.of(ChangeKind.CREATED, "d/x", false),
          Change.of(ChangeKind.CREATED, "keep", false)), statter);
      Cursor old = j.currentCursor();
      disk.remove("d/x");
      disk.remove("d");
      dir("e");
      file("e/x", 1);
      j.append(List.of(Change.renamed("d", "e", true)), statter);
      file("keep", 2);
      j.append(List.of(Change.of(ChangeKind.MODIFIED, "keep", false)), statter);
      file("new", 1);
      j.append(List.of(Change.of(ChangeKind.CREATED, "new", false)), statter);

      assertThat(j.compact()).isEqualTo(4);
      assertThat(j.journalEntries()).isEqualTo(2);

      ChangesAnswer a = j.changesSince(old, "", 100);
      assertThat(a.fromIndex()).isTrue();
      assertThat(paths(a)).containsExactly(
          "deleted d", "deleted d/x", "created e", "created e/x", "modified keep", "created new");
      assertThat(j.changesSince(j.currentCursor().withSeq(4), "", 100).fromIndex()).isFalse();
      assertThat(paths(j.changesSince(j.currentCursor().withSeq(4), "", 100)))
          .containsExactly("modified keep", "created new");
    }
  }

  @Test
  void compact_byAge_dropsOnlyOldEntries() {
    try (ChangeJournal j = ChangeJournal.open(tmp.resolve("state"), tmp.resolve("root"),
        options().withMaxAge(Duration.ofHours(1)))) {
      file("a", 1);
      j.append(List.of(Change.of(ChangeKind.CREATED, "a", false)), statter);
      clock.advance(Duration.ofMinutes(90));
      file("b", 1);
      j.append(List.of(Change.of(ChangeKind.CREATED, "b", false)), statter);

      assertThat(j.compact()).isEqualTo(1);
      assertThat(j.floor()).isEqualTo(1);
      assertThat(j.compact()).isZero();
    }
  }

  @Test
  void append_dirRenameAndDelete_reKeyAndTombstoneChildren() {
    try (ChangeJournal j = open()) {
      dir("a");
      dir("a/b");
      file("a/b/c", 1);
      j.append(List.of(Change.of(ChangeKind.CREATED, "a", true),
          Change.of(ChangeKind.CREATED, "a/b", true),
          Change.of(ChangeKind.CREATED, "a/b/c", false)), statter);
      disk.clear();
      dir("z");
      dir("z/b");
      file("z/b/c", 1);
      long seq = j.append(List.of(Change.renamed("a", "z", true)), statter);

      assertThat(j.indexEntry("a/b/c").tombstone()).isTrue();
      assertThat(j.indexEntry("z/b/c")).satisfies(e -> {
        assertThat(e.tombstone()).isFalse();
        assertThat(e.lastSeq()).isEqualTo(seq);
      });
      assertThat(j.indexEntries()).isEqualTo(3);
      assertThat(j.tombstones()).isEqualTo(3);

      disk.clear();
      long del = j.append(List.of(Change.of(ChangeKind.DELETED, "z", true)), statter);
      assertThat(j.indexEntry("z/b").tombstone()).isTrue();
      assertThat(j.indexEntry("z/b").lastSeq()).isEqualTo(del);
      assertThat(j.indexEntries()).isZero();
      assertThat(j.tombstones()).isEqualTo(6);
    }
  }

  @Test
  void append_deleteOfAPathNeverJournalled_droppedWithoutASeq() {
    try (ChangeJournal j = open()) {
      Cursor start = j.currentCursor();
      // A temporary file the coalescer could not net out (its create may have replaced one).
      assertThat(j.append(List.of(Change.of(ChangeKind.DELETED, "tmp", false)), statter)).isZero();
      file("a", 1);
      assertThat(j.append(List.of(Change.of(ChangeKind.DELETED, "tmp2", false),
          Change.of(ChangeKind.CREATED, "a", false),
          Change.of(ChangeKind.DELETED, "gone/x", true)), statter)).isEqualTo(1);
      assertThat(paths(j.changesSince(start, "", 100))).containsExactly("created a");
      assertThat(j.indexEntry("tmp")).isNull();
      assertThat(j.tombstones()).isZero();
    }
  }

  @Test
  void append_deleteOfAPathAlreadyDeleted_dropped() {
    try (ChangeJournal j = open()) {
      dir("d");
      file("d/x", 1);
      j.append(List.of(Change.of(ChangeKind.CREATED, "d", true),
          Change.of(ChangeKind.CREATED, "d/x", false)), statter);
      disk.clear();
      long high = j.append(List.of(Change.of(ChangeKind.DELETED, "d", true)), statter);
      assertThat(j.append(List.of(Change.of(ChangeKind.DELETED, "d/x", false),
          Change.of(ChangeKind.DELETED, "d", true)), statter)).isEqualTo(high);
    }
  }

  @Test
  void append_fileReplacedByAMoveInThenDeleted_deleteJournalled() {
    try (ChangeJournal j = open()) {
      file("d", 1);
      j.append(List.of(Change.of(ChangeKind.CREATED, "d", false)), statter);
      Cursor since = j.currentCursor();
      disk.remove("d");
      // What the coalescer makes of "mv /outside/x d; rm d" in one window.
      j.append(List.of(Change.of(ChangeKind.DELETED, "d", false)), statter);
      assertThat(paths(j.changesSince(since, "", 100))).containsExactly("deleted d");
    }
  }

  @Test
  void append_createdPathAlreadyGone_staysLiveUntilItsDelete() {
    try (ChangeJournal j = open()) {
      Cursor start = j.currentCursor();
      j.append(List.of(Change.of(ChangeKind.CREATED, "a", false)), statter); // gone before stat
      assertThat(j.indexEntry("a").tombstone()).isFalse();
      assertThat(j.append(List.of(Change.of(ChangeKind.DELETED, "a", false)), statter))
          .isEqualTo(2);
      assertThat(j.indexEntry("a").tombstone()).isTrue();
      assertThat(paths(j.changesSince(start, "", 100))).containsExactly("created a", "deleted a");
    }
  }

  @Test
  void compact_tombstonesPastTheBound_oldestPrunedAndOlderCursorsFresh() {
    Cursor[] after = new Cursor[13];
    try (ChangeJournal j = ChangeJournal.open(tmp.resolve("state"), tmp.resolve("root"),
        options().withMaxEntries(2).withMaxTombstones(4))) {
      after[0] = j.currentCursor();
      for (int i = 0; i < 6; i++) {
        file("f" + i, 1);
        j.append(List.of(Change.of(ChangeKind.CREATED, "f" + i, false)), statter);
        after[i + 1] = j.currentCursor();
      }
      for (int i = 0; i < 6; i++) {
        disk.remove("f" + i);
        j.append(List.of(Change.of(ChangeKind.DELETED, "f" + i, false)), statter);
        after[i + 7] = j.currentCursor();
      }
      assertThat(j.tombstones()).isEqualTo(6);

      assertThat(j.compact()).isEqualTo(10);
      // floor 10: the tombstones of seqs 7..10 (f0..f3) are beyond the journal; getting down to
      // three quarters of the bound (3) takes the oldest three.
      assertThat(j.horizon()).isEqualTo(9);
      assertThat(j.tombstones()).isEqualTo(3);
      assertThat(j.indexEntry("f2")).isNull();
      assertThat(j.indexEntry("f3").tombstone()).isTrue();

      for (int seq = 0; seq < 9; seq++) {
        ChangesAnswer a = j.changesSince(after[seq], "", 100);
        assertThat(a.freshInstance()).as("cursor %d", seq).isTrue();
        assertThat(a.entries()).isEmpty();
        assertThat(a.cursor()).isEqualTo(j.currentCursor());
      }
      ChangesAnswer atHorizon = j.changesSince(after[9], "", 100);
      assertThat(atHorizon.freshInstance()).isFalse();
      assertThat(atHorizon.fromIndex()).isTrue();
      assertThat(paths(atHorizon)).containsExactly("deleted f3", "deleted f4", "deleted f5");
      assertThat(paths(j.changesSince(after[10], "", 100)))
          .containsExactly("deleted f4", "deleted f5");
    }
    try (ChangeJournal j = ChangeJournal.open(tmp.resolve("state"), tmp.resolve("root"),
        options().withMaxEntries(2).withMaxTombstones(4))) {
      assertThat(j.horizon()).isEqualTo(9);
      assertThat(j.tombstones()).isEqualTo(3);
      assertThat(j.changesSince(after[8], "", 100).freshInstance()).isTrue();
      assertThat(paths(j.changesSince(after[9], "", 100)))
          .containsExactly("deleted f3", "deleted f4", "deleted f5");
    }
  }

  @Test
  void compact_tombstonesTheJournalStillHolds_keptAndNoCursorRefused() {
    try (ChangeJournal j = ChangeJournal.open(tmp.resolve("state"), tmp.resolve("root"),
        options().withMaxTombstones(0))) {
      Cursor start = j.currentCursor();
      file("a", 1);
      j.append(List.of(Change.of(ChangeKind.CREATED, "a", false)), statter);
      disk.clear();
      j.append(List.of(Change.of(ChangeKind.DELETED, "a", false)), statter);

      assertThat(j.compact()).isZero();
      assertThat(j.tombstones()).isEqualTo(1);
      assertThat(j.horizon()).isZero();
      assertThat(paths(j.changesSince(start, "", 100))).containsExactly("created a", "deleted a");
    }
  }

  @Test
  void compact_oneDeleteOfAWholeTree_neverSplitsItsSeq() {
    try (ChangeJournal j = ChangeJournal.open(tmp.resolve("state"), tmp.resolve("root"),
        options().withMaxEntries(0).withMaxTombstones(4))) {
      List<Change> tree = new ArrayList<>(List.of(Change.of(ChangeKind.CREATED, "d", true)));
      dir("d");
      for (int i = 0; i < 8; i++) {
        file("d/f" + i, 1);
        tree.add(Change.of(ChangeKind.CREATED, "d/f" + i, false));
      }
      j.append(tree, statter);
      Cursor beforeDelete = j.currentCursor();
      disk.clear();
      j.append(List.of(Change.of(ChangeKind.DELETED, "d", true)), statter);
      Cursor afterDelete = j.currentCursor();
      file("e", 1);
      j.append(List.of(Change.of(ChangeKind.CREATED, "e", false)), statter);

      j.compact();
      // All nine tombstones share one seq: pruning some means pruning all of them.
      assertThat(j.tombstones()).isZero();
      assertThat(j.horizon()).isEqualTo(afterDelete.seq());
      assertThat(j.changesSince(beforeDelete, "", 100).freshInstance()).isTrue();
      assertThat(paths(j.changesSince(afterDelete, "", 100))).containsExactly("created e");
    }
  }

  @Test
  void changesSince_limitZero_rejected() {
    try (ChangeJournal j = open()) {
      assertThatThrownBy(() -> j.changesSince(j.currentCursor(), "", 0))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
