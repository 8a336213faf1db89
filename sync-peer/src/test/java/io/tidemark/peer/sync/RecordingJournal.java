package io.tidemark.peer.sync;

import io.tidemark.agent.journal.Change;
import io.tidemark.agent.service.AgentStatus;
import io.tidemark.agent.service.ChangesPage;
import io.tidemark.agent.service.JournalQueries;
import io.tidemark.agent.service.NumberedChange;
import io.tidemark.proto.cursor.Cursor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A journal fed by the test: each operation it performs on SRC is recorded as a Change. */
final class RecordingJournal implements JournalQueries {
  private final long epoch;
  private final List<NumberedChange> changes = new ArrayList<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  RecordingJournal(long epoch) {
    this.epoch = epoch;
  }

  void append(Change... batch) {
    synchronized (this) {
      for (Change c : batch) {
        changes.add(new NumberedChange(changes.size() + 1, c));
      }
    }
    listeners.forEach(Runnable::run);
  }

  @Override
  public synchronized String currentCursor() {
    return new Cursor(epoch, changes.size()).encode();
  }

  @Override
  public synchronized ChangesPage changesSince(String since, String pathPrefix, int limit) {
    Cursor c = Cursor.parse(since);
    if (c.epoch() != epoch) {
      return new ChangesPage(currentCursor(), true, List.of(), false);
    }
    if (c.seq() > changes.size()) {
      throw new IllegalArgumentException("cursor past the end");
    }
    int from = (int) c.seq();
    int to = Math.min(changes.size(), from + limit);
    return new ChangesPage(new Cursor(epoch, to).encode(), false,
        List.copyOf(changes.subList(from, to)), to < changes.size());
  }

  @Override
  public CompletableFuture<Void> syncToNow(Duration timeout) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public AutoCloseable onAppend(Runnable listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public synchronized AgentStatus status() {
    throw new UnsupportedOperationException();
  }
}
