package io.tidemark.agent.journal;

import io.tidemark.proto.cursor.Cursor;
import java.util.List;

/**
 * The answer to {@code Changes(since)}.
 *
 * @param cursor where the next call should start: the journal's current cursor when everything
 *     was answered, or the seq of the last entry returned when {@code limit} cut the answer short
 * @param freshInstance the cursor came from another journal epoch, or is older than the tombstone
 *     horizon: the caller must start over (full scan) from {@code cursor}; {@code entries} is then
 *     empty
 * @param entries seq-ordered changes
 * @param fromIndex the cursor was older than what compaction kept, so the entries were built from
 *     the path index (one per path, net effect only, no renames)
 * @param more {@code limit} cut the answer short; call again with {@code cursor}
 */
public record ChangesAnswer(
    Cursor cursor, boolean freshInstance, List<JournalEntry> entries, boolean fromIndex,
    boolean more) {

  public ChangesAnswer {
    entries = List.copyOf(entries);
  }

  static ChangesAnswer fresh(Cursor current) {
    return new ChangesAnswer(current, true, List.of(), false, false);
  }
}
