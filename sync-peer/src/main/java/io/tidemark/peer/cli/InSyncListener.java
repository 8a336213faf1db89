package io.tidemark.peer.cli;

import io.tidemark.peer.sync.ReplicaListener;
import java.io.PrintStream;

/**
 * Prints {@code in sync at CURSOR} on stdout once each time the replica catches up (after the
 * initial reconcile, after a reconnect, after falling behind); on stderr, the initial copy's
 * progress (at most a line a second) and problems.
 */
class InSyncListener implements ReplicaListener {
  private static final long PROGRESS_EVERY_NS = 1_000_000_000L;
  private static final int BAR = 20;

  private final String prefix;
  private final PrintStream out;
  private final PrintStream err;
  private boolean inSync;
  private long lastProgressNs;
  private boolean progressShown;
  /** The copy's last figures: files done, files, bytes done, bytes. */
  private long[] last;
  private boolean shownComplete;

  InSyncListener(String prefix, PrintStream out, PrintStream err) {
    this.prefix = prefix;
    this.out = out;
    this.err = err;
  }

  @Override
  public synchronized void applied(String cursor, boolean caughtUp) {
    if (caughtUp && progressShown) {
      if (!shownComplete) {
        printProgress(last[0], last[1], last[2], last[3]); // where the copy ended
      }
      progressShown = false;
    }
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
  public synchronized void copying(long filesDone, long files, long bytesDone, long bytes) {
    last = new long[] {filesDone, files, bytesDone, bytes};
    long now = System.nanoTime();
    if (files == 0 || progressShown && now - lastProgressNs < PROGRESS_EVERY_NS) {
      return;
    }
    progressShown = true;
    lastProgressNs = now;
    printProgress(filesDone, files, bytesDone, bytes);
  }

  private void printProgress(long filesDone, long files, long bytesDone, long bytes) {
    shownComplete = filesDone >= files;
    double done = bytes > 0 ? (double) bytesDone / bytes : (double) filesDone / files;
    int filled = (int) Math.round(done * BAR);
    err.println(String.format("%s: copying [%s%s] %3d%%  %,d/%,d files, %s/%s", prefix,
        "#".repeat(filled), ".".repeat(BAR - filled), Math.round(done * 100), filesDone, files,
        megabytes(bytesDone), megabytes(bytes)));
  }

  private static String megabytes(long bytes) {
    return String.format("%,.1f MB", bytes / 1e6);
  }

  @Override
  public synchronized void reconciling(String reason) {
    inSync = false;
    progressShown = false;
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
