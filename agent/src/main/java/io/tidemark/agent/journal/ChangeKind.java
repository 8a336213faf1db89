package io.tidemark.agent.journal;

import java.util.Locale;

/** The net effect on one path, as journalled and as answered to {@code Changes(since)}. */
public enum ChangeKind {
  CREATED,
  MODIFIED,
  DELETED,
  RENAMED,
  ATTRIB;

  /** {@code created}, {@code modified}, ... as in the CLI's JSON. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
