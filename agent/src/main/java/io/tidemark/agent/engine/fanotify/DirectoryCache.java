package io.tidemark.agent.engine.fanotify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Directory handle → absolute path, for every directory the engine has heard of, inside the root
 * or not. Keeping "outside" directories too makes the subtree filter cheap (no syscall for a
 * directory we already know is elsewhere).
 *
 * <p>Two kinds of entry. <em>Stream</em> entries hold the path a directory had at the point of the
 * event stream being translated: they come from the crawl at start and from the events themselves
 * (a directory CREATE or RENAME carries the directory's own handle), and directory renames rewrite
 * them in stream order. <em>Ahead</em> entries hold where a directory inside the root was when
 * the kernel resolved its handle or a listing saw it, which can be ahead of the events still to
 * be translated; events under them are only reported where they agree with the tree as it is (see
 * EventTranslator). Each ahead path is registered in {@link Regions}. A rename touching an ahead
 * path may or may not be part of it already: the entry becomes <em>doubtful</em>, is resolved
 * again when next needed, and serves as a last-known path only if the directory is gone by
 * then. Once the stream has caught up with the moment an entry was made ({@link #catchUp}) and
 * nothing put it in doubt, it is a stream entry like any other.
 *
 * <p>A directory rename rewrites every cached descendant in one pass over the map. That is O(size)
 * per directory rename, which is cheap next to the syscalls a rename costs, and keeps the
 * structure a plain map.
 */
final class DirectoryCache {
  /** Beyond this many entries, directories outside the root are forgotten (re-resolved lazily). */
  static final int OUTSIDE_LIMIT = 200_000;

  /** {@link #window()} of a stream entry. */
  static final long STREAM = -1;

  /** Asks the kernel where a directory is now; null when it is gone or unreachable. */
  @FunctionalInterface
  interface Resolver {
    String resolve(HandleKey key);
  }

  /** {@code deadSince}: the window in which a doubtful entry was found gone, or -1. */
  private record Ahead(String path, long window, boolean doubtful, long deadSince) {
    Ahead(String path, long window) {
      this(path, window, false, -1);
    }
  }

  private final HashMap<HandleKey, String> paths = new HashMap<>();
  private final HashMap<HandleKey, Ahead> ahead = new HashMap<>();
  private final String root;
  private final String rootSlash;
  private final Resolver resolver;
  private final Regions regions;
  private long window;
  private long lookedUpWindow = STREAM;

  DirectoryCache(String root, Resolver resolver, Regions regions) {
    this.root = root;
    this.rootSlash = root.equals("/") ? "/" : root + "/";
    this.resolver = resolver;
    this.regions = regions;
  }

  /** The read being translated now: what is resolved from the kernel is ahead of it. */
  void setWindow(long window) {
    this.window = window;
  }

  /**
   * The absolute path of the directory {@code probe} names, or null if it cannot be found. Sets
   * {@link #window()}: {@link #STREAM} when the path is the one at this point of the stream.
   */
  String lookup(HandleKey probe) {
    String path = paths.get(probe);
    if (path != null) {
      lookedUpWindow = STREAM;
      return path;
    }
    Ahead a = ahead.isEmpty() ? null : ahead.get(probe);
    if (a != null && !a.doubtful()) {
      lookedUpWindow = a.window();
      return a.path();
    }
    lookedUpWindow = STREAM;
    path = resolver.resolve(probe);
    if (path == null) {
      if (a == null) {
        return null;
      }
      // Gone: where we last saw it is the best we have (events under it are checked against the
      // tree as it is), and what we reported below it must stay known until they are read.
      lookedUpWindow = window;
      regions.add(a.path(), window);
      return a.path();
    }
    if (relative(path) != null) {
      lookedUpWindow = window;
      regions.add(path, window);
    }
    put(probe.copy(), path, lookedUpWindow);
    return path;
  }

  /** Whether the last {@link #lookup} gave an ahead path: its window, else {@link #STREAM}. */
  long window() {
    return lookedUpWindow;
  }

  /**
   * Caches {@code absolutePath} for {@code key}; {@code window} is {@link #STREAM} or the window of
   * the ahead path it was derived from.
   */
  void put(HandleKey key, String absolutePath, long window) {
    if (window != STREAM && relative(absolutePath) != null) {
      paths.remove(key);
      ahead.put(key, new Ahead(absolutePath, window));
      return;
    }
    if (paths.size() >= OUTSIDE_LIMIT) {
      forgetOutside();
    }
    ahead.remove(key);
    paths.put(key, absolutePath);
  }

  /**
   * Caches an ahead path found by a listing, unless the handle is known already: a directory the
   * stream placed elsewhere is only <em>going</em> to be where the listing saw it (the rename
   * that takes it there is still queued), and that rename moves it and its cached descendants
   * together.
   */
  void learn(HandleKey key, String absolutePath, long window) {
    if (!paths.containsKey(key) && !ahead.containsKey(key)) {
      put(key, absolutePath, window);
    }
  }

  void evict(HandleKey probe) {
    paths.remove(probe);
    ahead.remove(probe);
  }

  /**
   * Rewrites {@code from} and everything cached below it to sit under {@code to}; {@code window}
   * is {@link #STREAM} or, when {@code to} is an ahead path, its window (the moved entries are
   * then ahead too).
   */
  void renameTree(String from, String to, long window) {
    String fromSlash = from + "/";
    List<Map.Entry<HandleKey, String>> nowAhead = null;
    for (Iterator<Map.Entry<HandleKey, String>> it = paths.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<HandleKey, String> e = it.next();
      String p = e.getValue();
      String moved = p.equals(from) ? to : p.startsWith(fromSlash) ? to + p.substring(from.length()) : null;
      if (moved == null) {
        continue;
      }
      if (window == STREAM || relative(moved) == null) {
        e.setValue(moved);
      } else {
        if (nowAhead == null) {
          nowAhead = new ArrayList<>();
        }
        nowAhead.add(Map.entry(e.getKey(), moved));
        it.remove();
      }
    }
    evictAheadTouching(from);
    evictAheadTouching(to);
    if (nowAhead != null) {
      for (Map.Entry<HandleKey, String> e : nowAhead) {
        ahead.put(e.getKey(), new Ahead(e.getValue(), window));
      }
    }
  }

  /** Forgets {@code path} and everything below it (the tree was deleted or left our view). */
  void evictTree(String path) {
    String slash = path + "/";
    paths.values().removeIf(p -> p.equals(path) || p.startsWith(slash));
    evictAheadTouching(path);
  }

  /**
   * Ahead entries at or below {@code path}: a rename or delete there may or may not be part of
   * their path already, so they are put in doubt.
   */
  private void evictAheadTouching(String path) {
    if (ahead.isEmpty()) {
      return;
    }
    for (Map.Entry<HandleKey, Ahead> e : ahead.entrySet()) {
      Ahead a = e.getValue();
      if (!a.doubtful() && Regions.atOrBelow(a.path(), path)) {
        e.setValue(new Ahead(a.path(), a.window(), true, -1));
      }
    }
  }

  /**
   * The stream has caught up with every window before {@code window}: their ahead paths are
   * exact now, unless put in doubt. A doubtful entry is dropped once its directory has been
   * gone since an earlier window (every event of it has been read by then).
   */
  void catchUp(long window) {
    if (ahead.isEmpty()) {
      return;
    }
    for (Iterator<Map.Entry<HandleKey, Ahead>> it = ahead.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<HandleKey, Ahead> e = it.next();
      Ahead a = e.getValue();
      if (!a.doubtful()) {
        if (a.window() < window) {
          paths.put(e.getKey(), a.path());
          it.remove();
        }
      } else if (a.deadSince() >= 0) {
        if (a.deadSince() < window) {
          it.remove();
        }
      } else if (resolver.resolve(e.getKey()) == null) {
        e.setValue(new Ahead(a.path(), a.window(), true, window));
      }
    }
  }

  /**
   * Forgets every directory outside the root. Their paths came from the kernel at different
   * moments and were kept right only by the renames we happened to see out there; once one of
   * them moves in, a stale path for something below it would hide events in the root.
   */
  void forgetOutside() {
    paths.values().removeIf(p -> relative(p) == null);
  }

  /** After an overflow, renames may have been missed: start over from the kernel's view. */
  void clear() {
    paths.clear();
    ahead.clear();
  }

  boolean hasAhead() {
    return !ahead.isEmpty();
  }

  int size() {
    return paths.size() + ahead.size();
  }

  /** Root-relative form of an absolute path: "" for the root, null when outside it. */
  String relative(String absolutePath) {
    if (absolutePath.equals(root)) {
      return "";
    }
    return absolutePath.startsWith(rootSlash) ? absolutePath.substring(rootSlash.length()) : null;
  }

  /** {@code parent + "/" + name}, minding the filesystem root. */
  static String child(String parent, String name) {
    return parent.equals("/") ? "/" + name : parent + "/" + name;
  }
}
