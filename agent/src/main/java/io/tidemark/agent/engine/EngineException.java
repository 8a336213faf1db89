package io.tidemark.agent.engine;

import java.io.IOException;

/**
 * The kernel refused what an engine needs. The message always says what to do about it, e.g.
 * "inotify watch limit reached (8192): raise fs.inotify.max_user_watches".
 */
public class EngineException extends IOException {
  private static final long serialVersionUID = 1L;

  public EngineException(String message) {
    super(message);
  }

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
