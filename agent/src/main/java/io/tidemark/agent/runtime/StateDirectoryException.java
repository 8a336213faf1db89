package io.tidemark.agent.runtime;

import java.io.IOException;

/** The state directory cannot be used; the message says why and what to pass instead. */
public final class StateDirectoryException extends IOException {
  private static final long serialVersionUID = 1L;

  public StateDirectoryException(String message) {
    super(message);
  }
}
