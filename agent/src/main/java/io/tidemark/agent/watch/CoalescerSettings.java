package io.tidemark.agent.watch;

import java.time.Duration;
import java.util.Objects;

/**
 * How the {@link Coalescer} batches events.
 *
 * <p>The settle window adapts to load. The first event after at least {@code quietPeriod} without
 * a window opens a window of {@code minWindow}, so a lone write is journalled within
 * milliseconds. Each further window is twice as wide as the previous one when events arrived in
 * that one at {@code burstRate} events per second or more, half as wide otherwise, always within
 * {@code [minWindow, maxWindow]}: under a sustained burst the window reaches {@code maxWindow}
 * after a few windows and stays there, and falls back to {@code minWindow} once the load goes
 * away.
 *
 * <p>An idle window (at {@code minWindow}) ends sooner when nothing in it is still being written:
 * once no file is open for writing and every file created in it has been closed by its creator,
 * it closes {@code closedGrace} after the latest event. That is when a lone write, create, rename
 * or delete is complete, so it reaches the journal (and replicas) in well under {@code minWindow};
 * the grace still catches the next step of a multi-step save (write a temp file, close, rename it
 * over the original), which follows within microseconds.
 *
 * @param minWindow window opened by the first event after quiet
 * @param maxWindow widest window under a burst
 * @param burstRate events per second in one window that make the next one wider
 * @param quietPeriod a gap this long since the last window closed resets the window to {@code
 *     minWindow}
 * @param writeHold a file written but not closed is published after this long, and again every
 *     {@code writeHold} while the writes go on (logs)
 * @param maxPendingPaths past this many pending records, the window closes at once (memory bound)
 * @param closedGrace how long an idle window in which every write is closed waits for more events
 */
public record CoalescerSettings(
    Duration minWindow,
    Duration maxWindow,
    int burstRate,
    Duration quietPeriod,
    Duration writeHold,
    int maxPendingPaths,
    Duration closedGrace) {

  public CoalescerSettings {
    Objects.requireNonNull(minWindow, "minWindow");
    Objects.requireNonNull(maxWindow, "maxWindow");
    Objects.requireNonNull(quietPeriod, "quietPeriod");
    Objects.requireNonNull(writeHold, "writeHold");
    Objects.requireNonNull(closedGrace, "closedGrace");
    if (minWindow.isNegative() || maxWindow.compareTo(minWindow) < 0) {
      throw new IllegalArgumentException(
          "need 0 <= minWindow <= maxWindow, got " + minWindow + " and " + maxWindow);
    }
    if (burstRate < 1 || maxPendingPaths < 1 || writeHold.isNegative() || closedGrace.isNegative()) {
      throw new IllegalArgumentException(
          "burstRate and maxPendingPaths must be positive, writeHold and closedGrace not negative");
    }
  }

  /**
   * 2 ms when idle (250 µs once every write is closed), up to 50 ms under bursts of 2,000+
   * events/s, 2 s write hold, 100k paths.
   */
  public static CoalescerSettings defaults() {
    return new CoalescerSettings(
        Duration.ofMillis(2),
        Duration.ofMillis(50),
        2_000,
        Duration.ofMillis(100),
        Duration.ofSeconds(2),
        100_000,
        Duration.ofNanos(250_000));
  }

  public CoalescerSettings withWriteHold(Duration hold) {
    return new CoalescerSettings(
        minWindow, maxWindow, burstRate, quietPeriod, hold, maxPendingPaths, closedGrace);
  }

  public CoalescerSettings withMaxPendingPaths(int max) {
    return new CoalescerSettings(
        minWindow, maxWindow, burstRate, quietPeriod, writeHold, max, closedGrace);
  }

  public CoalescerSettings withClosedGrace(Duration grace) {
    return new CoalescerSettings(
        minWindow, maxWindow, burstRate, quietPeriod, writeHold, maxPendingPaths, grace);
  }
}
