package io.tidemark.agent.engine.inotify;

import static io.tidemark.agent.linux.Inotify.IN_ATTRIB;
import static io.tidemark.agent.linux.Inotify.IN_CLOSE_WRITE;
import static io.tidemark.agent.linux.Inotify.IN_CREATE;
import static io.tidemark.agent.linux.Inotify.IN_DELETE;
import static io.tidemark.agent.linux.Inotify.IN_DELETE_SELF;
import static io.tidemark.agent.linux.Inotify.IN_IGNORED;
import static io.tidemark.agent.linux.Inotify.IN_ISDIR;
import static io.tidemark.agent.linux.Inotify.IN_MODIFY;
import static io.tidemark.agent.linux.Inotify.IN_MOVED_FROM;
import static io.tidemark.agent.linux.Inotify.IN_MOVED_TO;
import static io.tidemark.agent.linux.Inotify.IN_MOVE_SELF;
import static io.tidemark.agent.linux.Inotify.IN_Q_OVERFLOW;
import static io.tidemark.agent.linux.Inotify.IN_UNMOUNT;

import io.tidemark.agent.engine.EngineException;
import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.engine.FsEvent.Kind;
import io.tidemark.agent.linux.Inotify;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the records of one inotify read into {@link FsEvent}s: resolves wd + name to a root-relative
 * path, pairs renames by cookie, keeps the watch tree in step (new, renamed, moved-in, moved-out
 * and deleted directories) and drops the kernel CREATEs a listing already reported.
 */
final class EventTranslator {
  private static final Logger log = LoggerFactory.getLogger(EventTranslator.class);
  private final int fd;
  private final Path root;
  private final WatchTree tree;
  private final TreeWatcher watcher;
  private final RenamePairer pairer;
  private final EventBuffer out;
  private final byte[] nameBytes = new byte[256];
  /**
   * Directories whose MOVED_FROM waits for its MOVED_TO and that were linked at once where a
   * listing had seen them (→ that path): without a MOVED_TO, the rename went there.
   */
  private final Map<WatchTree.Dir, String> linkedWhereListed = new IdentityHashMap<>();

  EventTranslator(
      int fd, Path root, WatchTree tree, TreeWatcher watcher, RenamePairer pairer,
      EventBuffer out) {
    this.fd = fd;
    this.root = root;
    this.tree = tree;
    this.watcher = watcher;
    this.pairer = pairer;
    this.out = out;
  }

  /** Handles the {@code length} bytes of records at the start of {@code buf} (native order). */
  void translate(ByteBuffer buf, int length, long nowNanos) throws EngineException {
    int pos = 0;
    while (pos + Inotify.EVENT_HEADER <= length) {
      int wd = buf.getInt(pos);
      int mask = buf.getInt(pos + 4);
      int cookie = buf.getInt(pos + 8);
      int len = buf.getInt(pos + 12);
      String name = len == 0 ? null : name(buf, pos + Inotify.EVENT_HEADER, len);
      pos += Inotify.EVENT_HEADER + len;
      handle(wd, mask, cookie, name, nowNanos);
    }
    // Renames in this read are applied now: directories that vanished under a stale path can be
    // found under the new one.
    watcher.retry(out, false);
  }

  private String name(ByteBuffer buf, int start, int len) {
    int n = 0;
    while (n < len && buf.get(start + n) != 0) {
      n++;
    }
    buf.get(start, nameBytes, 0, n);
    return new String(nameBytes, 0, n, StandardCharsets.UTF_8);
  }

  void handle(int wd, int mask, int cookie, String name, long nowNanos) throws EngineException {
    if (log.isTraceEnabled()) {
      log.trace("wd={} mask={} cookie={} name={}", wd, Integer.toHexString(mask), cookie, name);
    }
    if ((mask & IN_Q_OVERFLOW) != 0) {
      overflow();
      return;
    }
    WatchTree.Dir dir = tree.get(wd);
    if (dir == null) {
      return; // a watch we already removed (moved-out tree): its queued events are moot
    }
    if (name == null) {
      onSelf(dir, mask);
      return;
    }
    String dirPath = tree.path(dir);
    if (dirPath == null) {
      return; // the directory left the root; what happens in it is not ours to report
    }
    boolean isDir = (mask & IN_ISDIR) != 0;
    String path = WatchTree.child(dirPath, name);
    if ((mask & IN_CREATE) != 0) {
      if (!dir.consumeListed(name)) { // else a listing reported it and watched what it holds
        out.add(FsEvent.of(Kind.CREATE, path, isDir, 0));
        if (isDir) {
          watcher.watchNew(dir, name, out);
        }
      }
    }
    if ((mask & IN_MODIFY) != 0) {
      out.add(FsEvent.of(Kind.MODIFY, path, isDir, 0));
    }
    if ((mask & IN_ATTRIB) != 0) {
      out.add(FsEvent.of(Kind.ATTRIB, path, isDir, 0));
    }
    if ((mask & IN_CLOSE_WRITE) != 0) {
      out.add(FsEvent.of(Kind.CLOSE_WRITE, path, isDir, 0));
    }
    if ((mask & IN_DELETE) != 0) {
      dir.consumeListed(name);
      watcher.cancelRetry(dir, name);
      if (isDir) {
        tree.unlink(dir, name);
      }
      out.add(FsEvent.of(Kind.DELETE, path, isDir, 0));
    }
    if ((mask & IN_MOVED_FROM) != 0) {
      dir.consumeListed(name);
      watcher.cancelRetry(dir, name);
      WatchTree.Dir moved = isDir ? dir.children.get(name) : null;
      if (moved != null) {
        String listed = watcher.linkWhereListed(moved);
        if (listed != null) {
          linkedWhereListed.put(moved, listed);
        } else {
          // Until its MOVED_TO says where it went (if it comes at all: a destination not watched
          // yet sends none), what happens in it has no path we know.
          tree.detach(moved);
        }
      }
      pairer.moveFrom(cookie, dir, name, path, isDir, moved, out.reserve(), nowNanos);
    }
    if ((mask & IN_MOVED_TO) != 0) {
      dir.consumeListed(name);
      movedTo(dir, name, path, isDir, pairer.moveTo(cookie));
    }
  }

