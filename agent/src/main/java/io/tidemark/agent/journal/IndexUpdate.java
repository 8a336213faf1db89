package io.tidemark.agent.journal;

import java.util.Map;
import java.util.function.Function;

/**
 * How one journalled change moves the path index. Every path whose state a change can alter gets
 * the change's seq, so "every path whose last seq is after the cursor" is a complete answer.
 *
 * <p>The index follows the journal: a path is live in it exactly when replaying the journal
 * leaves the path existing; the stat is the latest one known. A path already gone again when its
 * change is appended therefore stays live with what the index knew (a later change, there must be
 * one, says it is gone), and a {@code DELETED} of a path with nothing live at or below it changes
 * nothing and is not journalled at all ({@link #isNoOp}).
 *
 * <ul>
 *   <li>{@code CREATED}, {@code MODIFIED}, {@code ATTRIB}: the path is stat'ed now; a live entry
 *       with the new stat (if it is already gone: the stat the index had, or an unknown one). A
 *       path that is no longer a directory loses its children (tombstones).
 *   <li>{@code DELETED}: tombstones for the path and every entry below it.
 *   <li>{@code RENAMED}: tombstones for the old path and everything below it; live entries for the
 *       new path (stat'ed) and, re-keyed with the stat the index had, for every child the index
 *       knew below the old path: a rename changes nothing of a child's inode, size, mtime or ctime,
 *       and a child written meanwhile has a change of its own that refreshes it (a stat per child
 *       made a 10,000-file directory rename cost ~0.4 s). Entries that were below the target are
 *       replaced. A path that is already gone again keeps what the index knew: a later change
 *       (there must be one) fixes it.
 * </ul>
 */
final class IndexUpdate {

  private IndexUpdate() {}

  /**
   * A {@code DELETED} of a path the index has nothing live at or below: the journal says it does
   * not exist already, so the change would tell nobody anything. The coalescer publishes such
   * deletes where a create may have replaced something (a file moved in onto an existing name,
   * then deleted); for a temporary file the index never knew, they vanish here.
   */
  static boolean isNoOp(Change c, IndexView view) {
    return c.kind() == ChangeKind.DELETED && !view.liveAtOrBelow(c.path());
  }

  static void apply(Change c, long seq, IndexView view, Function<String, FileStat> statter) {
    switch (c.kind()) {
      case CREATED, MODIFIED, ATTRIB -> refresh(c.path(), c.dir(), seq, view, statter);
      case DELETED -> delete(c.path(), c.dir(), seq, view);
      case RENAMED -> rename(c.from(), c.path(), c.dir(), seq, view, statter);
    }
  }

  private static void refresh(
      String path, boolean dir, long seq, IndexView view, Function<String, FileStat> statter) {
    FileStat stat = statter.apply(path);
    if (stat == null) {
      IndexEntry old = view.get(path);
      stat = old != null && !old.tombstone() ? old.stat() : FileStat.unknown(dir);
    }
    putLive(path, stat, seq, view);
    if (!stat.isDir()) {
      tombstoneBelow(path, seq, view);
    }
  }

  private static void delete(String path, boolean dir, long seq, IndexView view) {
    IndexEntry old = view.get(path);
    view.put(path, IndexEntry.tombstone(seq, dir || (old != null && old.isDir())));
    tombstoneBelow(path, seq, view);
  }

  private static void rename(
      String from, String to, boolean dir, long seq, IndexView view,
      Function<String, FileStat> statter) {
    IndexEntry old = view.get(from);
    Map<String, IndexEntry> moved = view.under(from);
    delete(from, dir, seq, view);
    tombstoneBelow(to, seq, view);
    FileStat stat = statOrKnown(to, old, statter);
    if (stat == null) {
      stat = FileStat.unknown(dir);
    }
    putLive(to, stat, seq, view);
    if (!dir && !stat.isDir()) {
      return;
    }
    for (Map.Entry<String, IndexEntry> e : moved.entrySet()) {
      IndexEntry known = e.getValue();
      if (!known.tombstone()) {
        view.put(to + e.getKey().substring(from.length()), IndexEntry.live(seq, seq, known.stat()));
      }
    }
  }

  /**
   * The stat of {@code path} now; if it is already gone again (moved on or deleted by a later
   * change, which will update the index in turn), what the index knew under its old name.
   */
  private static FileStat statOrKnown(
      String path, IndexEntry known, Function<String, FileStat> statter) {
    FileStat now = statter.apply(path);
    if (now != null) {
      return now;
    }
    return known == null || known.tombstone() ? null : known.stat();
  }

  private static void putLive(String path, FileStat stat, long seq, IndexView view) {
    IndexEntry old = view.get(path);
    long created = old == null || old.tombstone() ? seq : old.createdSeq();
    view.put(path, IndexEntry.live(seq, created, stat));
  }

  private static void tombstoneBelow(String dir, long seq, IndexView view) {
    for (Map.Entry<String, IndexEntry> e : view.under(dir).entrySet()) {
      IndexEntry old = e.getValue();
      if (!old.tombstone()) {
        view.put(e.getKey(), IndexEntry.tombstone(seq, old.isDir()));
      }
    }
  }
}
