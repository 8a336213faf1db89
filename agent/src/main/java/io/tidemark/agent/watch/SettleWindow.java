package io.tidemark.agent.watch;

/** The adaptive width of the settle window, as documented on {@link CoalescerSettings}. */
final class SettleWindow {

  private static final long SECOND = 1_000_000_000L;

  private final long minNanos;
  private final long maxNanos;
  private final long burstRate;
  private final long quietNanos;

  private long width;
  private long openedAt;
  private long eventsInWindow;
  private long lastCloseNanos;
  private boolean everClosed;

  SettleWindow(CoalescerSettings s) {
    this.minNanos = s.minWindow().toNanos();
    this.maxNanos = s.maxWindow().toNanos();
    this.burstRate = s.burstRate();
    this.quietNanos = s.quietPeriod().toNanos();
    this.width = minNanos;
  }

  /** A window opens at {@code now}; returns its deadline. */
  long open(long now) {
    if (!everClosed || now - lastCloseNanos >= quietNanos) {
      width = minNanos;
    }
    openedAt = now;
    eventsInWindow = 0;
    return now + width;
  }

  void count(int events) {
    eventsInWindow += events;
  }

  /** The open window was drained at {@code now}: size the next one. */
  void close(long now) {
    long span = Math.max(1, Math.max(width, now - openedAt));
    boolean burst = (double) eventsInWindow * SECOND / span >= burstRate;
    width = burst ? Math.min(maxNanos, Math.max(1, width) * 2) : Math.max(minNanos, width / 2);
    lastCloseNanos = now;
    everClosed = true;
  }

  long width() {
    return width;
  }

  /** The current window is the narrowest: no burst is going on. */
  boolean idle() {
    return width == minNanos;
  }
}
