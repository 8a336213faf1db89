package io.tidemark.agent.engine;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * When an engine's reader waits a little before its next read. In a burst, small reads mean waking
 * once per handful of events, and those wakeups (not the parsing) become most of the reader's
 * cost: a short pause lets the kernel queue fill. But a pause after the first read of a quiet
 * moment would delay the events right behind it (a file's close after its create) and so add to
 * the latency replication is measured on. So it pauses only after a small read that followed
 * another small read closely: inside a burst, never at its start.
 */
public final class ReadPacer {
  /** Two small reads closer than this are a burst. */
  static final long BURST_GAP_NANOS = 1_000_000;

  private final int smallBelow;
  private final long pauseNanos;
  private final LongConsumer park;
  private long lastSmallRead;
  private boolean haveSmallRead;

  public ReadPacer(int smallBelow, long pauseNanos) {
    this(smallBelow, pauseNanos, LockSupport::parkNanos);
  }

  ReadPacer(int smallBelow, long pauseNanos, LongConsumer park) {
    this.smallBelow = smallBelow;
    this.pauseNanos = pauseNanos;
    this.park = park;
  }

  /** After a read of {@code bytes} finished at {@code nowNanos}, and its events were delivered. */
  public void afterRead(int bytes, long nowNanos) {
    if (bytes <= 0 || bytes >= smallBelow) {
      haveSmallRead = false; // a big read: the queue is filling on its own
      return;
    }
    boolean inBurst = haveSmallRead && nowNanos - lastSmallRead < BURST_GAP_NANOS;
    haveSmallRead = true;
    lastSmallRead = nowNanos;
    if (inBurst) {
      park.accept(pauseNanos);
    }
  }
}
