package io.tidemark.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.proto.cursor.Cursor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconcilerTest {

  @TempDir Path tmp;
  Path root;
  Path state;
  ChangeJournal journal;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    state = tmp.resolve("state");
    journal = ChangeJournal.open(state, root, JournalOptions.defaults().withSyncWrites(false));
  }

  @AfterEach
  void tearDown() {
    journal.close();
  }

  private ReconcileResult reconcile() {
    return Reconciler.reconcile(root, journal, p -> p.equals(".git") || p.startsWith(".git/"),
        ProgressListener.NONE);
  }

  private Map<String, ChangeKind> changesSince(Cursor c) {
    Map<String, ChangeKind> out = new TreeMap<>();
    for (JournalEntry e : journal.changesSince(c, "", Integer.MAX_VALUE).entries()) {
      out.put(e.change().path(), e.change().kind());
    }
    return out;
  }

  @Test
  void reconcile_firstRun_reportsEverythingCreated() throws IOException {
    Files.createDirectories(root.resolve("a/b"));
    Files.writeString(root.resolve("a/b/f.txt"), "x");
    Files.createDirectories(root.resolve(".git/objects"));
    Cursor before = journal.currentCursor();

    ReconcileResult r = reconcile();

    assertThat(r.created()).isEqualTo(3);
    assertThat(changesSince(before)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "a", ChangeKind.CREATED, "a/b", ChangeKind.CREATED, "a/b/f.txt", ChangeKind.CREATED));
  }

  @Test
  void reconcile_seedingANewJournal_indexesWithoutRecords_andLaterReconcilesCompareAgainstIt()
      throws IOException {
    Files.createDirectories(root.resolve("a/b"));
    Files.writeString(root.resolve("a/b/f.txt"), "x");
    Files.writeString(root.resolve("a/g.txt"), "y");

    ReconcileResult first = Reconciler.reconcile(root, journal, p -> false, ProgressListener.NONE, true);

    assertThat(first.created()).isEqualTo(4);
    assertThat(journal.highSeq()).isZero();
    assertThat(journal.indexEntries()).isEqualTo(4);
    Cursor ready = journal.currentCursor();
    Files.writeString(root.resolve("a/b/f.txt"), "longer");
    Files.delete(root.resolve("a/g.txt"));
    Files.writeString(root.resolve("new.txt"), "z");
    // seeding happens only for a brand-new journal: this one now compares as usual
    Reconciler.reconcile(root, journal, p -> false, ProgressListener.NONE, true);
    assertThat(changesSince(ready)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "a/b/f.txt", ChangeKind.MODIFIED, "a/g.txt", ChangeKind.DELETED,
        "new.txt", ChangeKind.CREATED));
  }

  @Test
  void reconcile_nothingChanged_reportsNothing() throws IOException {
    Files.createDirectories(root.resolve("a/b"));
    Files.writeString(root.resolve("a/b/f.txt"), "x");
    reconcile();
    long high = journal.highSeq();

    ReconcileResult again = reconcile();

    assertThat(again.changes()).isZero();
    assertThat(journal.highSeq()).isEqualTo(high);
  }

  @Test
  void reconcile_offlineCreateModifyDeleteChmodRename_detected() throws Exception {
    Files.createDirectories(root.resolve("d/sub"));
    Files.writeString(root.resolve("keep.txt"), "same");
    Files.writeString(root.resolve("mod.txt"), "one");
    Files.writeString(root.resolve("chmod.sh"), "echo");
    Files.writeString(root.resolve("old-name"), "moved");
    Files.writeString(root.resolve("d/sub/gone.txt"), "bye");
    reconcile();
    journal.close();
    Cursor before;
    journal = ChangeJournal.open(state, root, JournalOptions.defaults().withSyncWrites(false));
    before = journal.currentCursor();

    // "agent down": change things behind its back
    Files.writeString(root.resolve("mod.txt"), "two, longer");
    Files.setPosixFilePermissions(root.resolve("chmod.sh"),
        PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.move(root.resolve("old-name"), root.resolve("new-name"));
    Files.delete(root.resolve("d/sub/gone.txt"));
    Files.delete(root.resolve("d/sub"));
    Files.writeString(root.resolve("fresh.txt"), "hi");
    journal.close();
    journal = ChangeJournal.open(state, root, JournalOptions.defaults().withSyncWrites(false));

    ReconcileResult r = reconcile();

    assertThat(changesSince(before)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "mod.txt", ChangeKind.MODIFIED,
        "chmod.sh", ChangeKind.ATTRIB,
        "old-name", ChangeKind.DELETED,
        "new-name", ChangeKind.CREATED,
        "d/sub", ChangeKind.DELETED,
        "fresh.txt", ChangeKind.CREATED));
    assertThat(r.deleted()).isEqualTo(2);
    assertThat(journal.indexEntry("d/sub/gone.txt").tombstone()).isTrue();
  }

  @Test
  void reconcile_manyFiles_reportsProgressAndIsFast() throws IOException {
    int n = Integer.getInteger("tidemark.reconcile.files", 20_000);
    for (int d = 0; d < n / 100; d++) {
      Path dir = Files.createDirectories(root.resolve("d" + d));
      for (int f = 0; f < 100; f++) {
        Files.createFile(dir.resolve("f" + f));
      }
    }
    AtomicLong last = new AtomicLong();
    List<Long> calls = java.util.Collections.synchronizedList(new ArrayList<>());
    ReconcileResult first = Reconciler.reconcile(root, journal, p -> false, p -> {
      calls.add(p);
      last.accumulateAndGet(p, Math::max);
    });
    ReconcileResult second = reconcile();
    System.out.printf("reconcile %d paths: first (all created) %d ms, second (no change) %d ms%n",
        first.scanned(), first.took().toMillis(), second.took().toMillis());
    for (int i = 0; i < Integer.getInteger("tidemark.reconcile.repeat", 0); i++) {
      System.out.printf("  again: %d ms%n", reconcile().took().toMillis());
    }

    assertThat(first.created()).isEqualTo(n + n / 100);
    assertThat(last.get()).isEqualTo(first.scanned());
    assertThat(calls).hasSizeGreaterThanOrEqualTo((int) (first.scanned() / Reconciler.PROGRESS_EVERY));
    assertThat(second.changes()).isZero();
  }
}
