package io.tidemark.agent.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A reference file tree for journal tests: applies random operations, says which {@link Change}
 * each one journals and which paths it touched, and stats paths like {@code lstat} would.
 */
final class TreeModel {

  record Node(boolean dir, long inode, long version, int mode) {}

  private final Random random;
  private final TreeMap<String, Node> nodes = new TreeMap<>();
  private long nextInode = 100;
  private long tick = 1;

  TreeModel(Random random) {
    this.random = random;
  }

  /** One applied operation: what is journalled and every path whose state it may have changed. */
  record Op(Change change, Set<String> touched) {}

  NavigableMap<String, Node> snapshot() {
    return new TreeMap<>(nodes);
  }

  FileStat stat(String path) {
    Node n = nodes.get(path);
    if (n == null) {
      return null;
    }
    int type = n.dir() ? FileStat.S_IFDIR : 0100000;
    return new FileStat(n.version(), n.version(), n.version() * 31 + n.mode(), n.inode(),
        type | n.mode(), null);
  }

  /** Applies one random operation; null when the one picked was not possible. */
  Op randomOp() {
    int pick = random.nextInt(100);
    if (nodes.isEmpty() || pick < 35) {
      return create();
    } else if (pick < 55) {
      return modify();
    } else if (pick < 65) {
      return chmod();
    } else if (pick < 80) {
      return delete();
    } else {
      return rename();
    }
  }

  private Op create() {
    String path = child(randomDir(null), "n" + random.nextInt(6));
    if (nodes.containsKey(path)) {
      return null;
    }
    boolean dir = random.nextInt(3) == 0;
    nodes.put(path, new Node(dir, nextInode++, tick++, 0644));
    return new Op(Change.of(ChangeKind.CREATED, path, dir), new TreeSet<>(Set.of(path)));
  }

  private Op modify() {
    String path = randomPath(false);
    if (path == null) {
      return null;
    }
    Node n = nodes.get(path);
    nodes.put(path, new Node(false, n.inode(), tick++, n.mode()));
    return new Op(Change.of(ChangeKind.MODIFIED, path, false), new TreeSet<>(Set.of(path)));
  }

  private Op chmod() {
    String path = randomPath(true);
    Node n = nodes.get(path);
    nodes.put(path, new Node(n.dir(), n.inode(), n.version(), n.mode() ^ 0111));
    return new Op(Change.of(ChangeKind.ATTRIB, path, n.dir()), new TreeSet<>(Set.of(path)));
  }

  private Op delete() {
    String path = randomPath(true);
    Node n = nodes.get(path);
    Set<String> touched = new TreeSet<>(subtree(path).keySet());
    removeSubtree(path);
    return new Op(Change.of(ChangeKind.DELETED, path, n.dir()), touched);
  }

  private Op rename() {
    String from = randomPath(true);
    Node n = nodes.get(from);
    String to = child(randomDir(from), "r" + random.nextInt(6));
    Node target = nodes.get(to);
    if (to.equals(from) || (target != null && (n.dir() || target.dir()))) {
      return null;
    }
    Set<String> touched = new TreeSet<>(subtree(from).keySet());
    touched.add(to);
    Map<String, Node> moved = subtree(from);
    removeSubtree(from);
    for (Map.Entry<String, Node> e : moved.entrySet()) {
      String path = to + e.getKey().substring(from.length());
      nodes.put(path, e.getValue());
      touched.add(path);
    }
    return new Op(Change.renamed(from, to, n.dir()), touched);
  }

  /**
   * A path that does not exist now (never did, or was deleted), maybe below a missing directory:
   * what a DELETED the journal must drop names. Null when the one picked exists.
   */
  String absentPath() {
    String name = (random.nextBoolean() ? "n" : "r") + random.nextInt(6);
    String path = random.nextInt(4) == 0
        ? child(child(randomDir(null), "gone" + random.nextInt(2)), name)
        : child(randomDir(null), name);
    return nodes.containsKey(path) ? null : path;
  }

  /** A copy of the path's entry and everything below it. */
  private TreeMap<String, Node> subtree(String path) {
    TreeMap<String, Node> out = new TreeMap<>(nodes.subMap(path + "/", true, path + "0", false));
    if (nodes.containsKey(path)) {
      out.put(path, nodes.get(path));
    }
    return out;
  }

  private void removeSubtree(String path) {
    nodes.subMap(path + "/", true, path + "0", false).clear();
    nodes.remove(path);
  }

  private String randomPath(boolean anyKind) {
    List<String> candidates = new ArrayList<>();
    for (Map.Entry<String, Node> e : nodes.entrySet()) {
      if (anyKind || !e.getValue().dir()) {
        candidates.add(e.getKey());
      }
    }
    return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
  }

  /** A random existing directory (or the root, ""), not at or below {@code avoid}. */
  private String randomDir(String avoid) {
    List<String> dirs = new ArrayList<>();
    dirs.add("");
    for (Map.Entry<String, Node> e : nodes.entrySet()) {
      if (e.getValue().dir() && (avoid == null || !PathPrefix.isAtOrUnder(e.getKey(), avoid))) {
        dirs.add(e.getKey());
      }
    }
    return dirs.get(random.nextInt(dirs.size()));
  }

  private static String child(String dir, String name) {
    return dir.isEmpty() ? name : dir + "/" + name;
  }
}
