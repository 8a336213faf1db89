package io.tidemark.agent.watch;

import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.ChangeKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Turns engine events into the net {@link Change}s of one watch root, per settle window.
 *
 * <p>Pure and single-threaded: time comes in as {@code nowNanos} (any monotonic origin) and the
 * owner calls {@link #drain} when {@link #nextDeadlineNanos()} has passed.
 *
 * <p><b>Model.</b> Structural records (CREATED, DELETED, RENAMED) are kept in arrival order, each
 * with its paths as they were <em>at its own position</em>; replaying them in that order is always
 * correct. Content (MODIFIED, ATTRIB) is kept apart, keyed by the <em>current</em> path, and is
 * published after the structural records, where the current path is valid. Coalescing rewrites a
 * structural record only where nothing later depends on it:
 *
 * <ul>
 *   <li>A CREATED record is <em>free</em> until something later depends on its subtree (a rename
 *       out of it or into it, a sure delete inside it): then it is <em>anchored</em>. A free
 *       created path that is deleted vanishes with everything created below it (leaving an
 *       unsure DELETED of its own name, see below); one that is renamed is re-created under the
 *       new name at the end (create a, rename a→b → DELETED a, CREATED b).
 *   <li>A RENAMED record that is still the last structural record takes a further rename of its
 *       target in place (a→b→c → a→c; a→b→a → nothing).
 *   <li>A deleted file re-created as a file becomes MODIFIED (replaced); other type changes stay
 *       DELETED + CREATED.
 *   <li>A directory delete drops the pending records below it: one DELETED.
 *   <li>A directory rename re-keys everything pending below it, so later events under the new name
 *       merge with them.
 * </ul>
 *
 * <p>Renames and creates do not say whether they replaced an existing target: a move-in from
 * outside onto an existing name is a plain CREATE, and an engine may report a CREATE again for
 * what it reported before. Unless a delete of the path earlier in the same window says it was
 * free, a created path is <em>unsure</em>. Where collapsing would hide such a replacement, a
 * DELETED of the name is published instead of nothing: a created-then-deleted path leaves an
 * unsure DELETED, and so does the intermediate name of a collapsed rename. That is a delete of a
 * path that may not exist, which consumers treat as a no-op and {@code ChangeJournal.append}
 * drops when its index does not know the path (so temporary files still leave nothing in the
 * journal).
 *
 * <p><b>Open files.</b> MODIFY opens a write; CLOSE_WRITE ends it. Content of a file still open
 * is held back until it is closed or {@link CoalescerSettings#writeHold()} has passed since its
 * first unpublished write; a CREATED record is published on time regardless, and the content
 * follows as MODIFIED.
 *
 * <p><b>Early close.</b> An idle window whose writes are all closed (no file open for writing,
 * every file created in the window closed by its creator) ends {@link
 * CoalescerSettings#closedGrace()} after its latest event rather than at its full width.
 */
public final class Coalescer {

  private static final long NONE = Long.MAX_VALUE;

  /**
   * A structural record. {@code path}/{@code from} are as of its position; {@code key} is now.
   * {@code unsure}: for CREATED/RENAMED, the target may have existed and been replaced; for
   * DELETED, the path may not have existed.
   */
  private static final class Rec {
    final long seq;
    final ChangeKind kind;
    final String path;
    final String from;
    final boolean dir;
    final boolean unsure;
    String key;
    boolean anchored;

    Rec(long seq, ChangeKind kind, String path, String from, boolean dir, boolean unsure) {
      this.seq = seq;
      this.kind = kind;
      this.path = path;
      this.from = from;
      this.dir = dir;
      this.unsure = unsure;
      this.key = path;
    }
  }

  /** Pending content of one current path. */
  private static final class Content {
    boolean modified;
    boolean attrib;
    boolean dir;
    boolean open;
    long holdDeadline = NONE;
  }

  private final CoalescerSettings settings;
  private final SettleWindow window;
  private final long holdNanos;
  private final TreeMap<Long, Rec> log = new TreeMap<>();
  private final TreeMap<String, Rec> live = new TreeMap<>();
  private final TreeMap<String, Rec> tombs = new TreeMap<>();
  private final TreeMap<String, Content> content = new TreeMap<>();
  /** Files created in this window whose creator has not closed them yet (by current path). */
  private final TreeMap<String, Boolean> unclosedCreates = new TreeMap<>();
  private final long graceNanos;
  private long seq;
  /** The open window's full end; {@link #windowDeadline} is that or earlier (early close, force). */
  private long windowEnd = NONE;
  private long windowDeadline = NONE;
  private boolean overflow;
  private boolean forcing;

  public Coalescer(CoalescerSettings settings) {
    this.settings = settings;
    this.window = new SettleWindow(settings);
    this.holdNanos = settings.writeHold().toNanos();
    this.graceNanos = settings.closedGrace().toNanos();
  }

  /** Takes one engine batch, in order. */
  public void accept(List<FsEvent> batch, long nowNanos) {
    if (batch.isEmpty()) {
      return;
    }
    if (windowDeadline == NONE) {
      windowEnd = window.open(nowNanos);
      windowDeadline = windowEnd;
    }
    window.count(batch.size());
    for (FsEvent e : batch) {
      apply(e, nowNanos);
    }
    if (overflow || pendingSize() >= settings.maxPendingPaths()) {
      windowDeadline = Math.min(windowDeadline, nowNanos);
    } else if (window.idle() && windowDeadline >= nowNanos) {
      windowDeadline = allClosed() ? Math.min(windowEnd, nowNanos + graceNanos) : windowEnd;
    }
  }

  /** Pending sets this large are not scanned for {@link #allClosed}: a burst, not a lone write. */
  private static final int EARLY_CLOSE_MAX_PENDING = 64;

  /** Nothing pending is still being written: no open file, no created file left unclosed. */
  private boolean allClosed() {
    if (!unclosedCreates.isEmpty() || pendingSize() > EARLY_CLOSE_MAX_PENDING) {
      return false;
    }
    for (Content c : content.values()) {
      if (c.open) {
        return false;
      }
    }
    return true;
  }

  /**
   * The changes due at {@code nowNanos}, in replay order: structural changes in the order they
   * happened (a directory rename before changes under its new name), then content changes by
   * current path. Empty when nothing is due.
   */
  public List<Change> drain(long nowNanos) {
    boolean windowDue = windowDeadline != NONE && nowNanos >= windowDeadline;
    boolean holdDue = windowDeadline == NONE && earliestHold() <= nowNanos;
    if (!windowDue && !holdDue) {
      return List.of();
    }
    List<Change> out = new ArrayList<>(log.size() + content.size());
    for (Rec r : log.values()) {
      switch (r.kind) {
        case CREATED -> {
          out.add(Change.of(ChangeKind.CREATED, r.path, r.dir));
          Content c = live.get(r.key) == r ? content.get(r.key) : null;
          if (c != null && !held(c, nowNanos)) {
            content.remove(r.key);
          }
        }
        case RENAMED -> out.add(Change.renamed(r.from, r.path, r.dir));
        default -> out.add(Change.of(r.kind, r.path, r.dir));
      }
    }
    var it = content.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Content> e = it.next();
      Content c = e.getValue();
      if (held(c, nowNanos)) {
        continue;
      }
      out.add(Change.of(c.modified ? ChangeKind.MODIFIED : ChangeKind.ATTRIB, e.getKey(), c.dir));
      it.remove();
    }
    log.clear();
    live.clear();
    tombs.clear();
    unclosedCreates.clear();
    if (windowDeadline != NONE) {
      window.close(nowNanos);
      windowDeadline = NONE;
      windowEnd = NONE;
    }
    return out;
  }

  /**
   * Everything pending, due or not, files still open for writing included: for sync-to-now (a
   * query must see every write made before it) and for an overflow's reconcile.
   */
  public List<Change> drainAll(long nowNanos) {
    if (pendingSize() == 0) {
      return List.of();
    }
    if (windowDeadline == NONE) {
      windowEnd = window.open(nowNanos);
      windowDeadline = windowEnd;
    }
    windowDeadline = Math.min(windowDeadline, nowNanos);
    forcing = true;
    try {
      return drain(nowNanos);
    } finally {
      forcing = false;
    }
  }

  /** When {@link #drain} next has something to publish; {@link Long#MAX_VALUE} if never. */
  public long nextDeadlineNanos() {
    return windowDeadline != NONE ? windowDeadline : earliestHold();
  }

  /** An overflow was seen: events were lost, the owner must reconcile the root. */
  public boolean overflowPending() {
    return overflow;
  }

  /** The owner has started the reconcile that the overflow asked for. */
  public void overflowHandled() {
    overflow = false;
  }

  /** Records pending (structural, tombstones, content): the memory bound. */
  public int pendingSize() {
    return log.size() + content.size();
  }

  /** The width the next settle window would have; for tests and metrics. */
  long currentWindowNanos() {
    return window.width();
  }

  private boolean held(Content c, long now) {
    return !forcing && c.open && now < c.holdDeadline;
  }

  private long earliestHold() {
    long min = NONE;
    for (Content c : content.values()) {
      if (c.open && c.holdDeadline < min) {
        min = c.holdDeadline;
      }
    }
    return min;
  }

  private void apply(FsEvent e, long now) {
    switch (e.kind()) {
      case CREATE -> {
        create(e.path(), e.dir());
        if (!e.dir()) {
          unclosedCreates.put(e.path(), Boolean.TRUE);
        }
      }
      case MODIFY -> {
        Content c = content(e.path(), e.dir());
        c.modified = true;
        if (!c.open) {
          c.open = true;
          c.holdDeadline = now + holdNanos;
        }
      }
      case CLOSE_WRITE -> {
        unclosedCreates.remove(e.path());
        Content c = content(e.path(), e.dir());
        c.modified = true;
        c.open = false;
        c.holdDeadline = NONE;
      }
      case ATTRIB -> content(e.path(), e.dir()).attrib = true;
      case DELETE -> delete(e.path(), e.dir());
      case RENAME -> {
        if (e.path() == null) {
          delete(e.from(), e.dir());
        } else if (e.from() == null) {
          create(e.path(), e.dir());
        } else if (!e.from().equals(e.path())) {
          rename(e.from(), e.path(), e.dir());
        }
      }
      case OVERFLOW -> overflow = true;
    }
  }

  private Content content(String path, boolean dir) {
    Content c = content.computeIfAbsent(path, k -> new Content());
    c.dir = dir;
    return c;
  }

  private Rec append(ChangeKind kind, String path, String from, boolean dir, boolean unsure) {
    Rec r = new Rec(++seq, kind, path, from, dir, unsure);
    log.put(r.seq, r);
    return r;
  }

  private void create(String p, boolean dir) {
    Rec existing = live.get(p);
    if (existing != null) {
      if (existing.dir == dir) {
        // The engine told us twice (listing after add-watch, moved-in tree), or something moved
        // in from outside replaced it: a CREATED says enough, a renamed-in file's content is new.
        if (existing.kind != ChangeKind.CREATED && !dir) {
          content(p, false).modified = true;
        }
        return;
      }
      delete(p, existing.dir);
    }
    Rec tomb = tombs.remove(p);
    if (tomb != null && !tomb.unsure && !tomb.dir && !dir) {
      log.remove(tomb.seq); // delete + create of a file: replaced
      content(p, false).modified = true;
      return;
    }
    if (tomb != null && tomb.unsure) {
      log.remove(tomb.seq); // CREATED replaces whatever may be there
    }
    // Only a sure delete in this window tells us the path was free; otherwise the CREATE may
    // have replaced something (a move-in from outside onto an existing name is a plain CREATE).
    boolean unsure = tomb == null || tomb.unsure;
    Rec r = append(ChangeKind.CREATED, p, null, dir, unsure);
    live.put(p, r);
    detachTombsBelow(p);
  }

  private void delete(String p, boolean dir) {
    removeSubtree(content, p, true);
    removeSubtree(unclosedCreates, p, true);
    for (Rec t : removeSubtree(tombs, p, false)) {
      log.remove(t.seq); // the directory's own DELETED covers it
    }
    for (Rec r : removeSubtree(live, p, false)) {
      if (r.kind == ChangeKind.CREATED && !r.anchored) {
        log.remove(r.seq);
      }
    }
    Rec r = live.remove(p);
    boolean unsure = false;
    if (r != null && r.kind == ChangeKind.CREATED && !r.anchored) {
      log.remove(r.seq); // created and deleted inside the window: nothing ...
      if (!r.unsure) {
        return; // ... the path was known to be free before (its DELETED is still in the log)
      }
      unsure = true; // ... unless the CREATE replaced something: that is gone now
    }
    Rec tomb = append(ChangeKind.DELETED, p, null, dir, unsure);
    tombs.put(p, tomb);
    if (!unsure) {
      // An unsure DELETED depends on nothing above it (a delete of a missing path is a no-op),
      // so it leaves a created parent free: a temporary directory still nets to one DELETED.
      anchorAncestors(parent(p));
    }
  }

  private void rename(String from, String to, boolean dir) {
    // The target, if we know it exists, is replaced.
    removeSubtree(content, to, true);
    removeSubtree(unclosedCreates, to, true);
    moveUnclosed(from, to);
    Rec replaced = live.remove(to);
    boolean targetFree = false;
    if (replaced != null && replaced.kind == ChangeKind.CREATED && !replaced.anchored) {
      for (Rec r : removeSubtree(live, to, false)) {
        log.remove(r.seq);
      }
      log.remove(replaced.seq);
      targetFree = !replaced.unsure;
    }
    Rec tombAtTo = tombs.remove(to);
    detachTombsBelow(to);
    boolean unsure = (tombAtTo == null || tombAtTo.unsure) && !targetFree;
    Rec r = live.get(from);
    if (r != null && r.kind == ChangeKind.CREATED && !r.anchored) {
      if (r.unsure) {
        // r replaced something that existed at `from`: that is still gone.
        tombs.put(from, append(ChangeKind.DELETED, from, null, r.dir, true));
      }
      recreateUnder(from, to, unsure);
      if (tombAtTo != null && !tombAtTo.unsure && !tombAtTo.dir && !dir) {
        Rec created = live.get(to);
        log.remove(created.seq);
        live.remove(to);
        log.remove(tombAtTo.seq);
        content(to, false).modified = true;
      }
      return;
    }
    if (r != null && r.kind == ChangeKind.RENAMED && log.lastKey() == r.seq
        && !related(r.from, to)) {
      log.remove(r.seq);
      live.remove(from);
      rekey(from, to);
      if (r.unsure) {
        // r may have replaced an existing `from`; keep that replacement visible.
        tombs.put(from, append(ChangeKind.DELETED, from, null, r.dir, true));
      }
      if (!r.from.equals(to)) {
        anchorAncestors(parent(to));
        live.put(to, append(ChangeKind.RENAMED, to, r.from, r.dir, unsure));
      }
      return;
    }
    if (r != null) {
      r.anchored = true;
      live.remove(from);
    }
    anchorAncestors(parent(from));
    anchorAncestors(parent(to));
    rekey(from, to);
    Rec moved = append(ChangeKind.RENAMED, to, from, dir, unsure);
    live.put(to, moved);
  }

  /**
   * A record just put at {@code p} replaces its subtree for consumers, so the deletes below it
   * are history: they stay in the log, but a later create below {@code p} is something new, not
   * the "delete + create = modified" of a path consumers still know.
   */
  private void detachTombsBelow(String p) {
    children(tombs, p).clear();
  }

  /** A free created subtree at {@code from} is re-created at {@code to}, at the end. */
  private void recreateUnder(String from, String to, boolean unsure) {
    List<Rec> subtree = new ArrayList<>(removeSubtree(live, from, false));
    subtree.add(live.remove(from));
    subtree.sort(Comparator.comparingLong(x -> x.seq));
    moveContent(from, to);
    for (Rec old : subtree) {
      log.remove(old.seq);
      String path = to + old.key.substring(from.length());
      boolean top = path.equals(to);
      live.put(path, append(ChangeKind.CREATED, path, null, old.dir, top && unsure));
    }
  }

  /** Everything pending at or below {@code from} is now at or below {@code to}. */
  private void rekey(String from, String to) {
    for (Rec r : removeSubtree(live, from, false)) {
      r.key = to + r.key.substring(from.length());
      live.put(r.key, r);
    }
    for (Rec t : removeSubtree(tombs, from, false)) {
      t.key = to + t.key.substring(from.length());
      tombs.put(t.key, t);
    }
    moveContent(from, to);
  }

  /** Files being created at or below {@code from} are now at or below {@code to}. */
  private void moveUnclosed(String from, String to) {
    NavigableMap<String, Boolean> below = children(unclosedCreates, from);
    List<String> moved = new ArrayList<>(below.keySet());
    below.clear();
    if (unclosedCreates.remove(from) != null) {
      moved.add(from);
    }
    for (String k : moved) {
      unclosedCreates.put(to + k.substring(from.length()), Boolean.TRUE);
    }
  }

  private void moveContent(String from, String to) {
    Content own = content.remove(from);
    NavigableMap<String, Content> below = children(content, from);
    // A copy: TreeMap recycles its entry objects when removing.
    Map<String, Content> moved = new TreeMap<>(below);
    below.clear();
    if (own != null) {
      content.put(to, own);
    }
    moved.forEach((k, c) -> content.put(to + k.substring(from.length()), c));
  }

  /** Anchors every live record at {@code p} or above it: something now depends on them. */
  private void anchorAncestors(String p) {
    for (String q = p; q != null; q = parent(q)) {
      Rec r = live.get(q);
      if (r != null) {
        r.anchored = true;
      }
    }
  }

  /** Removes and returns the entries strictly below {@code p} (and {@code p} itself if asked). */
  private static <V> List<V> removeSubtree(TreeMap<String, V> map, String p, boolean self) {
    NavigableMap<String, V> below = children(map, p);
    List<V> out = new ArrayList<>(below.values());
    below.clear();
    if (self) {
      V v = map.remove(p);
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }

  private static <V> NavigableMap<String, V> children(TreeMap<String, V> map, String p) {
    return map.subMap(p + "/", true, p + "0", false); // '0' follows '/'
  }

  /**
   * One path is at or below the other. A chain whose origin and final name are related (a/b/d →
   * a/c → a/b, once a/b was emptied) cannot collapse into one rename: no single rename does that.
   */
  private static boolean related(String p, String q) {
    return under(p, q) || under(q, p);
  }

  private static boolean under(String p, String dir) {
    return p.length() > dir.length() && p.startsWith(dir) && p.charAt(dir.length()) == '/';
  }

  private static String parent(String p) {
    int slash = p.lastIndexOf('/');
    return slash < 0 ? null : p.substring(0, slash);
  }
}
