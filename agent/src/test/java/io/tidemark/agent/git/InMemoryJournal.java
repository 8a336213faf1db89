package io.tidemark.agent.git;

import io.tidemark.agent.journal.Change;
import io.tidemark.agent.service.AgentStatus;
import io.tidemark.agent.service.ChangesPage;
import io.tidemark.agent.service.JournalQueries;
import io.tidemark.agent.service.NumberedChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link JournalQueries} for tests: changes are recorded by hand, cursors are {@code "c<N>"}
 * (N changes seen). {@code forgetAll} makes every cursor {@code fresh_instance}; {@code syncFails}
 * makes sync-to-now time out.
 */
final class InMemoryJournal implements JournalQueries {
  private final List<Change> changes = new ArrayList<>();
  final AtomicInteger syncs = new AtomicInteger();
  volatile boolean forgetAll;
  volatile boolean syncFails;
  volatile String lastSince;

  synchronized void record(Change... recorded) {
    changes.addAll(List.of(recorded));
  }

  @Override
  public synchronized String currentCursor() {
    return "c" + changes.size();
  }

  @Override
  public synchronized ChangesPage changesSince(String since, String pathPrefix, int limit) {
    lastSince = since;
    if (!since.matches("c[0-9]{1,9}")) {
      throw new IllegalArgumentException("a cursor looks like c<number>: " + since);
    }
    int from = Integer.parseInt(since.substring(1));
    if (forgetAll || from > changes.size()) {
      return new ChangesPage(currentCursor(), true, List.of(), false);
    }
    int to = Math.min(changes.size(), from + limit);
    List<NumberedChange> page = new ArrayList<>();
    for (int i = from; i < to; i++) {
      if (changes.get(i).path().startsWith(pathPrefix)) {
        page.add(new NumberedChange(i + 1, changes.get(i)));
      }
    }
    return new ChangesPage("c" + to, false, page, to < changes.size());
  }

  @Override
  public CompletableFuture<Void> syncToNow(Duration timeout) {
    syncs.incrementAndGet();
    return syncFails
        ? CompletableFuture.failedFuture(new TimeoutException("cookie never came back"))
        : CompletableFuture.completedFuture(null);
  }

  @Override
  public AutoCloseable onAppend(Runnable listener) {
    return () -> {};
  }

  @Override
  public AgentStatus status() {
    return new AgentStatus("/", "test", 1, changes.size(), currentCursor(), 0, 0, "running", "/state");
  }
}
