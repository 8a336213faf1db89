package io.tidemark.agent.engine.inotify;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The watched directories: watch descriptor → {@link Dir}, each knowing its parent and its name.
 * A directory's root-relative path is computed on demand and cached; a rename only re-links one
 * node and bumps {@link #generation}, which invalidates every cached path at once, so a rename of
 * a large subtree costs O(1) and no path goes stale. Not thread-safe: the reader thread owns it.
 */
final class WatchTree {

  /** One watched directory. */
  static final class Dir {
    final int wd;
    Dir parent;
    String name;
    final Map<String, Dir> children = new HashMap<>();
    /**
     * Names this engine reported from a listing whose kernel CREATE may still be queued: that
     * CREATE is then a duplicate and is dropped. Any other event for the name clears it.
     */
    Set<String> listed;

    private String cachedPath;
    private long cachedGeneration = -1;

    Dir(int wd, Dir parent, String name) {
      this.wd = wd;
      this.parent = parent;
      this.name = name;
    }

    /** Forgets a listed name; true when it was there (the caller's CREATE is a duplicate). */
    boolean consumeListed(String child) {
      return listed != null && listed.remove(child);
    }

    void markListed(String child) {
      if (listed == null) {
        listed = new HashSet<>();
      }
      listed.add(child);
    }
  }

  private final Map<Integer, Dir> byWd = new HashMap<>();
  private Dir root;
  private long generation;

  Dir setRoot(int wd) {
    root = new Dir(wd, null, "");
    byWd.put(wd, root);
    return root;
  }

  Dir root() {
    return root;
  }

  Dir get(int wd) {
    return byWd.get(wd);
  }

  int size() {
    return byWd.size();
  }

  /**
   * Links the directory watched by {@code wd} as {@code parent/name}. A wd already known (the
   * kernel returns the same wd for the same inode) is re-linked there, e.g. after an overflow hid
   * its rename.
   */
  Dir attach(Dir parent, String name, int wd) {
    Dir existing = byWd.get(wd);
    if (existing != null) {
      if (existing != root && (existing.parent != parent || !existing.name.equals(name))) {
        move(existing, parent, name);
      }
      return existing;
    }
    Dir dir = new Dir(wd, parent, name);
    Dir replaced = parent.children.put(name, dir);
    if (replaced != null) {
      replaced.parent = null; // kept in byWd until its IN_IGNORED; no longer reachable by name
    }
    byWd.put(wd, dir);
    return dir;
  }

  /**
   * Like {@link #attach} for a directory found by a listing made because of an event, which
   * shows the tree as it is now, possibly ahead of the queued events: a wd already linked
   * elsewhere is a directory the events still place there (the rename that brings it here is
   * queued), so it is left alone and null returned. A detached one (its MOVED_FROM is waiting
   * for a MOVED_TO that may never come) has arrived here.
   */
  Dir attachListed(Dir parent, String name, int wd) {
    Dir existing = byWd.get(wd);
    if (existing != null && existing != root && path(existing) != null
        && (existing.parent != parent || !existing.name.equals(name))) {
      return null;
    }
    return attach(parent, name, wd);
  }

  /**
   * Unlinks {@code dir} from its parent, keeping it resolvable by wd: it was renamed and where
   * it went is not known yet, so nothing that happens in it has a path until it is re-linked.
   */
  void detach(Dir dir) {
    if (dir.parent != null && dir.parent.children.get(dir.name) == dir) {
      dir.parent.children.remove(dir.name);
    }
    dir.parent = null;
    generation++;
  }

  /** Re-links {@code dir} as {@code newParent/newName} (a rename inside the root). */
  void move(Dir dir, Dir newParent, String newName) {
    if (dir.parent != null && dir.parent.children.get(dir.name) == dir) {
      dir.parent.children.remove(dir.name);
    }
    Dir replaced = newParent.children.put(newName, dir);
    if (replaced != null && replaced != dir) {
      replaced.parent = null;
    }
    dir.parent = newParent;
    dir.name = newName;
    generation++;
  }

  /**
   * Unlinks {@code parent/name} (deleted); the node stays resolvable by wd until its IN_IGNORED,
   * but has no path any more (a listing that finds its wd elsewhere may link it again: a
   * directory reported deleted in the queue can have been moved before, the queue read late).
   */
  Dir unlink(Dir parent, String name) {
    Dir gone = parent.children.remove(name);
    if (gone != null) {
      gone.parent = null;
      generation++;
    }
    return gone;
  }

  /** The kernel dropped the watch: forget it for good. */
  void forget(int wd) {
    Dir dir = byWd.remove(wd);
    if (dir != null && dir.parent != null && dir.parent.children.get(dir.name) == dir) {
      dir.parent.children.remove(dir.name);
    }
  }

  /** Removes {@code top} and everything below it; returns their wds for inotify_rm_watch. */
  List<Integer> removeSubtree(Dir top) {
    List<Integer> wds = new ArrayList<>();
    if (top.parent != null && top.parent.children.get(top.name) == top) {
      top.parent.children.remove(top.name);
    }
    ArrayDeque<Dir> todo = new ArrayDeque<>();
    todo.push(top);
    while (!todo.isEmpty()) {
      Dir d = todo.pop();
      if (byWd.get(d.wd) == d) {
        byWd.remove(d.wd);
        wds.add(d.wd);
      }
      d.children.values().forEach(todo::push);
      d.children.clear();
    }
    generation++;
    return wds;
  }

  /**
   * The root-relative path of {@code dir} ("" for the root), or null when it is no longer linked
   * under the root (deleted, or moved out). Iterative, so deep trees cannot overflow the stack.
   */
  String path(Dir dir) {
    if (dir.cachedGeneration == generation) {
      return dir.cachedPath;
    }
    ArrayDeque<Dir> chain = new ArrayDeque<>();
    Dir d = dir;
    while (d != null && d.cachedGeneration != generation && d != root) {
      chain.push(d);
      d = d.parent;
    }
    String base;
    if (d == null) {
      base = null;
    } else if (d == root) {
      base = "";
    } else {
      base = d.cachedPath;
    }
    while (!chain.isEmpty()) {
      Dir c = chain.pop();
      base = base == null ? null : child(base, c.name);
      c.cachedPath = base;
      c.cachedGeneration = generation;
    }
    return base;
  }

  /** The path of entry {@code name} inside directory path {@code dirPath}. */
  static String child(String dirPath, String name) {
    return dirPath.isEmpty() ? name : dirPath + '/' + name;
  }
}
