package io.tidemark.agent.engine;

import java.util.List;

/** Where an engine delivers what it read. Called from the engine's own reader thread, in order. */
public interface EventSink {

  /** One batch per kernel read; never empty. The list must not be modified by the sink. */
  void onEvents(List<FsEvent> batch);

  /**
   * The engine stopped for good because of {@code cause} (the watch root vanished, a syscall
   * failed). Not called on a normal {@link WatchEngine#close()}.
   */
  default void onFailure(Throwable cause) {}
}
