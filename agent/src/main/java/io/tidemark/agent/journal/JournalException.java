package io.tidemark.agent.journal;

/** The journal's store failed (disk full, I/O error, locked by another agent); carries the cause. */
public final class JournalException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
