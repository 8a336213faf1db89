package io.tidemark.agent.cli;

import io.tidemark.agent.engine.FsEvent;
import java.util.List;

/** How {@code tidemark watch} writes events. Called from the engine thread only. */
interface EventPrinter {
  void ready(String engine);

  void print(List<FsEvent> batch);

  void flush();
}
