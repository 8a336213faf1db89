package io.tidemark.agent.service;

import io.tidemark.agent.journal.Change;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service layer's test double for {@link JournalQueries}: a list of changes with seqs and an
 * epoch. Cursors are {@code fake:EPOCH:SEQ} (the real codec is not this one's business). Counts
 * the pages read and the append listeners open, so tests can see what the service costs.
 */
public final class InMemoryJournal implements JournalQueries {
  private static final Pattern CURSOR = Pattern.compile("fake:(\\d+):(\\d+)");

  private final long epoch;
  private final List<NumberedChange> changes = new ArrayList<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final AtomicInteger pagesRead = new AtomicInteger();
  private final AtomicInteger handlesClosed = new AtomicInteger();
  private volatile Function<Duration, CompletableFuture<Void>> sync =
      timeout -> CompletableFuture.completedFuture(null);
  private volatile RuntimeException readFailure;

  public InMemoryJournal(long epoch) {
    this.epoch = epoch;
  }

  public String cursorAt(long seq) {
    return "fake:" + epoch + ":" + seq;
  }

  /** Appends in order and tells the listeners once per call (outside the lock). */
  public void append(Change... batch) {
    synchronized (this) {
      for (Change c : batch) {
        changes.add(new NumberedChange(changes.size() + 1, c));
      }
    }
    listeners.forEach(Runnable::run);
  }

  public synchronized long highSeq() {
    return changes.size();
  }

  public int pagesRead() {
    return pagesRead.get();
  }

  public int openListeners() {
    return listeners.size();
  }

  public int closedListeners() {
    return handlesClosed.get();
  }

  public void answerSyncWith(Function<Duration, CompletableFuture<Void>> sync) {
    this.sync = sync;
  }

  public void failReadsWith(RuntimeException failure) {
    this.readFailure = failure;
  }

  @Override
  public synchronized String currentCursor() {
    return cursorAt(changes.size());
  }

  @Override
  public synchronized ChangesPage changesSince(String since, String pathPrefix, int limit) {
    if (readFailure != null) {
      throw readFailure;
    }
    Matcher m = CURSOR.matcher(since);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a cursor: '" + since + "': a cursor looks like fake:EPOCH:SEQ, as printed by"
              + " `tidemark changes`");
    }
    pagesRead.incrementAndGet();
    long seq = Long.parseLong(m.group(2));
    if (Long.parseLong(m.group(1)) != epoch || seq > changes.size()) {
      return new ChangesPage(currentCursor(), true, List.of(), false);
    }
    List<NumberedChange> page = new ArrayList<>();
    for (int i = (int) seq; i < changes.size(); i++) {
      NumberedChange c = changes.get(i);
      if (!under(c.change(), pathPrefix)) {
        continue;
      }
      if (page.size() == limit) {
        return new ChangesPage(cursorAt(page.getLast().seq()), false, page, true);
      }
      page.add(c);
    }
    return new ChangesPage(currentCursor(), false, page, false);
  }

  private static boolean under(Change c, String prefix) {
    return prefix.isEmpty() || under(c.path(), prefix) || (c.from() != null && under(c.from(), prefix));
  }

  private static boolean under(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  @Override
  public CompletableFuture<Void> syncToNow(Duration timeout) {
    return sync.apply(timeout);
  }

  @Override
  public AutoCloseable onAppend(Runnable listener) {
    Runnable registered = listener::run; // a fresh identity per registration
    listeners.add(registered);
    return () -> {
      if (listeners.remove(registered)) {
        handlesClosed.incrementAndGet();
      }
    };
  }

  @Override
  public synchronized AgentStatus status() {
    return new AgentStatus(
        "/srv/root", "fake", epoch, changes.size(), currentCursor(), changes.size(), 3, "watching", "/state");
  }
}
