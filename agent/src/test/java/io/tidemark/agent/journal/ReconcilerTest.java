package io.tidemark.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.proto.cursor.Cursor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
      // A type change is DELETED then CREATED: keep the DELETED, what was below it is covered.
      out.merge(e.change().path(), e.change().kind(),
          (was, now) -> was == ChangeKind.DELETED ? was : now);
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

  @Test
  void reconcile_sameSizeRewriteWithMtimeRestored_reportedModified() throws Exception {
    Path f = Files.writeString(root.resolve("f.txt"), "aaaa");
    FileTime mtime = Files.getLastModifiedTime(f);
    reconcile();
    Cursor before = journal.currentCursor();
    Thread.sleep(50); // setup: let the coarse kernel clock move, so the rewrite gets a new ctime

    Files.writeString(f, "bbbb"); // what `cp -p` or `rsync -t` over the file leaves: same size,
    Files.setLastModifiedTime(f, mtime); // same mtime; only ctime tells
    ReconcileResult r = reconcile();

    assertThat(changesSince(before)).containsExactlyEntriesOf(Map.of("f.txt", ChangeKind.MODIFIED));
    assertThat(r.modified()).isEqualTo(1);
  }

  @Test
  void reconcile_deletedDirectoryWithSiblingsSortingBetweenItAndItsChildren_oneRecordEach()
      throws IOException {
    Files.createDirectories(root.resolve("d/b"));
    Files.writeString(root.resolve("d/a"), "x");
    Files.writeString(root.resolve("d/b/c"), "x");
    Files.writeString(root.resolve("d-x"), "x"); // '-' < '/' < '0': between d and d/a
    Files.writeString(root.resolve("d.txt"), "x");
    Files.writeString(root.resolve("d0"), "x");
    reconcile();
    Cursor before = journal.currentCursor();

    for (String p : List.of("d/b/c", "d/b", "d/a", "d", "d-x", "d.txt")) {
      Files.delete(root.resolve(p));
    }
    ReconcileResult r = reconcile();

    assertThat(changesSince(before)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "d", ChangeKind.DELETED, "d-x", ChangeKind.DELETED, "d.txt", ChangeKind.DELETED));
    assertThat(r.deleted()).isEqualTo(3);
    assertThat(journal.indexEntry("d/b/c").tombstone()).isTrue();
  }

  @Test
  void reconcile_namesAtEveryOrderingCorner_mergeWithTheIndexExactly() throws IOException {
    List<String> names = List.of("a", "a.txt", "a-b", "a0", "A", "\u00e9", "e\u0301",
        "\ud83d\ude00", "\ue000", "\uffff", "z z", "new\nline");
    for (String n : names) {
      Files.createDirectories(root.resolve(n + "/sub"));
      Files.writeString(root.resolve(n + "/sub/f"), "x");
      Files.writeString(root.resolve(n + ".file"), "x");
    }
    reconcile();
    assertThat(reconcile().changes()).isZero();
    Cursor before = journal.currentCursor();

    Files.writeString(root.resolve("\ud83d\ude00/sub/f"), "longer");
    Files.delete(root.resolve("\ue000.file"));
    Files.writeString(root.resolve("a/sub/new"), "x");
    ReconcileResult r = reconcile();

    assertThat(changesSince(before)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "\ud83d\ude00/sub/f", ChangeKind.MODIFIED, "\ue000.file", ChangeKind.DELETED,
        "a/sub/new", ChangeKind.CREATED));
    assertThat(r.changes()).isEqualTo(3);
  }

  /**
   * Random trees and random offline edits: every path whose lstat differs between the two
   * snapshots is reported (itself, or a deleted directory above it), nothing else is.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void reconcile_randomOfflineEdits_reportsExactlyWhatDiffers(long seed) throws Exception {
    Random r = new Random(seed);
    for (int i = 0; i < 150; i++) {
      randomEdit(r);
    }
    Reconciler.reconcile(root, journal, p -> false, ProgressListener.NONE, true);
    for (int round = 0; round < 3; round++) {
      Map<String, FileStat> before = snapshot();
      Cursor cursor = journal.currentCursor();
      Thread.sleep(20); // setup: rewrites get a ctime of their own
      for (int i = 0; i < 40; i++) {
        randomEdit(r);
      }
      Map<String, FileStat> after = snapshot();

      reconcile();

      Map<String, ChangeKind> reported = changesSince(cursor);
      for (String path : union(before.keySet(), after.keySet())) {
        FileStat a = before.get(path);
        FileStat b = after.get(path);
        boolean differs = differs(a, b);
        boolean covered = reported.containsKey(path) || deletedAbove(path, reported);
        if (differs) {
          assertThat(covered).as("seed %d round %d: %s (%s -> %s) missed; reported %s", seed, round, path, a, b, reported)
              .isTrue();
        }
      }
      for (String path : reported.keySet()) {
        FileStat a = before.get(path);
        FileStat b = after.get(path);
        assertThat(differs(a, b))
            .as("seed %d round %d: %s reported but untouched", seed, round, path).isTrue();
      }
    }
  }

  /** Independent of the Reconciler: a directory's own times and size move with its entries. */
  private static boolean differs(FileStat a, FileStat b) {
    if (a == null || b == null) {
      return a != b;
    }
    boolean dir = a.isDir() && b.isDir();
    return a.mode() != b.mode() || a.inode() != b.inode()
        || (!dir && (a.size() != b.size() || a.mtimeNs() != b.mtimeNs() || a.ctimeNs() != b.ctimeNs()));
  }

  private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
    java.util.Set<String> u = new java.util.TreeSet<>(a);
    u.addAll(b);
    return u;
  }

  private static boolean deletedAbove(String path, Map<String, ChangeKind> reported) {
    for (int s = path.indexOf('/'); s >= 0; s = path.indexOf('/', s + 1)) {
      if (reported.get(path.substring(0, s)) == ChangeKind.DELETED) {
        return true;
      }
    }
    return false;
  }

  private Map<String, FileStat> snapshot() throws IOException {
    Map<String, FileStat> out = new TreeMap<>();
    try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        if (!p.equals(root)) {
          out.put(root.relativize(p).toString(), FileStat.lstat(p));
        }
      }
    }
    return out;
  }

  private static final String[] EDIT_NAMES = {"a", "a.b", "a-b", "a0", "b", "\u00e9", "\ud83d\ude00"};

  private void randomEdit(Random r) throws IOException {
    Path dir = root;
    for (int depth = r.nextInt(3); depth > 0; depth--) {
      Path next = dir.resolve(EDIT_NAMES[r.nextInt(EDIT_NAMES.length)]);
      if (!Files.isDirectory(next, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        break;
      }
      dir = next;
    }
    Path p = dir.resolve(EDIT_NAMES[r.nextInt(EDIT_NAMES.length)]);
    boolean exists = Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    boolean isDir = Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    switch (r.nextInt(7)) {
      case 0 -> {
        if (!exists) {
          Files.createDirectory(p);
        }
      }
      case 1, 2 -> {
        if (!isDir) {
          Files.writeString(p, "x".repeat(r.nextInt(4)));
        }
      }
      case 3 -> {
        if (exists && !isDir) {
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
              r.nextBoolean() ? "rwxr-xr-x" : "rw-r--r--"));
        }
      }
      case 4 -> {
        if (exists) {
          deleteTree(p);
        }
      }
      case 5 -> {
        Path to = root.resolve(EDIT_NAMES[r.nextInt(EDIT_NAMES.length)] + "-moved");
        if (exists && !Files.exists(to, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.move(p, to);
        }
      }
      default -> {
        if (exists && !isDir) { // same size, mtime put back: only ctime moves
          FileTime t = Files.getLastModifiedTime(p);
          Files.writeString(p, "y".repeat((int) Files.size(p)));
          Files.setLastModifiedTime(p, t);
        }
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (java.util.stream.Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
