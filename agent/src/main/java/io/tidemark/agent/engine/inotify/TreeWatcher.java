package io.tidemark.agent.engine.inotify;

import io.tidemark.agent.engine.EngineException;
import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.linux.DirectoryEntries;
import io.tidemark.agent.linux.ErrnoException;
import io.tidemark.agent.linux.Inotify;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts watches on directory trees: <em>add the watch, then list</em>, so an entry created before
 * the watch existed is seen by the listing and one created after it by the kernel. Iterative (an
 * explicit stack), so a deep tree cannot overflow the Java stack.
 */
final class TreeWatcher {
  private static final Logger log = LoggerFactory.getLogger(TreeWatcher.class);

  /** Events on directory entries; self events only to learn that a watched dir went away. */
  static final int MASK =
      Inotify.IN_MODIFY | Inotify.IN_CLOSE_WRITE | Inotify.IN_CREATE | Inotify.IN_DELETE
          | Inotify.IN_MOVED_FROM | Inotify.IN_MOVED_TO | Inotify.IN_ATTRIB
          | Inotify.IN_DELETE_SELF | Inotify.IN_MOVE_SELF
          // never watch through a symlink, refuse a non-directory that raced in under the name
          | Inotify.IN_DONT_FOLLOW | Inotify.IN_ONLYDIR
          // no events for files already unlinked but still open (they have no path)
          | Inotify.IN_EXCL_UNLINK;

  private final int fd;
  private final Path root;
  private final WatchTree tree;
  private final Path procSys;
  /** Directories holding listed names, so they can be cleared once the queue has caught up. */
  private final List<WatchTree.Dir> listedDirs = new ArrayList<>();
  private long lastListingEndNanos;
  /**
   * Directories that vanished between their event and our add_watch/listing. Either they were
   * deleted (a DELETE/MOVED_FROM follows and cancels the retry) or an ancestor was renamed and
   * our path went stale (the rename follows in the queue): then they are watched and listed again
   * under the ancestor's new path once that rename has been applied.
   */
  private final List<Retry> retries = new ArrayList<>();

  private record Retry(WatchTree.Dir parent, String name) {}

  /**
   * Where a listing found a directory that the queued events still place elsewhere (wd → the
   * parent and name it was listed under): if the rename that took it there turns out to be a
   * MOVED_FROM without a MOVED_TO (that directory was not watched yet), this is where it went.
   */
  private final Map<Integer, Retry> listedElsewhere = new HashMap<>();

  TreeWatcher(int fd, Path root, WatchTree tree, Path procSys) {
    this.fd = fd;
    this.root = root;
    this.tree = tree;
    this.procSys = procSys;
  }

  /** Watches the root and every directory below it; reports nothing (the initial crawl). */
  void watchRoot() throws EngineException {
    int wd;
    try {
      wd = Inotify.addWatch(fd, root.toString(), MASK);
    } catch (ErrnoException e) { // no partial watch of the root: every errno is fatal here
      throw InotifyErrors.addWatch(e, root, procSys);
    }
    if (tree.root() == null) {
      tree.setRoot(wd);
    }
    crawl(tree.root(), "", false, null);
  }

  /**
   * Watches {@code parent/name}, a directory just created or moved in, and everything below it,
   * adding a CREATE to {@code out} for every entry found inside (not for the top itself).
   */
  void watchNew(WatchTree.Dir parent, String name, EventBuffer out) throws EngineException {
    String top = WatchTree.child(tree.path(parent), name);
    int wd = addWatch(root.resolve(top));
    if (wd == GONE) {
      retries.add(new Retry(parent, name));
    }
    if (wd < 0) {
      return;
    }
    WatchTree.Dir dir = tree.attachListed(parent, name, wd);
    if (dir != null) {
      crawl(dir, top, true, out);
    } else { // a directory the events place elsewhere, not the one created here
      listedElsewhere.put(wd, new Retry(parent, name));
    }
  }

  /**
   * Whether the directory at root-relative {@code path} now is the one {@code dir} watches (the
   * kernel gives the same wd for the same inode).
   */
  boolean isWatchedAt(WatchTree.Dir dir, String path) throws EngineException {
    return addWatch(root.resolve(path)) == dir.wd;
  }

