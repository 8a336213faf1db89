package io.tidemark.agent.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An in-memory file tree: root-relative path → entry. The root itself is implicit. */
final class ModelTree {

  /** One file or directory; {@code marked} is a free flag the tests use (dirty, touched). */
  record Entry(boolean dir, boolean marked) {}

  final TreeMap<String, Entry> entries = new TreeMap<>();

  ModelTree copy() {
    ModelTree t = new ModelTree();
    t.entries.putAll(entries);
    return t;
  }

  boolean exists(String p) {
    return entries.containsKey(p);
  }

  boolean isDir(String p) {
    Entry e = entries.get(p);
    return e != null && e.dir();
  }

  boolean parentExists(String p) {
    String parent = parent(p);
    return parent == null || isDir(parent);
  }

  void put(String p, boolean dir, boolean marked) {
    entries.put(p, new Entry(dir, marked));
  }

  void mark(String p) {
    Entry e = entries.get(p);
    entries.put(p, new Entry(e.dir(), true));
  }

  /** The path and everything below it, parents before children. */
  List<String> subtree(String p) {
    List<String> out = new ArrayList<>();
    if (exists(p)) {
      out.add(p);
    }
    out.addAll(entries.subMap(p + "/", true, p + "0", false).keySet());
    return out;
  }

  void removeSubtree(String p) {
    entries.remove(p);
    entries.subMap(p + "/", true, p + "0", false).clear();
  }

  void move(String from, String to) {
    Map<String, Entry> moved = new TreeMap<>();
    for (String p : subtree(from)) {
      moved.put(to + p.substring(from.length()), entries.get(p));
    }
    removeSubtree(from);
    removeSubtree(to);
    entries.putAll(moved);
  }

  /** Path and type of every entry, without marks. */
  Map<String, Boolean> shape() {
    Map<String, Boolean> out = new TreeMap<>();
    entries.forEach((p, e) -> out.put(p, e.dir()));
    return out;
  }

  static String parent(String p) {
    int slash = p.lastIndexOf('/');
    return slash < 0 ? null : p.substring(0, slash);
  }
}
