package io.tidemark.agent.journal;

import java.time.Duration;

/** What a {@link Reconciler} run found and journalled. */
public record ReconcileResult(
    long scanned, int created, int modified, int attrib, int deleted, long highSeq,
    Duration took) {

  public int changes() {
    return created + modified + attrib + deleted;
  }
}
