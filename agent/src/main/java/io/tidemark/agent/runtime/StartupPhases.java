package io.tidemark.agent.runtime;

/**
 * Wall-clock marks of the agent's start-up ({@code actor system 180 ms, journal open 40 ms,
 * ...}), logged with the {@code ready} line so a slow start can be read off stderr without a
 * profiler. Marks may come from several threads; each is the time since the previous mark of the
 * same timeline, or since the start for the first.
 */
public final class StartupPhases {
  private final long startNs;
  private final StringBuilder marks = new StringBuilder();
  private long lastNs;

  public StartupPhases() {
    this.startNs = System.nanoTime();
    this.lastNs = startNs;
  }

  /** Records that {@code phase} ended now (it began at the previous mark). */
  public synchronized void mark(String phase) {
    long now = System.nanoTime();
    append(phase, now - lastNs);
    lastNs = now;
  }

  /** Records a phase that ran on its own thread since {@code beganNs} (overlapping the others). */
  public synchronized void markParallel(String phase, long beganNs) {
    append(phase + " (parallel)", System.nanoTime() - beganNs);
  }

  private void append(String phase, long nanos) {
    if (!marks.isEmpty()) {
      marks.append(", ");
    }
    marks.append(phase).append(' ').append(nanos / 1_000_000).append(" ms");
  }

  @Override
  public synchronized String toString() {
    return marks.toString();
  }
}
