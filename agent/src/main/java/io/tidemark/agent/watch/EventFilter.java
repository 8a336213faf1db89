package io.tidemark.agent.watch;

import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.ignore.IgnoreRules;

/**
 * Applies the ignore rules to engine events before they are coalesced. A rename across the
 * boundary of an ignored area becomes what it looks like from outside it: moved in from an ignored
 * path is a create, moved into an ignored path is a delete.
 */
final class EventFilter {
  private final IgnoreRules rules;

  EventFilter(IgnoreRules rules) {
    this.rules = rules;
  }

  /** The event to coalesce, or null to drop it. */
  FsEvent apply(FsEvent e) {
    if (e.kind() == FsEvent.Kind.OVERFLOW) {
      return e;
    }
    if (e.kind() != FsEvent.Kind.RENAME) {
      return rules.isIgnored(e.path(), e.dir()) ? null : e;
    }
    String from = visible(e.from(), e.dir());
    String to = visible(e.path(), e.dir());
    if (from != null && to != null) {
      return e;
    }
    if (to != null) {
      // from an ignored area (a move in from outside the root already came as CREATEs)
      return FsEvent.of(FsEvent.Kind.CREATE, to, e.dir(), e.pid());
    }
    if (from != null) {
      // out of the root or into an ignored area: either way, gone from what we journal
      return FsEvent.rename(from, null, e.dir(), e.pid());
    }
    return null;
  }

  private String visible(String path, boolean dir) {
    return path != null && !rules.isIgnored(path, dir) ? path : null;
  }
}
