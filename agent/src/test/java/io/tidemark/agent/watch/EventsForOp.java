package io.tidemark.agent.watch;

import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.engine.FsEvent.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Random filesystem operations on a {@link ModelTree}, each applied to the model and translated
 * into the {@link FsEvent}s an engine would report for it. Files are marked dirty when their
 * content is written (or they are new).
 *
 * <p>Besides the plain operations it makes the ones whose events do not say what they replaced:
 * a move-in from outside onto an existing file or empty directory (a plain CREATE), a rename of a
 * directory onto an empty one, and an engine reporting a CREATE again for something that exists.
 * Temporary files and directories ({@code t0}, {@code t1}, ... never reused) are created and
 * deleted within one operation, so within one settle window: they must leave nothing in the
 * journal.
 */
final class EventsForOp {

  private static final String[] NAMES = {"a", "b", "c", "d"};
  private static final int MAX_DEPTH = 3;

  private final ModelTree tree;
  private final Random random;
  /** Files written but not yet closed. */
  private final Set<String> open = new TreeSet<>();
  private int temps;

  EventsForOp(ModelTree tree, Random random) {
    this.tree = tree;
    this.random = random;
  }

  /** A random initial snapshot, nothing dirty. */
  static ModelTree snapshot(Random random) {
    ModelTree t = new ModelTree();
    int n = random.nextInt(12);
    for (int i = 0; i < n; i++) {
      String p = freshPath(t, random);
      if (p != null) {
        t.put(p, random.nextBoolean(), false);
      }
    }
    return t;
  }

  /** Applies one random operation to the model; returns its events (may be empty). */
  List<FsEvent> next() {
    List<FsEvent> out = new ArrayList<>();
    switch (random.nextInt(20)) {
      case 0, 1 -> { // create a file, maybe write it, maybe leave it open
        String p = freshPath(tree, random);
        if (p == null) break;
        tree.put(p, false, true);
        out.add(ev(Kind.CREATE, p, false));
        if (random.nextBoolean()) {
          out.add(ev(Kind.MODIFY, p, false));
        }
        if (random.nextInt(4) == 0) {
          open.add(p);
        } else {
          out.add(ev(Kind.CLOSE_WRITE, p, false));
        }
      }
      case 2, 3 -> { // write (and maybe keep open) or append and close
        String p = pick(false);
        if (p == null) break;
        tree.mark(p);
        out.add(ev(Kind.MODIFY, p, false));
        if (random.nextBoolean()) {
          open.add(p);
        } else {
          out.add(ev(Kind.CLOSE_WRITE, p, false));
          open.remove(p);
        }
      }
      case 4 -> { // close an open file
        if (open.isEmpty()) break;
        String p = open.stream().skip(random.nextInt(open.size())).findFirst().orElseThrow();
        open.remove(p);
        out.add(ev(Kind.CLOSE_WRITE, p, false));
      }
      case 5 -> { // rm file
        String p = pick(false);
        if (p == null) break;
        tree.removeSubtree(p);
        open.remove(p);
        out.add(ev(Kind.DELETE, p, false));
      }
      case 6 -> { // mkdir
        String p = freshPath(tree, random);
        if (p == null) break;
        tree.put(p, true, false);
        out.add(ev(Kind.CREATE, p, true));
      }
      case 7 -> { // rm -rf dir: children deepest first, then the dir
        String p = pick(true);
        if (p == null) break;
        List<String> all = tree.subtree(p);
        for (int i = all.size() - 1; i >= 0; i--) {
          String q = all.get(i);
          out.add(ev(Kind.DELETE, q, tree.isDir(q)));
          open.remove(q);
        }
        tree.removeSubtree(p);
      }
      case 8, 9 -> { // rename a file or dir to a free name
        String from = pickAny();
        String to = freshPath(tree, random);
        if (from == null || to == null || to.startsWith(from + "/")) break;
        boolean dir = tree.isDir(from);
        renameOpen(from, to);
        tree.move(from, to);
        out.add(FsEvent.rename(from, to, dir, 7));
      }
      case 10 -> { // rename a file over another file (atomic save)
        String from = pick(false);
        String to = pick(false);
        if (from == null || to == null || from.equals(to)) break;
        open.remove(to);
        renameOpen(from, to);
        tree.move(from, to);
        out.add(FsEvent.rename(from, to, false, 7));
      }
      case 11 -> { // move out of the root
        String from = pickAny();
        if (from == null) break;
        boolean dir = tree.isDir(from);
        for (String q : tree.subtree(from)) {
          open.remove(q);
        }
        tree.removeSubtree(from);
        out.add(new FsEvent(Kind.RENAME, null, from, dir, 7));
      }
      case 12 -> { // move a tree in: CREATE of the top, then of every entry inside
        String top = freshPath(tree, random);
        if (top == null) break;
        boolean dir = random.nextBoolean();
        tree.put(top, dir, !dir);
        out.add(ev(Kind.CREATE, top, dir));
        if (dir) {
          for (int i = random.nextInt(5); i > 0; i--) {
            String p = freshPath(tree, random, top);
            if (p == null) continue;
            boolean d = random.nextBoolean();
            tree.put(p, d, !d);
            out.add(ev(Kind.CREATE, p, d));
          }
        }
      }
      case 13 -> { // chmod
        String p = pickAny();
        if (p == null) break;
        out.add(ev(Kind.ATTRIB, p, tree.isDir(p)));
      }
      case 14 -> { // move a file in from outside onto an existing file: a plain CREATE
        String p = pick(false);
        if (p == null) break;
        open.remove(p);
        tree.put(p, false, true);
        out.add(ev(Kind.CREATE, p, false));
      }
      case 15 -> { // move a tree in from outside onto an empty directory
        String p = pickEmptyDir();
        if (p == null) break;
        out.add(ev(Kind.CREATE, p, true));
        for (int i = random.nextInt(4); i > 0; i--) {
          String q = freshPath(tree, random, p);
          if (q == null) continue;
          boolean d = random.nextBoolean();
          tree.put(q, d, !d);
          out.add(ev(Kind.CREATE, q, d));
        }
      }
      case 16 -> { // rename a directory onto an empty directory (rename(2) replaces it)
        String from = pick(true);
        String to = pickEmptyDir();
        if (from == null || to == null || from.equals(to) || to.startsWith(from + "/")) break;
        renameOpen(from, to);
        tree.move(from, to);
        out.add(FsEvent.rename(from, to, true, 7));
      }
      case 17 -> { // the engine reports a CREATE again for an existing file or empty directory
        String p = random.nextBoolean() ? pick(false) : pickEmptyDir();
        if (p == null) break;
        out.add(ev(Kind.CREATE, p, tree.isDir(p)));
      }
      case 18 -> { // a temporary file: created, written, deleted
        String dir = pickDirOrRoot();
        String p = child(dir, "t" + temps++);
        out.add(ev(Kind.CREATE, p, false));
        out.add(ev(Kind.MODIFY, p, false));
        if (random.nextBoolean()) {
          out.add(ev(Kind.CLOSE_WRITE, p, false));
        }
        out.add(ev(Kind.DELETE, p, false));
      }
      default -> { // a temporary directory with files, removed again (rm -rf)
        String dir = pickDirOrRoot();
        String p = child(dir, "t" + temps++);
        out.add(ev(Kind.CREATE, p, true));
        List<String> files = new ArrayList<>();
        for (int i = random.nextInt(3); i >= 0; i--) {
          String f = p + "/" + NAMES[i];
          files.add(f);
          out.add(ev(Kind.CREATE, f, false));
          out.add(ev(Kind.CLOSE_WRITE, f, false));
        }
        for (String f : files) {
          out.add(ev(Kind.DELETE, f, false));
        }
        out.add(ev(Kind.DELETE, p, true));
      }
    }
    return out;
  }