  /**
   * Whether the directory a paired rename took to {@code path} can be {@code dir}: the one there
   * now is (same wd), or nothing is there any more (it moved on or went away since, and that
   * event is still queued: the kernel's pairing is all we have to go on).
   */
  boolean mayHaveBeenMovedTo(WatchTree.Dir dir, String path) throws EngineException {
    int wd = addWatch(root.resolve(path));
    return wd == dir.wd || wd < 0;
  }

  /**
   * {@code moved}'s MOVED_FROM is being read, and a listing saw it elsewhere in the root: link
   * it there at once, so what the queue holds for it after the rename gets the path it has now,
   * and return that path. A MOVED_TO that follows moves it on to where it went first; none (it
   * went to a directory not watched yet) makes it a rename to here. Null, and nothing done, when
   * no listing saw it, or the place left the root or lies inside {@code moved} itself.
   */
  String linkWhereListed(WatchTree.Dir moved) {
    Retry seen = listedElsewhere.get(moved.wd);
    if (seen == null || tree.get(seen.parent().wd) != seen.parent()) {
      return null;
    }
    for (WatchTree.Dir d = seen.parent(); d != null; d = d.parent) {
      if (d == moved) {
        return null;
      }
    }
    String parentPath = tree.path(seen.parent());
    if (parentPath == null) {
      return null;
    }
    tree.move(moved, seen.parent(), seen.name());
    return WatchTree.child(parentPath, seen.name());
  }

  /** The rename {@link #linkWhereListed} linked {@code wd} for is reported: the place is used. */
  void forgetListed(int wd) {
    listedElsewhere.remove(wd);
  }

  /**
   * {@code moved} left its place and no MOVED_TO said where to. If a listing saw it under a
   * directory it still is in, link it there and report what it holds (true); else it left the
   * root.
   */
  boolean relinkWhereListed(WatchTree.Dir moved, EventBuffer out) throws EngineException {
    Retry seen = listedElsewhere.remove(moved.wd);
    if (seen == null || tree.get(seen.parent().wd) != seen.parent()) {
      return false;
    }
    String parentPath = tree.path(seen.parent());
    if (parentPath == null) {
      return false;
    }
    String path = WatchTree.child(parentPath, seen.name());
    if (!isWatchedAt(moved, path)) {
      return false;
    }
    tree.move(moved, seen.parent(), seen.name());
    crawl(moved, path, true, out);
    return true;
  }

  /** Another event for {@code parent/name} says it was deleted or moved away: stop retrying. */
  void cancelRetry(WatchTree.Dir parent, String name) {
    if (!retries.isEmpty()) {
      retries.removeIf(r -> r.parent() == parent && r.name().equals(name));
    }
  }

  /**
   * Tries the vanished directories again under their parents' current paths. With {@code last}
   * (the queue is drained and no rename is half-paired) a directory still missing is really gone.
   */
  void retry(EventBuffer out, boolean last) throws EngineException {
    if (retries.isEmpty()) {
      return;
    }
    List<Retry> todo = new ArrayList<>(retries);
    retries.clear();
    for (Retry r : todo) {
      if (tree.get(r.parent().wd) == r.parent() && tree.path(r.parent()) != null) {
        watchNew(r.parent(), r.name(), out);
      }
    }
    if (last) {
      retries.removeAll(todo); // failed again with nothing left to read: really gone
    }
  }

  private void crawl(WatchTree.Dir start, String startPath, boolean report, EventBuffer out)
      throws EngineException {
    Set<Integer> seen = new HashSet<>();
    ArrayDeque<WatchTree.Dir> dirs = new ArrayDeque<>();
    ArrayDeque<String> paths = new ArrayDeque<>();
    dirs.push(start);
    paths.push(startPath);
    seen.add(start.wd);
    while (!dirs.isEmpty()) {
      WatchTree.Dir dir = dirs.pop();
      String dirPath = paths.pop();
      List<Entry> entries = list(root.resolve(dirPath));
      if (entries == null) {
        if (report && dir != tree.root()) {
          retries.add(new Retry(dir.parent, dir.name)); // path went stale between watch and list
        }
        continue;
      }
      for (Entry e : entries) {
        String path = WatchTree.child(dirPath, e.name());
        if (report) {
          dir.markListed(e.name());
          out.add(FsEvent.of(FsEvent.Kind.CREATE, path, e.dir(), 0));
        }
        if (!e.dir()) {
          continue;
        }
        int wd = addWatch(root.resolve(path));
        if (wd == GONE && report) {
          retries.add(new Retry(dir, e.name()));
        }
        // seen: a bind mount can show a directory again below itself; watch it once.
        if (wd >= 0 && seen.add(wd) && wd != tree.root().wd) {
          WatchTree.Dir child =
              report ? tree.attachListed(dir, e.name(), wd) : tree.attach(dir, e.name(), wd);
          if (child != null) {
            dirs.push(child);
            paths.push(path);
          } else {
            listedElsewhere.put(wd, new Retry(dir, e.name()));
          }
        }
      }
      if (report) {
        listedDirs.add(dir);
      }
    }
    if (report) {
      lastListingEndNanos = System.nanoTime();
    }
  }

