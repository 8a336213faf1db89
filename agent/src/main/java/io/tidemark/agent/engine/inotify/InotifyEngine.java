package io.tidemark.agent.engine.inotify;

import io.tidemark.agent.engine.EngineConfig;
import io.tidemark.agent.engine.EngineException;
import io.tidemark.agent.engine.EventSink;
import io.tidemark.agent.engine.WatchEngine;

/** PLACEHOLDER: the inotify engine is being written. */
public final class InotifyEngine implements WatchEngine {
  private final EngineConfig config;

  public InotifyEngine(EngineConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "inotify";
  }

  @Override
  public void start(EventSink sink) throws EngineException {
    throw new EngineException("inotify engine not implemented yet for " + config.root());
  }

  @Override
  public void close() {}
}
