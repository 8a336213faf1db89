package io.tidemark.agent.engine;

import io.tidemark.agent.engine.fanotify.FanotifyEngine;
import io.tidemark.agent.engine.inotify.InotifyEngine;

/** Builds the engine a {@link EngineKind} asks for; {@code AUTO} prefers fanotify. */
public final class EngineFactory {
  private EngineFactory() {}

  public static WatchEngine create(EngineKind kind, EngineConfig config) {
    return switch (kind) {
      case FANOTIFY -> new FanotifyEngine(config);
      case INOTIFY -> new InotifyEngine(config);
      case AUTO -> FanotifyEngine.isAvailable(config.root())
          ? new FanotifyEngine(config)
          : new InotifyEngine(config);
    };
  }
}
