package io.tidemark.agent.engine.inotify;

import io.tidemark.agent.engine.FsEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Events waiting to go to the sink, in kernel order. A MOVED_FROM reserves a slot at its own
 * position that is filled once it pairs (or times out), and nothing after an open slot is
 * delivered before it: a consumer must see "a moved away" before a new "a" is created.
 */
final class EventBuffer {
  private ArrayList<FsEvent> events = new ArrayList<>(1024);
  /** Absolute index of {@code events.get(0)}: slots keep their number across drains. */
  private long base;
  private int open;

  void add(FsEvent event) {
    events.add(event);
  }

  /** Reserves a position for an event known later; returns its ticket for {@link #fill}. */
  long reserve() {
    events.add(null);
    open++;
    return base + events.size() - 1;
  }

  void fill(long ticket, FsEvent event) {
    int i = (int) (ticket - base);
    if (events.get(i) != null) {
      throw new IllegalStateException("slot " + ticket + " already filled");
    }
    events.set(i, event);
    open--;
  }

  boolean isEmpty() {
    return events.isEmpty();
  }

  /** Takes every event before the first open slot; empty when there is none. */
  List<FsEvent> drainReady() {
    if (open == 0) {
      List<FsEvent> all = events;
      base += all.size();
      events = new ArrayList<>(Math.max(1024, all.size()));
      return all;
    }
    int firstOpen = events.indexOf(null);
    if (firstOpen == 0) {
      return List.of();
    }
    List<FsEvent> ready = new ArrayList<>(events.subList(0, firstOpen));
    events.subList(0, firstOpen).clear();
    base += firstOpen;
    return ready;
  }
}
