package io.tidemark.agent.service;

import io.grpc.BindableService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The gRPC {@code JournalService} over one {@link JournalQueries}: build it here, bind {@link
 * #service()} to a server, read {@link #subscribers()} for status. The service itself is package
 * private (grpc-java's {@code HealthStatusManager} pattern).
 */
public final class JournalFrontDoor {

  /**
   * Tunables of the service.
   *
   * @param syncTimeout how long {@code Changes(sync=true)} waits for sync-to-now
   * @param defaultLimit changes per {@code Changes} answer when the request says 0
   * @param maxLimit the cap on a requested limit
   * @param batchLimit changes per {@code Subscribe} batch, which is also the most a subscriber
   *     that stops reading costs in memory
   */
  public record Settings(Duration syncTimeout, int defaultLimit, int maxLimit, int batchLimit) {
    public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(10), 10_000, 100_000, 1_000);

    public Settings {
      Objects.requireNonNull(syncTimeout, "syncTimeout");
      if (syncTimeout.isNegative() || syncTimeout.isZero()) {
        throw new IllegalArgumentException("syncTimeout must be positive: " + syncTimeout);
      }
      if (defaultLimit < 1 || maxLimit < defaultLimit || batchLimit < 1) {
        throw new IllegalArgumentException(
            "need 1 <= defaultLimit <= maxLimit and batchLimit >= 1: " + this);
      }
    }

    public Settings withSyncTimeout(Duration timeout) {
      return new Settings(timeout, defaultLimit, maxLimit, batchLimit);
    }

    public Settings withBatchLimit(int limit) {
      return new Settings(syncTimeout, defaultLimit, maxLimit, limit);
    }
  }

  private final JournalGrpcService service;

  private JournalFrontDoor(JournalGrpcService service) {
    this.service = service;
  }

  /**
   * @param journalReads where journal reads and sync completions run (they may block on disk);
   *     never a gRPC transport thread, and never a caller's thread that must not block
   */
  public static JournalFrontDoor create(
      JournalQueries journal, Executor journalReads, Settings settings) {
    return new JournalFrontDoor(new JournalGrpcService(journal, journalReads, settings));
  }

  public static JournalFrontDoor create(JournalQueries journal, Executor journalReads) {
    return create(journal, journalReads, Settings.DEFAULTS);
  }

  /** The {@code tidemark.v1.JournalService} implementation to add to a server. */
  public BindableService service() {
    return service;
  }

  /** Open {@code Subscribe} streams. */
  public int subscribers() {
    return service.subscribers();
  }
}
