package io.tidemark.agent.journal;

import java.util.Objects;

/**
 * One coalesced change to one path, before the journal gives it a sequence number.
 *
 * <p>Paths are root-relative and '/'-separated. A {@code RENAMED} change carries the old path in
 * {@code from}; a tree moved out of the root is journalled as {@code DELETED} of its old path, a
 * tree moved in as {@code CREATED} of every path inside it. A {@code dir} rename or delete is one
 * record: the children are implied.
 */
public record Change(ChangeKind kind, String path, String from, boolean dir) {

  public Change {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    if ((kind == ChangeKind.RENAMED) != (from != null)) {
      throw new IllegalArgumentException("exactly renames carry a from: " + kind + " " + from);
    }
  }

  public static Change of(ChangeKind kind, String path, boolean dir) {
    return new Change(kind, path, null, dir);
  }

  public static Change renamed(String from, String to, boolean dir) {
    return new Change(ChangeKind.RENAMED, to, from, dir);
  }
}
