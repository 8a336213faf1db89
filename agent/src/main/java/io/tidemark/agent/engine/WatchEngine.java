package io.tidemark.agent.engine;

import java.io.IOException;

/**
 * A recursive watch on one root. {@link #start} returns once the whole tree is covered, so every
 * change made after it returns is reported; events then flow to the sink from the engine's thread.
 */
public interface WatchEngine extends AutoCloseable {

  /** "fanotify" or "inotify". */
  String name();

  /**
   * Sets the watches and starts the reader thread; blocks until the tree is covered.
   *
   * @throws EngineException with the cause and the fix when the kernel refuses (limits,
   *     permissions)
   */
  void start(EventSink sink) throws IOException;

  /** Stops the reader thread and releases the kernel objects. Idempotent. */
  @Override
  void close();
}
