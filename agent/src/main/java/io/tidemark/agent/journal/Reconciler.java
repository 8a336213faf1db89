package io.tidemark.agent.journal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds what changed under the root while nobody was listening (agent down, kernel queue
 * overflow) and journals it through {@link ChangeJournal#append}, so cursors issued before stay
 * valid and see it.
 *
 * <p>A parallel stat-only crawl ({@link TreeCrawl}: no symlinks followed, nothing read) hands out
 * the tree in the index's key order, and one pass merges it with the index:
 *
 * <ul>
 *   <li>on disk, not live in the index: {@code CREATED};
 *   <li>size, mtime, inode or ctime differ: {@code MODIFIED} (a file turned directory, too). A
 *       ctime that moved alone may be a chown or a new hard link, but also a rewrite of the
 *       same size whose mtime was put back ({@code cp -p}, {@code rsync -t}, {@code tar x}): a
 *       consumer told {@code ATTRIB} would not read the content again;
 *   <li>only the mode differs (chmod): {@code ATTRIB};
 *   <li>live in the index, gone from disk: {@code DELETED}, one record for the topmost missing
 *       path (children implied).
 * </ul>
 *
 * A directory's own size, mtime and ctime are not compared: they move whenever an entry is added
 * or removed, which its children already report. A rename while down is a delete plus a create.
 * Unreadable directories are logged and skipped (their contents are not reported deleted).
 *
 * <p>{@link #start} runs the crawl and the comparison in the background and {@link
 * Pending#finish} journals the result, so the agent can overlap them with its own start-up; the
 * engine must be watching before {@code start}, so nothing changed during the crawl is lost.
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
    try (Pending pending = start(root, journal, ignored, progress, seedNewJournal)) {
      return pending.finish();
    }
  }

  /**
   * Starts the crawl, and its comparison with the index, on background threads; nothing is
   * journalled until {@link Pending#finish}. The caller must not append to {@code journal}
   * before that (appending is fine, but what was appended may be journalled once more).
   */
  public static Pending start(Path root, ChangeJournal journal, Predicate<String> ignored,
      ProgressListener progress, boolean seedNewJournal) {
    return new Pending(root, journal, ignored, progress, seedNewJournal);
  }

  /** A reconcile under way; {@link #close()} abandons it if {@link #finish()} never runs. */
  public static final class Pending implements AutoCloseable {
    private final Path root;
    private final ChangeJournal journal;
    private final Predicate<String> ignored;
    private final ProgressListener progress;
    private final long startNanos = System.nanoTime();
    private final TreeCrawl crawl;
    private final CompletableFuture<Diff> diff;
    private volatile boolean cancelled;
    private ReconcileResult result;

    private Pending(Path root, ChangeJournal journal, Predicate<String> ignored,
        ProgressListener progress, boolean seedNewJournal) {
      this.root = root;
      this.journal = journal;
      this.ignored = ignored;
      this.progress = progress;
      this.crawl = TreeCrawl.start(root, ignored, progress, PROGRESS_EVERY);
      if (seedNewJournal && isBrandNew(journal)) {
        diff = null; // seeded by finish(), which writes
      } else {
        diff = new CompletableFuture<>();
        Thread.ofPlatform().name("tidemark-reconcile").daemon().start(() -> {
          try {
            diff.complete(compare());
          } catch (Throwable t) {
            diff.completeExceptionally(t);
          }
        });
      }
    }

    private static boolean isBrandNew(ChangeJournal journal) {
      return journal.highSeq() == 0 && journal.indexEntries() == 0 && journal.tombstones() == 0;
    }

    private Diff compare() {
      Diff d = new Diff();
      journal.forEachIndexEntry(d::index);
      for (CrawlEntry e = crawl.next(); e != null; e = crawl.next()) {
        d.onDisk(e, null);
      }
      d.comparedNanos = System.nanoTime();
      return d;
    }

    /**
     * Waits for the comparison and journals it (in batches, parents before children). Call it on
     * the journal's single writer. Once done, later calls return the same result.
     */
    public synchronized ReconcileResult finish() {
      if (result == null) {
        result = journalOnce();
      }
      return result;
    }

    private ReconcileResult journalOnce() {
      long askedNanos = System.nanoTime();
      try {
        if (diff == null) {
          if (isBrandNew(journal)) {
            return seed(askedNanos);
          }
          return journal(compare(), askedNanos); // something was appended since start()
        }
        return journal(join(diff), askedNanos);
      } finally {
        crawl.close();
      }
    }

    private ReconcileResult seed(long askedNanos) {
      journal.seedIndex(new Iterator<>() {
        @Override
        public boolean hasNext() {
          return crawl.peek() != null;
        }

        @Override
        public Map.Entry<String, FileStat> next() {
          CrawlEntry e = crawl.next();
          if (e == null) {
            throw new NoSuchElementException();
          }
          return Map.entry(e.path(), e.stat());
        }
      });
      long scanned = crawl.scanned();
      progress.scanned(scanned);
      ReconcileResult result = new ReconcileResult(scanned, (int) scanned, 0, 0, 0, 0,
          Duration.ofNanos(System.nanoTime() - startNanos));
      log.info("indexed {} for a new journal: {} paths in {} ms ({} ms before the journal asked)",
          root, scanned, result.took().toMillis(), ms(askedNanos - startNanos));
      return result;
    }

    private ReconcileResult journal(Diff d, long askedNanos) {
      progress.scanned(crawl.scanned());
      long high = journal.highSeq();
      for (int i = 0; i < d.changes.size(); i += BATCH) {
        high = journal.append(d.changes.subList(i, Math.min(d.changes.size(), i + BATCH)),
            d.stats::get);
      }
      ReconcileResult result = new ReconcileResult(crawl.scanned(), d.created, d.modified,
          d.attrib, d.deleted, high, Duration.ofNanos(System.nanoTime() - startNanos));
      log.info("reconciled {}: {} paths scanned, {} created, {} modified, {} attrib, {} deleted in"
              + " {} ms (crawl and compare {} ms, {} ms of it before the journal asked; append {}"
              + " ms)", root, result.scanned(), result.created(), result.modified(),
          result.attrib(), result.deleted(), result.took().toMillis(),
          ms(d.comparedNanos - startNanos), ms(Math.min(askedNanos, d.comparedNanos) - startNanos),
          ms(System.nanoTime() - Math.max(askedNanos, d.comparedNanos)));
      return result;
    }

    private static Diff join(CompletableFuture<Diff> diff) {
      try {
        return diff.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        throw e;
      }
    }

    /** Abandons the reconcile if {@link #finish()} has not run (a start-up that failed). */
    @Override
    public void close() {
      cancelled = true;
      crawl.close();
    }

    /** The merge of the crawl (in index order) with the index, one index entry at a time. */
    private final class Diff {
      final List<Change> changes = new ArrayList<>();
      final Map<String, FileStat> stats = new HashMap<>();
      final Set<String> deletedDirs = new HashSet<>();
      int created;
      int modified;
      int attrib;
      int deleted;
      long comparedNanos;

      void index(String path, IndexEntry was) {
        if (cancelled) {
          throw new CancellationException("reconcile abandoned");
        }
        CrawlEntry now = crawl.peek();
        while (now != null && PathOrder.compare(now.path(), path) < 0) {
          onDisk(crawl.next(), null);
          now = crawl.peek();
        }
        if (now != null && now.path().equals(path)) {
          onDisk(crawl.next(), was.tombstone() ? null : was);
        } else if (!was.tombstone()) {
          missing(path, was);
        }
      }

      void onDisk(CrawlEntry now, IndexEntry was) {
        if (was != null && was.isDir() != now.stat().isDir()) {
          // A directory became a file or the reverse: what was below it is gone. Said as a
          // delete then a create, as the live pipeline says it, so the entries below (which
          // come after this one in index order) fall under the deleted directory; a MODIFIED
          // would leave their DELETEDs to a journal that already dropped them with the dir.
          missing(now.path(), was);
          was = null;
        }
        ChangeKind kind = kindOf(was == null ? null : was.stat(), now.stat());
        if (kind == null) {
          return;
        }
        changes.add(Change.of(kind, now.path(), now.stat().isDir()));
        stats.put(now.path(), now.stat());
        switch (kind) {
          case CREATED -> created++;
          case MODIFIED -> modified++;
          default -> attrib++;
        }
      }

      void missing(String path, IndexEntry was) {
        if (underDeletedDir(path) || crawl.underUnreadable(path) || ignored.test(path)) {
          return;
        }
        changes.add(Change.of(ChangeKind.DELETED, path, was.isDir()));
        deleted++;
        if (was.isDir()) {
          deletedDirs.add(path);
        }
      }

      private boolean underDeletedDir(String path) {
        if (deletedDirs.isEmpty()) {
          return false;
        }
        for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
          if (deletedDirs.contains(path.substring(0, slash))) {
            return true;
          }
        }
        return false;
      }
    }
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  static ChangeKind kindOf(FileStat was, FileStat now) {
    if (was == null) {
      return ChangeKind.CREATED;
    }
    if (was.isDir() != now.isDir() || was.inode() != now.inode()) {
      return ChangeKind.MODIFIED;
    }
    if (!now.isDir() && (was.size() != now.size() || was.mtimeNs() != now.mtimeNs()
        || (was.ctimeNs() != now.ctimeNs() && was.mode() == now.mode()))) {
      return ChangeKind.MODIFIED;
    }
    return was.mode() != now.mode() ? ChangeKind.ATTRIB : null;
  }
}
