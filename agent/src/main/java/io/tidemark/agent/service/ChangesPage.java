package io.tidemark.agent.service;

import java.util.List;

/** One answer of {@link JournalQueries#changesSince}. */
public record ChangesPage(
    String cursor, boolean freshInstance, List<NumberedChange> changes, boolean more) {

  public ChangesPage {
    changes = List.copyOf(changes);
  }
}
