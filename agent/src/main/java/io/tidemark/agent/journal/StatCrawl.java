package io.tidemark.agent.journal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A parallel, stat-only crawl of a tree: one {@code readdir} per directory and one {@code lstat}
 * per entry (never a symlink followed, never a file opened), one fork-join task per directory.
 * Collects every root-relative path it saw with its stat; unreadable directories are logged and
 * remembered so their contents are not mistaken for deleted.
 */
final class StatCrawl {

  private static final Logger log = LoggerFactory.getLogger(StatCrawl.class);

  final Map<String, FileStat> seen = new ConcurrentHashMap<>();
  final Set<String> unreadable = ConcurrentHashMap.newKeySet();
  private final Path root;
  private final Predicate<String> ignored;
  private final ProgressListener progress;
  private final int progressEvery;
  private final AtomicLong scanned = new AtomicLong();

  StatCrawl(Path root, Predicate<String> ignored, ProgressListener progress, int progressEvery) {
    this.root = root;
    this.ignored = ignored;
    this.progress = progress;
    this.progressEvery = progressEvery;
  }

  /** Crawls below the root (the root itself is not reported) and returns the paths scanned. */
  long run() {
    ForkJoinPool pool = new ForkJoinPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
    try {
      pool.invoke(new Dir(root, ""));
    } finally {
      pool.shutdown();
    }
    return scanned.get();
  }

  boolean underUnreadable(String path) {
    for (String u : unreadable) {
      if (PathPrefix.isAtOrUnder(path, u)) {
        return true;
      }
    }
    return false;
  }

  private final class Dir extends RecursiveAction {
    private final Path dir;
    private final String rel;

    Dir(Path dir, String rel) {
      this.dir = dir;
      this.rel = rel;
    }

    @Override
    protected void compute() {
      List<Dir> subdirs = new ArrayList<>();
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path p : entries) {
          String name = p.getFileName().toString();
          String path = rel.isEmpty() ? name : rel + "/" + name;
          if (ignored.test(path)) {
            continue;
          }
          FileStat stat;
          try {
            stat = FileStat.lstat(p);
          } catch (RuntimeException e) {
            log.warn("reconcile cannot stat {}: {}", p, e.toString());
            unreadable.add(path);
            continue;
          }
          if (stat == null) {
            continue;
          }
          seen.put(path, stat);
          long n = scanned.incrementAndGet();
          if (n % progressEvery == 0) {
            progress.scanned(n);
          }
          if (stat.isDir()) {
            subdirs.add(new Dir(p, path));
          }
        }
      } catch (NoSuchFileException | NotDirectoryException e) {
        // removed or replaced while we crawled: the kernel events report that
      } catch (IOException | RuntimeException e) {
        log.warn("reconcile cannot list {}: {}", dir, e.toString());
        unreadable.add(rel);
      }
      invokeAll(subdirs);
    }
  }
}