  /** True for a path in or at a temporary file or directory (never in the tree between ops). */
  static boolean isTemp(String p) {
    for (String part : p.split("/")) {
      if (part.matches("t[0-9]+")) {
        return true;
      }
    }
    return false;
  }

  private String pickEmptyDir() {
    List<String> c = tree.entries.keySet().stream()
        .filter(p -> tree.isDir(p) && tree.subtree(p).size() == 1).toList();
    return c.isEmpty() ? null : c.get(random.nextInt(c.size()));
  }

  private String pickDirOrRoot() {
    String d = pick(true);
    return d == null || random.nextInt(3) == 0 ? null : d;
  }

  private static String child(String dir, String name) {
    return dir == null ? name : dir + "/" + name;
  }

  private void renameOpen(String from, String to) {
    for (String q : List.copyOf(open)) {
      if (q.equals(from) || q.startsWith(from + "/")) {
        open.remove(q);
        open.add(to + q.substring(from.length()));
      }
    }
  }

  private static FsEvent ev(Kind kind, String p, boolean dir) {
    return FsEvent.of(kind, p, dir, 7);
  }

  private String pick(boolean dir) {
    List<String> c = tree.entries.keySet().stream().filter(p -> tree.isDir(p) == dir).toList();
    return c.isEmpty() ? null : c.get(random.nextInt(c.size()));
  }

  private String pickAny() {
    List<String> c = List.copyOf(tree.entries.keySet());
    return c.isEmpty() ? null : c.get(random.nextInt(c.size()));
  }

  private static String freshPath(ModelTree t, Random random) {
    return freshPath(t, random, null);
  }

  /** A path that does not exist yet, in an existing directory below {@code under} (or anywhere). */
  private static String freshPath(ModelTree t, Random random, String under) {
    List<String> dirs = new ArrayList<>();
    if (under == null) {
      dirs.add(null);
    }
    for (String p : t.entries.keySet()) {
      if (t.isDir(p) && p.split("/").length < MAX_DEPTH
          && (under == null || p.equals(under) || p.startsWith(under + "/"))) {
        dirs.add(p);
      }
    }
    if (dirs.isEmpty()) {
      return null;
    }
    for (int attempt = 0; attempt < 8; attempt++) {
      String parent = dirs.get(random.nextInt(dirs.size()));
      String name = NAMES[random.nextInt(NAMES.length)];
      String p = parent == null ? name : parent + "/" + name;
      if (!t.exists(p)) {
        return p;
      }
    }
    return null;
  }
}
