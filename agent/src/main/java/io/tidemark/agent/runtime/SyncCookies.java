package io.tidemark.agent.runtime;

import io.tidemark.agent.ignore.IgnoreRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sync-to-now: a query that must include every write made before it writes a cookie file in the
 * root; the kernel queue is FIFO, so once the cookie's own event has been journalled (with
 * everything pending before it), every earlier write has been too.
 *
 * <p>Cookie files are named {@code .tidemark-cookie-<pid>-<n>} at the root, never journalled
 * ({@link IgnoreRules#isCookie}) and removed once answered or timed out.
 */
public final class SyncCookies {
  private static final Logger log = LoggerFactory.getLogger(SyncCookies.class);

  private final Path root;
  private final String prefix = IgnoreRules.COOKIE_PREFIX + ProcessHandle.current().pid() + "-";
  private final AtomicLong counter = new AtomicLong();
  private final ConcurrentHashMap<String, CompletableFuture<Void>> waiting =
      new ConcurrentHashMap<>();

  public SyncCookies(Path root) {
    this.root = root;
  }

  /** Writes a new cookie; the future completes once {@link #arrived} is called for it. */
  public CompletableFuture<Void> request(Duration timeout) {
    String name = prefix + counter.incrementAndGet();
    CompletableFuture<Void> done = new CompletableFuture<>();
    waiting.put(name, done);
    try {
      Files.write(root.resolve(name), new byte[0]);
    } catch (IOException e) {
      waiting.remove(name);
      return CompletableFuture.failedFuture(
          new IOException(
              "sync-to-now cannot write its cookie file in "
                  + root
                  + " ("
                  + e.getMessage()
                  + "): the agent needs write access to the root for --sync",
              e));
    }
    done.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((ok, failure) -> forget(name));
    return done;
  }

  /** True for a root-relative path that is one of our cookies. */
  public boolean isCookie(String path) {
    return path != null && IgnoreRules.isCookie(path);
  }

  /** The cookie's event came through and everything before it is journalled. */
  public void arrived(String name) {
    CompletableFuture<Void> done = waiting.get(name);
    if (done != null) {
      done.complete(null);
    }
  }

  /** Fails every waiting query (the agent is stopping). */
  public void failAll(Throwable cause) {
    waiting.values().forEach(f -> f.completeExceptionally(cause));
  }

  private void forget(String name) {
    waiting.remove(name);
    try {
      Files.deleteIfExists(root.resolve(name));
    } catch (IOException e) {
      log.debug("could not remove sync cookie {}: {}", name, e.toString());
    }
  }
}
