package io.tidemark.agent.journal;

import io.tidemark.proto.cursor.Cursor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/** Builds {@link ChangesAnswer}s from the journal records or, for compacted cursors, the index. */
final class JournalAnswers {

  private static final Comparator<JournalEntry> BY_SEQ_THEN_PATH =
      Comparator.comparingLong(JournalEntry::seq).thenComparing(e -> e.change().path());

  private JournalAnswers() {}

  static ChangesAnswer fromJournal(JournalStore store, ReadOptions read, Cursor since, long high,
      PathPrefix prefix, int limit) {
    List<JournalEntry> out = new ArrayList<>();
    try (RocksIterator it = store.db.newIterator(store.journal, read)) {
      for (it.seek(RecordCodec.seqKey(since.seq() + 1)); it.isValid(); it.next()) {
        long seq = RecordCodec.seqOf(it.key());
        if (seq > high) {
          break;
        }
        Change c = RecordCodec.decodeChange(it.value());
        if (prefix.matches(c)) {
          out.add(new JournalEntry(seq, c));
          if (out.size() == limit && seq < high) {
            return new ChangesAnswer(since.withSeq(seq), false, out, false, true);
          }
        }
      }
    }
    return new ChangesAnswer(since.withSeq(high), false, out, false, false);
  }

  static ChangesAnswer fromIndex(JournalStore store, ReadOptions read, Cursor since, long high,
      PathPrefix prefix, int limit) {
    List<JournalEntry> all = new ArrayList<>();
    try (RocksIterator it = store.db.newIterator(store.index, read)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        IndexEntry e = RecordCodec.decodeIndex(it.value());
        if (e.lastSeq() <= since.seq()) {
          continue;
        }
        String path = RecordCodec.pathOf(it.key());
        if (prefix.matches(path)) {
          all.add(new JournalEntry(e.lastSeq(), new Change(kindOf(e, since), path, null, e.isDir())));
        }
      }
    }
    all.sort(BY_SEQ_THEN_PATH);
    int end = all.size();
    if (end > limit) {
      end = limit;
      long cutSeq = all.get(end - 1).seq();
      while (end < all.size() && all.get(end).seq() == cutSeq) {
        end++; // never split one seq: the next page starts after it
      }
    }
    if (end < all.size()) {
      long last = all.get(end - 1).seq();
      return new ChangesAnswer(since.withSeq(last), false, all.subList(0, end), true, true);
    }
    return new ChangesAnswer(since.withSeq(high), false, all, true, false);
  }

  private static ChangeKind kindOf(IndexEntry e, Cursor since) {
    if (e.tombstone()) {
      return ChangeKind.DELETED;
    }
    return e.createdSeq() > since.seq() ? ChangeKind.CREATED : ChangeKind.MODIFIED;
  }
}
