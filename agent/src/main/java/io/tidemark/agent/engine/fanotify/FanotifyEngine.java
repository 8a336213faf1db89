package io.tidemark.agent.engine.fanotify;

import io.tidemark.agent.engine.EngineConfig;
import io.tidemark.agent.engine.EngineException;
import io.tidemark.agent.engine.EventSink;
import io.tidemark.agent.engine.WatchEngine;
import java.nio.file.Path;

/** PLACEHOLDER: the fanotify engine is being written. */
public final class FanotifyEngine implements WatchEngine {
  private final EngineConfig config;

  public FanotifyEngine(EngineConfig config) {
    this.config = config;
  }

  /** True when a filesystem mark can be set on {@code root} (CAP_SYS_ADMIN, kernel support). */
  public static boolean isAvailable(Path root) {
    return false;
  }

  @Override
  public String name() {
    return "fanotify";
  }

  @Override
  public void start(EventSink sink) throws EngineException {
    throw new EngineException("fanotify engine not implemented yet for " + config.root());
  }

  @Override
  public void close() {}
}
