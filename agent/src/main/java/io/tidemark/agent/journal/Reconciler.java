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
    long start = System.nanoTime();
    Map<String, IndexEntry> known = new HashMap<>();
    journal.forEachIndexEntry((path, e) -> {
      if (!e.tombstone()) {
        known.put(path, e);
      }
    });
    StatCrawl crawl = new StatCrawl(root, ignored, progress, PROGRESS_EVERY);
    long scanned = crawl.run();
    progress.scanned(scanned);

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
    long high = journal.highSeq();
    for (int i = 0; i < changes.size(); i += BATCH) {
      high = journal.append(changes.subList(i, Math.min(changes.size(), i + BATCH)), changed::get);
    }
    ReconcileResult result = new ReconcileResult(scanned, created, modified, attrib, deleted, high, java.time.Duration.ofNanos(System.nanoTime() - start));
    log.info("reconciled {}: {} paths scanned, {} created, {} modified, {} attrib, {} deleted in"
            + " {} ms", root, result.scanned(), result.created(), result.modified(),
        result.attrib(), result.deleted(), result.took().toMillis());
    return result;
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
