package io.tidemark.peer.sync;

/** What a replica reports as it goes (CLI progress, tests). Called on the apply thread; must not block. */
public interface ReplicaListener {
  /** A checkpoint was applied and recorded; {@code caughtUp} when the source had nothing more. */
  default void applied(String cursor, boolean caughtUp) {}

  /** The source started an initial reconcile. */
  default void reconciling(String reason) {}

  /**
   * The initial reconcile's copy: {@code filesDone} of {@code files} that differed or were missing
   * have landed ({@code bytesDone} of {@code bytes}, by SRC's sizes). Called as files land; the
   * totals grow while the manifest streams in.
   */
  default void copying(long filesDone, long files, long bytesDone, long bytes) {}

  /** An instruction was refused (hostile path, ...); the stream goes on. */
  default void rejected(String path, String reason) {}

  /** The stream ended; the client reconnects after {@code retryInMillis}. */
  default void disconnected(String why, long retryInMillis) {}
}
