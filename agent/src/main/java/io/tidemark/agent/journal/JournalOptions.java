package io.tidemark.agent.journal;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * How a {@link ChangeJournal} stores and trims.
 *
 * @param syncWrites fsync the write-ahead log on every {@code append} (the WAL is always on; without
 *     sync a machine crash, not a process crash, can lose the last appends)
 * @param maxEntries {@link ChangeJournal#compact()} keeps at most this many journal entries
 * @param maxAge {@link ChangeJournal#compact()} drops entries appended longer ago than this
 * @param maxTombstones {@link ChangeJournal#compact()} prunes index tombstones the journal no
 *     longer holds once there are more than this many, oldest first, and raises the horizon below
 *     which cursors get {@code freshInstance}; 0 prunes every one the journal no longer holds
 * @param clock time source for entry timestamps and age (injected so tests control it)
 */
public record JournalOptions(
    boolean syncWrites, long maxEntries, Duration maxAge, long maxTombstones,
    InstantSource clock) {

  public JournalOptions {
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(clock, "clock");
    if (maxEntries < 0) {
      throw new IllegalArgumentException("maxEntries must be >= 0: " + maxEntries);
    }
    if (maxTombstones < 0) {
      throw new IllegalArgumentException("maxTombstones must be >= 0: " + maxTombstones);
    }
  }

  /** Sync on, one million entries, 30 days, one million tombstones, system clock. */
  public static JournalOptions defaults() {
    return new JournalOptions(
        true, 1_000_000, Duration.ofDays(30), 1_000_000, InstantSource.system());
  }

  public JournalOptions withSyncWrites(boolean sync) {
    return new JournalOptions(sync, maxEntries, maxAge, maxTombstones, clock);
  }

  public JournalOptions withMaxEntries(long max) {
    return new JournalOptions(syncWrites, max, maxAge, maxTombstones, clock);
  }

  public JournalOptions withMaxAge(Duration age) {
    return new JournalOptions(syncWrites, maxEntries, age, maxTombstones, clock);
  }

  public JournalOptions withMaxTombstones(long max) {
    return new JournalOptions(syncWrites, maxEntries, maxAge, max, clock);
  }

  public JournalOptions withClock(InstantSource source) {
    return new JournalOptions(syncWrites, maxEntries, maxAge, maxTombstones, source);
  }
}
