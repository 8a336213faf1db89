package io.tidemark.agent.engine.fanotify;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Directory handle → absolute path, for every directory the engine has heard of, inside the root
 * or not. Keeping "outside" directories too makes the subtree filter cheap (no syscall for a
 * directory we already know is elsewhere) and lets a tree renamed <em>into</em> the root be
 * rewritten like any other rename.
 *
 * <p>Entries come, in order of preference, from the events themselves (a directory CREATE or
 * RENAME carries the directory's own handle: the path is then the one it had at event time), from
 * the crawl at start, and last from the kernel ({@link Resolver}, which gives the path the
 * directory has <em>now</em>, so it can run ahead of the event stream; we only use it for
 * directories we have never seen).
 *
 * <p>A directory rename rewrites every cached descendant in one pass over the map. That is O(size)
 * per directory rename, which is cheap next to the syscalls a rename costs, and keeps the
 * structure a plain map.
 */
final class DirectoryCache {
  /** Beyond this many entries, directories outside the root are forgotten (re-resolved lazily). */
  static final int OUTSIDE_LIMIT = 200_000;

  /** Asks the kernel where a directory is now; null when it is gone or unreachable. */
  @FunctionalInterface
  interface Resolver {
    String resolve(HandleKey key);
  }

  private final HashMap<HandleKey, String> paths = new HashMap<>();
  private final String root;
  private final String rootSlash;
  private final Resolver resolver;

  DirectoryCache(String root, Resolver resolver) {
    this.root = root;
    this.rootSlash = root.equals("/") ? "/" : root + "/";
    this.resolver = resolver;
  }

  /** The absolute path of the directory {@code probe} names, or null if it cannot be found. */
  String lookup(HandleKey probe) {
    String path = paths.get(probe);
    if (path == null) {
      path = resolver.resolve(probe);
      if (path != null) {
        put(probe.copy(), path);
      }
    }
    return path;
  }

  void put(HandleKey key, String absolutePath) {
    if (paths.size() >= OUTSIDE_LIMIT) {
      paths.values().removeIf(p -> relative(p) == null);
    }
    paths.put(key, absolutePath);
  }

  void evict(HandleKey probe) {
    paths.remove(probe);
  }

  /** Rewrites {@code from} and everything cached below it to sit under {@code to}. */
  void renameTree(String from, String to) {
    String fromSlash = from + "/";
    for (Iterator<Map.Entry<HandleKey, String>> it = paths.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<HandleKey, String> e = it.next();
      String p = e.getValue();
      if (p.equals(from)) {
        e.setValue(to);
      } else if (p.startsWith(fromSlash)) {
        e.setValue(to + p.substring(from.length()));
      }
    }
  }

  /** Forgets {@code path} and everything below it (the tree was deleted or left our view). */
  void evictTree(String path) {
    String slash = path + "/";
    paths.values().removeIf(p -> p.equals(path) || p.startsWith(slash));
  }

  /** After an overflow, renames may have been missed: start over from the kernel's view. */
  void clear() {
    paths.clear();
  }

  int size() {
    return paths.size();
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
