package io.tidemark.agent.engine.fanotify;

import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Subtrees whose reported content may be <em>ahead</em> of the events still to be translated.
 *
 * <p>A listing (a tree moved in from outside) and a handle resolved by the kernel show the tree
 * as it is when the engine gets to them, which can be later than the events queued behind them:
 * a file already renamed, a directory already moved away. Replaying those queued events over the
 * listed tree is right for creates and deletes (they only repeat what the listing shows), but not
 * for a rename: its source may never have been reported (the listing saw it at its destination
 * already), and a rename from a path the consumer does not know loses what it carried. So a
 * rename touching a region is reported as "source gone, destination as it is now" instead (see
 * EventTranslator).
 *
 * <p>Each region belongs to the <em>window</em> (the read number) in which it was listed or
 * resolved. Once a later read has drained the queue, every event queued before that moment has
 * been translated, and the regions of the earlier windows are exact again: {@link #catchUp}.
 */
final class Regions {
  /** Absolute path → the latest window it was listed or resolved in. */
  private final TreeMap<String, Long> regions = new TreeMap<>();
  /**
   * Paths inside regions reported as existing (listed, created, renamed to): below a directory
   * whose path is ahead, the only ones the consumer can know, so the only ones a DELETE or a
   * move there may name.
   */
  private final TreeSet<String> reported = new TreeSet<>();

  boolean isEmpty() {
    return regions.isEmpty();
  }

  void add(String path, long window) {
    regions.merge(path, window, Math::max);
  }

  void reported(String path) {
    reported.add(path);
  }

  /** Whether {@code path} or something below it was reported. */
  boolean wasReported(String path) {
    if (reported.contains(path)) {
      return true;
    }
    String below = reported.ceiling(path + "/");
    return below != null && below.startsWith(path + "/");
  }

  /** Whether {@code path} is a region, lies inside one, or holds one. */
  boolean touch(String path) {
    if (regions.isEmpty()) {
      return false;
    }
    if (regions.containsKey(path)) {
      return true;
    }
    for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
      if (regions.containsKey(path.substring(0, slash))) {
        return true;
      }
    }
    String below = regions.ceilingKey(path + "/");
    return below != null && below.startsWith(path + "/");
  }

  /** Every event queued before window {@code window} began has been translated. */
  void catchUp(long window) {
    regions.values().removeIf(w -> w < window);
  }

  /**
   * No region is left and no directory path is ahead of the stream: nothing can name a path by
   * a position the consumer knows only from our reports any more.
   */
  void settled() {
    reported.clear();
  }

  void clear() {
    regions.clear();
    reported.clear();
  }

  int size() {
    return regions.size();
  }

  /** {@code p} is {@code ancestor} or lies below it. */
  static boolean atOrBelow(String p, String ancestor) {
    return p.equals(ancestor) || below(p, ancestor);
  }

  private static boolean below(String p, String ancestor) {
    return p.startsWith(ancestor)
        && (ancestor.endsWith("/") || (p.length() > ancestor.length() && p.charAt(ancestor.length()) == '/'));
  }
}
