package io.tidemark.agent.journal;

/** Hears how far a {@link Reconciler} crawl has got (the CLI draws it on the terminal). */
@FunctionalInterface
public interface ProgressListener {

  ProgressListener NONE = scanned -> {};

  /**
   * Called every {@link Reconciler#PROGRESS_EVERY} paths, from the crawler's threads (keep it
   * cheap and thread-safe), and once at the end from the caller's.
   */
  void scanned(long paths);
}
