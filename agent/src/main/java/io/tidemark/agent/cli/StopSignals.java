package io.tidemark.agent.cli;

import sun.misc.Signal;

/**
 * SIGINT and SIGTERM as a request to stop cleanly with exit code 0, instead of the JVM's default
 * of dying with 130/143 mid-write.
 */
public final class StopSignals {
  private StopSignals() {}

  public static void onTerminate(Runnable stop) {
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), signal -> stop.run());
    }
  }
}