  private void movedTo(
      WatchTree.Dir dir, String name, String path, boolean isDir, RenamePairer.Pending from)
      throws EngineException {
    if (from == null) { // moved in from outside the root
      out.add(FsEvent.of(Kind.CREATE, path, isDir, 0));
      if (isDir) {
        watcher.watchNew(dir, name, out);
      }
      return;
    }
    out.fill(from.slot(), FsEvent.rename(from.fromPath(), path, isDir, 0));
    if (!isDir) {
      return;
    }
    WatchTree.Dir moved = from.movedDir();
    boolean linkedAhead = moved != null && linkedWhereListed.remove(moved) != null;
    if (moved != null && tree.get(moved.wd) == moved
        && watcher.mayHaveBeenMovedTo(moved, path)) {
      tree.move(moved, dir, name);
    } else {
      if (linkedAhead && tree.get(moved.wd) == moved) {
        tree.detach(moved); // not the directory that came here: back to "where it is, unknown"
      }
      // We never had a watch on it (it raced its own creation), or the watch we took for it was
      // put on another directory that held its path by then (the queue was read late): watch
      // what is there now and report what it holds. A node left detached is linked again by
      // the event or listing that finds it where it really is.
      watcher.watchNew(dir, name, out);
    }
  }

  private void onSelf(WatchTree.Dir dir, int mask) throws EngineException {
    if ((mask & IN_UNMOUNT) != 0) {
      out.add(FsEvent.overflow()); // a filesystem vanished under us: the consumer must reconcile
    }
    if (dir == tree.root() && (mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) != 0) {
      throw new EngineException(
          "watch root " + root + " was deleted, moved or unmounted: recreate it and restart the"
              + " watch");
    }
    if ((mask & IN_IGNORED) != 0) {
      tree.forget(dir.wd);
    }
    // Other self events (ATTRIB, DELETE_SELF of a subdirectory) are reported by the parent's
    // watch with the entry's name; reporting them here too would duplicate them.
  }

  /** The queue (and the read that found it empty) started at {@code drainStartNanos}. */
  void onDrained(long drainStartNanos) throws EngineException {
    for (RenamePairer.Pending p : pairer.expire(drainStartNanos)) {
      movedOut(p);
    }
    watcher.retry(out, pairer.isEmpty());
    watcher.onDrained(drainStartNanos, pairer.isEmpty());
  }

  private void movedOut(RenamePairer.Pending p) throws EngineException {
    String listed = p.movedDir() == null ? null : linkedWhereListed.remove(p.movedDir());
    if (listed != null) {
      // linked there at its MOVED_FROM: what happened in it since was reported under that path
      out.fill(p.slot(), FsEvent.rename(p.fromPath(), listed, p.dir(), 0));
      watcher.forgetListed(p.movedDir().wd);
      return;
    }
    out.fill(p.slot(), FsEvent.rename(p.fromPath(), null, p.dir(), 0));
    // still detached: a listing of the directory it went to may have linked it there meanwhile,
    // or seen it there and left it alone because it was still linked here
    if (p.movedDir() != null && tree.get(p.movedDir().wd) == p.movedDir()
        && tree.path(p.movedDir()) == null && !watcher.relinkWhereListed(p.movedDir(), out)) {
      for (int wd : tree.removeSubtree(p.movedDir())) {
        Inotify.rmWatch(fd, wd);
      }
    }
  }

  /**
   * Events were lost. Say so, give up on unpaired renames (their halves may be among the lost),
   * and re-walk the tree so directories created in the gap get watches (add_watch on a watched
   * directory just returns its wd, and re-links it if it was renamed in the gap).
   */
  private void overflow() throws EngineException {
    for (RenamePairer.Pending p : pairer.expireAll()) {
      movedOut(p);
    }
    out.add(FsEvent.overflow());
    watcher.watchRoot();
  }
}