  /**
   * A read that started at {@code drainStartNanos} emptied the queue. If that was after the last
   * listing, every kernel CREATE a listing could duplicate has been read: forget listed names
   * (and, once no MOVED_FROM waits, where listings saw directories placed elsewhere).
   */
  void onDrained(long drainStartNanos, boolean noRenamePending) {
    if (drainStartNanos - lastListingEndNanos > 0) {
      for (WatchTree.Dir d : listedDirs) {
        d.listed = null;
      }
      listedDirs.clear();
      if (noRenamePending) {
        listedElsewhere.clear(); // every rename queued before the listings has been paired
      }
    }
  }

  private static final int GONE = -1;
  private static final int SKIPPED = -2;

  /**
   * The wd; {@link #GONE} when nothing is at the path (deleted, or an ancestor renamed), or
   * {@link #SKIPPED} when it is not a directory any more or cannot be watched.
   */
  private int addWatch(Path dir) throws EngineException {
    try {
      return Inotify.addWatch(fd, dir.toString(), MASK);
    } catch (ErrnoException e) {
      switch (e.errno()) {
        case ErrnoException.ENOENT:
          return GONE;
        case ErrnoException.ENOTDIR, ErrnoException.ELOOP:
          return SKIPPED;
        case ErrnoException.EACCES:
          // Not fatal for the rest of the tree, but loud: changes under it are not reported.
          log.warn("not watching {}: permission denied; changes below it are not reported", dir);
          return SKIPPED;
        default:
          throw InotifyErrors.addWatch(e, dir, procSys);
      }
    }
  }

  private record Entry(String name, boolean dir) {}

  /**
   * As {@link #list}, telling directories by the kernel's d_type: a stat only where the
   * filesystem leaves it unknown, instead of one per file (100k files: ~100k lstat calls, most of
   * this engine's start-up).
   */
  private static List<Entry> listByType(Path dir) {
    List<DirectoryEntries.Entry> raw;
    try {
      raw = DirectoryEntries.list(dir);
    } catch (ErrnoException e) {
      switch (e.errno()) {
        case ErrnoException.ENOENT, ErrnoException.ENOTDIR, ErrnoException.ELOOP -> {
          return null;
        }
        default -> {
          log.warn("cannot list {}: {}; entries already in it are not reported", dir, e.getMessage());
          return List.of();
        }
      }
    }
    List<Entry> entries = new ArrayList<>(raw.size());
    for (DirectoryEntries.Entry e : raw) {
      boolean isDir = e.type() == DirectoryEntries.DT_DIR
          || (e.type() == DirectoryEntries.DT_UNKNOWN
              && Files.isDirectory(dir.resolve(e.name()), LinkOption.NOFOLLOW_LINKS));
      entries.add(new Entry(e.name(), isDir));
    }
    return entries;
  }

  /** The entries, or null when the directory is not at this path any more. */
  private static List<Entry> list(Path dir) {
    if (DirectoryEntries.isAvailable()) {
      return listByType(dir);
    }
    List<Entry> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path p : stream) {
        try {
          BasicFileAttributes a =
              Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          entries.add(new Entry(p.getFileName().toString(), a.isDirectory()));
        } catch (IOException gone) {
          // Deleted between readdir and stat: its DELETE event is queued behind our watch.
        }
      }
    } catch (NoSuchFileException | NotDirectoryException gone) {
      return null;
    } catch (IOException unreadable) {
      log.warn("cannot list {}: {}; entries already in it are not reported", dir, unreadable);
    }
    return entries;
  }
}
