package io.tidemark.agent.journal;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A parallel, stat-only crawl of a tree whose entries come out in the path index's order
 * ({@link PathOrder}), so a reconcile can merge them with the index in one pass instead of
 * loading either side into a map.
 *
 * <p>Directories are listed by a fork-join pool (one task per directory, each opened through its
 * parent, see {@link DirLister}) as soon as the crawl is {@link #start started}; {@link #next()}
 * hands out the entries in order on the caller's thread and waits only when the directory it
 * needs is not listed yet. The order: a directory's entries are sorted by name, and its
 * subtree is placed where the name plus {@code '/'} sorts ({@code a}, {@code a.txt}, then
 * {@code a/...}, then {@code a0}), which is exactly the byte order of the full paths.
 *
 * <p>Never follows a symlink and never opens a file. Ignored paths are skipped with their
 * subtrees; unreadable directories (and entries whose stat failed) are logged and remembered
 * ({@link #underUnreadable}) so their contents are not mistaken for deleted.
 */
final class TreeCrawl implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TreeCrawl.class);
  private static final Item[] NONE = {};
  private static final Comparator<Item> BY_KEY = (a, b) -> PathOrder.compare(a.key, b.key);

  private final Path root;
  private final DirLister lister;
  private final Predicate<String> ignored;
  private final ProgressListener progress;
  private final int progressEvery;
  private final ForkJoinPool pool;
  private final AtomicLong scanned = new AtomicLong();
  private final Set<String> unreadable = ConcurrentHashMap.newKeySet();
  private final ArrayDeque<Frame> stack = new ArrayDeque<>();
  private volatile boolean cancelled;
  private CrawlEntry peeked;

  /** A directory whose sorted listing may still be coming. */
  private static final class Node {
    final String path;
    final CompletableFuture<Item[]> items = new CompletableFuture<>();

    Node(String path) {
      this.path = path;
    }
  }

  /** An entry ({@code entry} set) or a directory's subtree ({@code subtree} set, key name + '/'). */
  private record Item(String key, CrawlEntry entry, Node subtree) {}

  private static final class Frame {
    final Item[] items;
    int next;

    Frame(Item[] items) {
      this.items = items;
    }
  }

  private TreeCrawl(Path root, DirLister lister, Predicate<String> ignored,
      ProgressListener progress, int progressEvery) {
    this.root = root;
    this.lister = lister;
    this.ignored = ignored;
    this.progress = progress;
    this.progressEvery = progressEvery;
    this.pool = new ForkJoinPool(
        Math.max(2, Math.min(16, Runtime.getRuntime().availableProcessors())),
        p -> {
          var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
          t.setName("tidemark-crawl-" + t.getPoolIndex());
          return t;
        },
        null, false);
  }

  /** Starts crawling below {@code root} (the root itself is not an entry) with the best lister. */
  static TreeCrawl start(Path root, Predicate<String> ignored, ProgressListener progress,
      int progressEvery) {
    return start(root, DirLister.best(), ignored, progress, progressEvery);
  }

  static TreeCrawl start(Path root, DirLister lister, Predicate<String> ignored,
      ProgressListener progress, int progressEvery) {
    TreeCrawl crawl = new TreeCrawl(root, lister, ignored, progress, progressEvery);
    Node top = new Node("");
    crawl.pool.execute(crawl.new ListDir(top, null, null));
    crawl.stack.push(new Frame(crawl.await(top)));
    return crawl;
  }

  /** The next entry in index order without taking it, or null at the end. */
  CrawlEntry peek() {
    while (peeked == null) {
      Frame f = stack.peek();
      if (f == null) {
        return null;
      }
      if (f.next == f.items.length) {
        stack.pop();
        continue;
      }
      Item item = f.items[f.next];
      f.items[f.next++] = null; // the consumer is the only reader: let listed entries go
      if (item.entry != null) {
        peeked = item.entry;
      } else {
        stack.push(new Frame(await(item.subtree)));
      }
    }
    return peeked;
  }

  /** Takes the next entry in index order, or null at the end. */
  CrawlEntry next() {
    CrawlEntry e = peek();
    peeked = null;
    return e;
  }

  /** Entries seen so far (all of them once {@link #next()} returned null). */
  long scanned() {
    return scanned.get();
  }

  /**
   * True when {@code path} is, or lies below, a directory that could not be listed or an entry
   * that could not be stat'ed. Complete for a path once the crawl has handed out every entry
   * that sorts before it.
   */
  boolean underUnreadable(String path) {
    if (unreadable.isEmpty()) {
      return false;
    }
    for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
      if (unreadable.contains(path.substring(0, slash))) {
        return true;
      }
    }
    return unreadable.contains(path) || unreadable.contains("");
  }

  /** Stops listing; pending directories are dropped (their fds closed) in the background. */
  @Override
  public void close() {
    cancelled = true;
    pool.shutdown();
  }

  private Item[] await(Node node) {
    try {
      return node.items.join();
    } catch (CompletionException e) {
      close();
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** Lists one directory, publishes its sorted items, then forks its subdirectories. */
  private final class ListDir extends RecursiveAction {
    private final Node node;
    private final DirLister.Dir parent;
    private final Object ref;

    ListDir(Node node, DirLister.Dir parent, Object ref) {
      this.node = node;
      this.parent = parent;
      this.ref = ref;
    }

    @Override
    protected void compute() {
      if (cancelled) {
        if (parent != null) {
          parent.release();
        }
        node.items.complete(NONE);
        return;
      }
      List<ListDir> subdirs = new ArrayList<>();
      try {
        node.items.complete(list(subdirs));
      } catch (RuntimeException | Error e) {
        node.items.completeExceptionally(e);
        subdirs.forEach(s -> s.parent.release());
        throw e;
      }
      // in reverse: a worker takes its newest task first, so the first subtree in order is
      // listed first, and the consumer rarely waits
      for (int i = subdirs.size() - 1; i >= 0; i--) {
        subdirs.get(i).fork();
      }
    }

    private Item[] list(List<ListDir> subdirs) {
      DirLister.Dir dir;
      try {
        dir = parent == null ? lister.openRoot(root) : parent.openChild(ref);
      } catch (NoSuchFileException | NotDirectoryException gone) {
        return NONE; // removed or replaced while we crawled: the kernel events report that
      } catch (IOException e) {
        cannotList(e);
        return NONE;
      } finally {
        if (parent != null) {
          parent.release();
        }
      }
      List<Item> items = new ArrayList<>();
      try {
        dir.list(new DirLister.EntrySink() {
          @Override
          public void entry(String name, FileStat stat, Object childRef) {
            String path = pathOf(name);
            if (ignored.test(path)) {
              return;
            }
            items.add(new Item(name, new CrawlEntry(path, stat), null));
            if (childRef != null) {
              Node child = new Node(path);
              items.add(new Item(name + '/', null, child));
              dir.retain();
              subdirs.add(new ListDir(child, dir, childRef));
            }
          }

          @Override
          public void statFailed(String name, IOException cause) {
            String path = pathOf(name);
            if (!ignored.test(path)) {
              log.warn("reconcile cannot stat {}: {}", root.resolve(path), cause.toString());
              unreadable.add(path);
            }
          }
        });
      } catch (NoSuchFileException | NotDirectoryException gone) {
        // removed or replaced while we crawled: the kernel events report that
      } catch (IOException e) {
        cannotList(e);
      } finally {
        dir.release();
      }
      Item[] sorted = items.toArray(NONE);
      Arrays.sort(sorted, BY_KEY);
      subdirs.sort((a, b) -> PathOrder.compare(a.node.path, b.node.path));
      int entries = sorted.length - subdirs.size();
      long now = scanned.addAndGet(entries);
      if (now / progressEvery != (now - entries) / progressEvery) {
        progress.scanned(now);
      }
      return sorted;
    }

    private String pathOf(String name) {
      return node.path.isEmpty() ? name : node.path + '/' + name;
    }

    private void cannotList(IOException e) {
      log.warn("reconcile cannot list {}: {}", root.resolve(node.path), e.toString());
      unreadable.add(node.path);
    }
  }
}
