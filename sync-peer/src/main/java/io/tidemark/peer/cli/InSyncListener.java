package io.tidemark.peer.cli;

import io.tidemark.peer.sync.ReplicaListener;
import java.io.PrintStream;

/**
 * Prints {@code in sync at CURSOR} on stdout once each time the replica catches up (after the
 * initial reconcile, after a reconnect, after falling behind), and problems on stderr.
 */
class InSyncListener implements ReplicaListener {
  private final String prefix;
  private final PrintStream out;
  private final PrintStream err;
  private boolean inSync;

  InSyncListener(String prefix, PrintStream out, PrintStream err) {
    this.prefix = prefix;
    this.out = out;
    this.err = err;
  }

  @Override
  public synchronized void applied(String cursor, boolean caughtUp) {
    if (caughtUp && !inSync) {
      out.println("in sync at " + cursor);
      out.flush();
      caughtUp();
    }
    inSync = caughtUp;
  }

  /** Hook for {@code sync}: the first catch-up ends the initial copy. */
  void caughtUp() {}

  @Override
  public synchronized void reconciling(String reason) {
    inSync = false;
    err.println(prefix + ": reconciling the replica (" + reason + ")");
  }

  @Override
  public void rejected(String path, String reason) {
    err.println(prefix + ": refused " + path + ": " + reason);
  }

  @Override
  public synchronized void disconnected(String why, long retryInMillis) {
    inSync = false;
    err.println(prefix + ": disconnected (" + why + "); retrying in " + retryInMillis + " ms");
  }
}
