package io.tidemark.agent.service;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What the agent's front doors (gRPC JournalService, the git fsmonitor endpoint, the CLI) may ask
 * of the journal. Implemented by the agent runtime over the RocksDB journal; the front doors only
 * validate, delegate and map errors.
 */
public interface JournalQueries {

  /** The cursor a client holds to mean "now". */
  String currentCursor();

  /**
   * Every change after {@code since} under {@code pathPrefix} ("" for all), at most {@code limit}
   * ({@code more} says when cut), or {@code freshInstance} when the journal cannot answer for
   * that cursor (another epoch, or compacted past it).
   *
   * @throws IllegalArgumentException (its message says what a cursor looks like) when
   *     {@code since} is not a cursor this agent could have issued
   */
  ChangesPage changesSince(String since, String pathPrefix, int limit);

  /**
   * Completes once every write made before the call has been journalled (a cookie file written
   * in the root has come through the pipeline); fails with a {@link
   * java.util.concurrent.TimeoutException} after {@code timeout}.
   */
  CompletableFuture<Void> syncToNow(Duration timeout);

  /**
   * Calls {@code listener} (from any thread, must not block) each time the journal grows, until
   * the returned handle is closed. Used to push Subscribe streams.
   */
  AutoCloseable onAppend(Runnable listener);

  AgentStatus status();
}
