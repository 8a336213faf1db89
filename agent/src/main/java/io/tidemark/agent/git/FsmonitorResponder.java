package io.tidemark.agent.git;

import io.tidemark.agent.service.ChangesPage;
import io.tidemark.agent.service.JournalQueries;
import io.tidemark.agent.service.NumberedChange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Turns one hook query ("what changed since token T in work tree W?") into an {@link
 * FsmonitorAnswer}, asking only {@link JournalQueries}. Never answers a wrong "clean": whenever it
 * cannot list every change (no token, a token this agent did not issue, {@code fresh_instance},
 * a failed sync, the work tree not inside the root, a change to the tree itself, too many paths)
 * it answers "everything" with the current cursor, which is safe because git re-checks every file
 * after the hook returns.
 */
public final class FsmonitorResponder {
  static final int PAGE_SIZE = 10_000;

  private final JournalQueries queries;
  private final Path root;
  private final Duration syncTimeout;
  private final int maxPaths;

  /**
   * @param root the agent's root (journal paths are relative to it)
   * @param syncTimeout how long a {@code sync=1} query waits for the journal to catch up
   * @param maxPaths above this many changed paths, answer "everything" (git would stat about as
   *     much anyway)
   */
  public FsmonitorResponder(JournalQueries queries, Path root, Duration syncTimeout, int maxPaths) {
    this.queries = queries;
    this.root = RepoScope.real(root);
    this.syncTimeout = syncTimeout;
    this.maxPaths = maxPaths;
  }

  public FsmonitorResponder(JournalQueries queries, Path root) {
    this(queries, root, Duration.ofSeconds(2), 100_000);
  }

  public Path root() {
    return root;
  }

  /**
   * @param token what git passed the hook (its last token; a V1 timestamp the first time)
   * @param sync wait until every write made before the call is journalled
   * @param workTree the repository's top level; null means the root itself
   */
  public FsmonitorAnswer answer(String token, boolean sync, Path workTree) {
    RepoScope scope = RepoScope.of(root, workTree == null ? root : workTree);
    if (!scope.covered() || token == null || token.isEmpty()) {
      return everything();
    }
    if (sync && !syncedToNow()) {
      return everything();
    }
    Set<String> paths = new LinkedHashSet<>();
    String since = token;
    while (true) {
      ChangesPage page;
      try {
        page = queries.changesSince(since, "", PAGE_SIZE);
      } catch (IllegalArgumentException notOurCursor) {
        return everything();
      }
      if (page.freshInstance()) {
        return everything();
      }
      for (NumberedChange numbered : page.changes()) {
        if (!scope.addPaths(numbered.change(), paths)) {
          return everything();
        }
      }
      if (paths.size() > maxPaths) {
        return everything();
      }
      if (!page.more()) {
        return FsmonitorAnswer.changed(page.cursor(), paths.stream().toList());
      }
      since = page.cursor();
    }
  }

  private FsmonitorAnswer everything() {
    return FsmonitorAnswer.everything(queries.currentCursor());
  }

  private boolean syncedToNow() {
    try {
      queries.syncToNow(syncTimeout).get(syncTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException | TimeoutException failed) {
      return false;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
