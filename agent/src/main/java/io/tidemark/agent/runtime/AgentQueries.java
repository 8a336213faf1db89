package io.tidemark.agent.runtime;

import io.tidemark.agent.journal.ChangeJournal;
import io.tidemark.agent.journal.ChangesAnswer;
import io.tidemark.agent.journal.JournalEntry;
import io.tidemark.agent.service.AgentStatus;
import io.tidemark.agent.service.ChangesPage;
import io.tidemark.agent.service.JournalQueries;
import io.tidemark.agent.service.NumberedChange;
import io.tidemark.proto.cursor.Cursor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** {@link JournalQueries} over the live agent: reads go straight to RocksDB (thread-safe). */
final class AgentQueries implements JournalQueries {
  private final ChangeJournal journal;
  private final SyncCookies cookies;
  private final AppendListeners listeners;
  private final String root;
  private final String engine;
  private final Supplier<String> state;
  private final String stateDir;

  AgentQueries(
      ChangeJournal journal,
      SyncCookies cookies,
      AppendListeners listeners,
      String root,
      String engine,
      Supplier<String> state,
      String stateDir) {
    this.journal = journal;
    this.cookies = cookies;
    this.listeners = listeners;
    this.root = root;
    this.engine = engine;
    this.state = state;
    this.stateDir = stateDir;
  }

  @Override
  public String currentCursor() {
    return journal.currentCursor().encode();
  }

  @Override
  public ChangesPage changesSince(String since, String pathPrefix, int limit) {
    Cursor cursor = since == null || since.isEmpty() ? journal.currentCursor() : Cursor.parse(since);
    ChangesAnswer answer = journal.changesSince(cursor, pathPrefix, limit);
    List<NumberedChange> changes = new ArrayList<>(answer.entries().size());
    for (JournalEntry e : answer.entries()) {
      changes.add(new NumberedChange(e.seq(), e.change()));
    }
    return new ChangesPage(answer.cursor().encode(), answer.freshInstance(), changes, answer.more());
  }

  @Override
  public CompletableFuture<Void> syncToNow(Duration timeout) {
    return cookies.request(timeout);
  }

  @Override
  public AutoCloseable onAppend(Runnable listener) {
    return listeners.register(listener);
  }

  @Override
  public AgentStatus status() {
    return new AgentStatus(
        root,
        engine,
        journal.epoch(),
        journal.highSeq(),
        currentCursor(),
        journal.journalEntries(),
        journal.indexEntries(),
        state.get(),
        stateDir);
  }
}
