package io.tidemark.agent.watch;

import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.ChangeKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays journalled changes over a snapshot the way a consumer would: a directory rename or
 * delete carries its subtree, CREATED replaces what was there, a DELETED of a missing path is a
 * no-op. Every path a change names is marked, and marks travel with renames.
 */
final class ChangeReplay {

  private ChangeReplay() {}

  static ModelTree replay(ModelTree snapshot, List<Change> changes) {
    return replay(snapshot, changes, new ArrayList<>());
  }

  /**
   * What the journal keeps of {@code changes}: all but the DELETEDs of paths that do not exist
   * at their position (the journal drops those, {@code ChangeJournal.append}).
   */
  static List<Change> journalled(ModelTree snapshot, List<Change> changes) {
    List<Change> kept = new ArrayList<>();
    replay(snapshot, changes, kept);
    return kept;
  }

  private static ModelTree replay(ModelTree snapshot, List<Change> changes, List<Change> kept) {
    ModelTree t = new ModelTree();
    snapshot.entries.forEach((p, e) -> t.put(p, e.dir(), false));
    for (Change c : changes) {
      if (c.kind() != ChangeKind.DELETED || t.exists(c.path())) {
        kept.add(c);
      }
      String p = c.path();
      switch (c.kind()) {
        case CREATED -> {
          require(t.parentExists(p), "parent of created " + p + " missing", c);
          t.removeSubtree(p);
          t.put(p, c.dir(), true);
        }
        case MODIFIED, ATTRIB -> {
          require(t.exists(p), "modified path missing", c);
          require(t.isDir(p) == c.dir(), "type differs", c);
          t.mark(p);
        }
        case RENAMED -> {
          require(t.exists(c.from()), "rename source missing", c);
          require(t.parentExists(p), "rename target parent missing", c);
          require(!p.startsWith(c.from() + "/"), "rename into itself", c);
          t.move(c.from(), p);
        }
        case DELETED -> t.removeSubtree(p);
      }
    }
    return t;
  }

  private static void require(boolean ok, String what, Change c) {
    if (!ok) {
      throw new AssertionError(what + ": " + c);
    }
  }
}
