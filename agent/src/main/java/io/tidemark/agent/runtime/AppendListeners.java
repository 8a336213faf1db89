package io.tidemark.agent.runtime;

import java.util.concurrent.CopyOnWriteArrayList;

/** Who wants to hear that the journal grew (Subscribe streams, replication). */
final class AppendListeners {
  private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();

  AutoCloseable register(Runnable listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  void fire() {
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(AppendListeners.class)
            .warn("append listener failed: {}", e.toString());
      }
    }
  }
}
