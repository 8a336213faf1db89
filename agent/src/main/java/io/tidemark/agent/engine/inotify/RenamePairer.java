package io.tidemark.agent.engine.inotify;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MOVED_FROM halves waiting for the MOVED_TO with the same cookie. The kernel queues both halves
 * of a rename back to back, so a half still alone after {@code timeoutNanos}, once a read that
 * started after that deadline has drained the queue, was a move out of the root. Time is passed
 * in (System.nanoTime() in production) so tests need no clock.
 */
final class RenamePairer {

  /** A MOVED_FROM seen: where it was, and the output slot its event goes in. */
  record Pending(
      int cookie, WatchTree.Dir fromDir, String name, String fromPath, boolean dir,
      WatchTree.Dir movedDir, long slot, long deadlineNanos) {}

  private final long timeoutNanos;
  /** Insertion order is deadline order: every entry gets the same timeout. */
  private final Map<Integer, Pending> byCookie = new LinkedHashMap<>();

  RenamePairer(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  void moveFrom(
      int cookie, WatchTree.Dir fromDir, String name, String fromPath, boolean dir,
      WatchTree.Dir movedDir, long slot, long nowNanos) {
    byCookie.put(
        cookie, new Pending(cookie, fromDir, name, fromPath, dir, movedDir, slot,
            nowNanos + timeoutNanos));
  }

  /** The MOVED_FROM matching a MOVED_TO, removed; null when the MOVED_TO is a move in. */
  Pending moveTo(int cookie) {
    return byCookie.remove(cookie);
  }

  boolean isEmpty() {
    return byCookie.isEmpty();
  }

  /** Milliseconds until the oldest deadline (at least 1), or -1 (wait forever) when none. */
  int pollTimeoutMillis(long nowNanos) {
    if (byCookie.isEmpty()) {
      return -1;
    }
    long deadline = byCookie.values().iterator().next().deadlineNanos();
    long millis = (deadline - nowNanos + 999_999) / 1_000_000;
    return (int) Math.max(1, Math.min(millis, Integer.MAX_VALUE));
  }

  /**
   * Removes and returns the halves whose deadline is at or before {@code drainedAtNanos}, the
   * start time of a read (or poll) that found the queue empty.
   */
  List<Pending> expire(long drainedAtNanos) {
    List<Pending> expired = new ArrayList<>();
    Iterator<Pending> it = byCookie.values().iterator();
    while (it.hasNext()) {
      Pending p = it.next();
      if (p.deadlineNanos() - drainedAtNanos > 0) {
        break;
      }
      expired.add(p);
      it.remove();
    }
    return expired;
  }

  /** Everything pending, removed (overflow or shutdown: no MOVED_TO is coming). */
  List<Pending> expireAll() {
    List<Pending> all = new ArrayList<>(byCookie.values());
    byCookie.clear();
    return all;
  }
}
