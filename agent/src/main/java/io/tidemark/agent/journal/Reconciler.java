package io.tidemark.agent.journal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds what changed under the root while nobody was listening (agent down, kernel queue
 * overflow) and journals it through {@link ChangeJournal#append}, so cursors issued before stay
 * valid and see it.
 *
 * <p>A parallel stat-only crawl ({@link StatCrawl}: no symlinks followed, nothing read) compared
 * with the index loaded into a hash map:
 *
 * <ul>
 *   <li>on disk, not live in the index: {@code CREATED};
 *   <li>size, mtime or inode differ: {@code MODIFIED} (a file turned directory, too);
 *   <li>only mode or ctime differ (chmod, chown, link count): {@code ATTRIB};
 *   <li>live in the index, gone from disk: {@code DELETED}, one record for the topmost missing
 *       path (children implied).
 * </ul>
 *
 * A directory's own size, mtime and ctime are not compared: they move whenever an entry is added
 * or removed, which its children already report. A rename while down is a delete plus a create.
 * Unreadable directories are logged and skipped (their contents are not reported deleted).
 */
public final class Reconciler {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  /** Progress is reported every this many paths. */
  public static final int PROGRESS_EVERY = 10_000;

  private static final int BATCH = 16_384;

  private Reconciler() {}

  /**
   * Crawls {@code root}, journals the differences with the index, and returns what it found.
   *
   * @param ignored root-relative paths to leave out (a directory prunes its subtree)
   */
  public static ReconcileResult reconcile(Path root, ChangeJournal journal,
      Predicate<String> ignored, ProgressListener progress) {
    return reconcile(root, journal, ignored, progress, false);
  }

  /**
   * As {@link #reconcile(Path, ChangeJournal, Predicate, ProgressListener)}; with {@code
   * seedNewJournal}, a brand-new journal (nothing appended, empty index) gets its index filled
   * without CREATED records ({@link ChangeJournal#seedIndex}). Only for a caller that has not
   * issued a cursor of this journal yet (the agent's startup crawl).
   */
  public static ReconcileResult reconcile(Path root, ChangeJournal journal,
      Predicate<String> ignored, ProgressListener progress, boolean seedNewJournal) {
    long start = System.nanoTime();
    Map<String, IndexEntry> known = new HashMap<>();
    journal.forEachIndexEntry((path, e) -> {
      if (!e.tombstone()) {
        known.put(path, e);
      }
    });
    long indexLoaded = System.nanoTime();
    StatCrawl crawl = new StatCrawl(root, ignored, progress, PROGRESS_EVERY);
    long scanned = crawl.run();
    long crawled = System.nanoTime();
    progress.scanned(scanned);
    if (seedNewJournal && known.isEmpty() && journal.highSeq() == 0 && journal.tombstones() == 0) {
      journal.seedIndex(crawl.seen);
      ReconcileResult result = new ReconcileResult(scanned, (int) scanned, 0, 0, 0, 0,
          java.time.Duration.ofNanos(System.nanoTime() - start));
      log.info("indexed {} for a new journal: {} paths in {} ms (crawl {} ms, index {} ms)", root,
          scanned, result.took().toMillis(), ms(crawled - indexLoaded),
          ms(System.nanoTime() - crawled));
      return result;
    }

    List<String> missing = new ArrayList<>();
    for (String path : known.keySet()) {
      if (!crawl.seen.containsKey(path)) {
        missing.add(path);
      }
    }
    missing.sort(null);
    List<Change> changes = new ArrayList<>();
    String topmost = null;
    int deleted = 0;
    for (String path : missing) {
      if (ignored.test(path) || crawl.underUnreadable(path)
          || (topmost != null && PathPrefix.isAtOrUnder(path, topmost))) {
        continue;
      }
      topmost = path;
      changes.add(Change.of(ChangeKind.DELETED, path, known.get(path).isDir()));
      deleted++;
    }
    int created = 0;
    int modified = 0;
    int attrib = 0;
    Map<String, FileStat> changed = new HashMap<>();
    for (Map.Entry<String, FileStat> e : crawl.seen.entrySet()) {
      IndexEntry was = known.get(e.getKey());
      if (compare(was == null ? null : was.stat(), e.getValue()) != null) {
        changed.put(e.getKey(), e.getValue());
      }
    }
    List<String> paths = new ArrayList<>(changed.keySet());
    paths.sort(null); // parents before children
    for (String path : paths) {
      FileStat now = changed.get(path);
      IndexEntry was = known.get(path);
      ChangeKind kind = compare(was == null ? null : was.stat(), now);
      changes.add(Change.of(kind, path, now.isDir()));
      switch (kind) {
        case CREATED -> created++;
        case MODIFIED -> modified++;
        default -> attrib++;
      }
    }
    long compared = System.nanoTime();
    long high = journal.highSeq();
    for (int i = 0; i < changes.size(); i += BATCH) {
      high = journal.append(changes.subList(i, Math.min(changes.size(), i + BATCH)), changed::get);
    }
    ReconcileResult result = new ReconcileResult(scanned, created, modified, attrib, deleted, high, java.time.Duration.ofNanos(System.nanoTime() - start));
    log.info("reconciled {}: {} paths scanned, {} created, {} modified, {} attrib, {} deleted in"
            + " {} ms (index load {} ms, crawl {} ms, compare {} ms, append {} ms)", root,
        result.scanned(), result.created(), result.modified(), result.attrib(), result.deleted(),
        result.took().toMillis(), ms(indexLoaded - start), ms(crawled - indexLoaded),
        ms(compared - crawled), ms(System.nanoTime() - compared));
    return result;
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  private static ChangeKind compare(FileStat was, FileStat now) {
    if (was == null) {
      return ChangeKind.CREATED;
    }
    if (was.isDir() != now.isDir() || was.inode() != now.inode()) {
      return ChangeKind.MODIFIED;
    }
    if (!now.isDir() && (was.size() != now.size() || was.mtimeNs() != now.mtimeNs())) {
      return ChangeKind.MODIFIED;
    }
    if (was.mode() != now.mode() || (!now.isDir() && was.ctimeNs() != now.ctimeNs())) {
      return ChangeKind.ATTRIB;
    }
    return null;
  }
}
