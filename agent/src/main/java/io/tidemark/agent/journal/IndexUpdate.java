package io.tidemark.agent.journal;

import java.util.Map;
import java.util.function.Function;

/**
 * How one journalled change moves the path index. Every path whose state a change can alter gets
 * the change's seq, so "every path whose last seq is after the cursor" is a complete answer.
 *
 * <ul>
 *   <li>{@code CREATED}, {@code MODIFIED}, {@code ATTRIB}: the path is stat'ed now; a live entry
 *       with the new stat, or a tombstone if it is already gone. A path that is no longer a
 *       directory loses its children (tombstones).
 *   <li>{@code DELETED}: tombstones for the path and every entry below it.
 *   <li>{@code RENAMED}: tombstones for the old path and everything below it; live entries for the
 *       new path and, re-keyed, for every child the index knew below the old path (each stat'ed
 *       at its new path, one stat per moved child). Entries that were below the target are
 *       replaced. A path that is already gone again keeps what the index knew: a later change
 *       (there must be one) fixes it.
 * </ul>
 */
final class IndexUpdate {

  private IndexUpdate() {}

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
      delete(path, dir, seq, view);
      return;
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
      view.put(to, IndexEntry.tombstone(seq, dir));
    } else {
      putLive(to, stat, seq, view);
    }
    if (!dir && (stat == null || !stat.isDir())) {
      return;
    }
    for (Map.Entry<String, IndexEntry> e : moved.entrySet()) {
      String child = to + e.getKey().substring(from.length());
      FileStat childStat = statOrKnown(child, e.getValue(), statter);
      if (childStat != null) {
        view.put(child, IndexEntry.live(seq, seq, childStat));
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
