package io.tidemark.agent.watch;

import io.tidemark.agent.journal.Change;
import java.util.List;

/**
 * Replays journalled changes over a snapshot the way a consumer would: a directory rename or
 * delete carries its subtree, CREATED replaces what was there, a DELETED of a missing path is a
 * no-op. Every path a change names is marked, and marks travel with renames.
 */
final class ChangeReplay {

  private ChangeReplay() {}

  static ModelTree replay(ModelTree snapshot, List<Change> changes) {
    ModelTree t = new ModelTree();
    snapshot.entries.forEach((p, e) -> t.put(p, e.dir(), false));
    for (Change c : changes) {
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
