package io.tidemark.agent.cli;

import io.tidemark.agent.journal.ProgressListener;
import java.io.PrintStream;

/** "crawling: 120,000 paths" on one terminal line, redrawn in place; nothing when not a tty. */
public final class CrawlProgress {
  private CrawlProgress() {}

  public static ProgressListener onTerminal(PrintStream err) {
    if (System.console() == null) {
      return ProgressListener.NONE;
    }
    return scanned -> {
      synchronized (err) {
        err.print(String.format("\rtidemark: crawling: %,d paths", scanned));
        err.flush();
      }
    };
  }

  public static void clear(PrintStream err) {
    if (System.console() != null) {
      err.print("\r\033[K");
      err.flush();
    }
  }
}
