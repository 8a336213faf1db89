package io.tidemark.agent.journal;

import java.util.Arrays;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * Finds and deletes the index tombstones a journal can do without: those whose last seq is at or
 * below a horizon that the journal's floor has already passed. See "Tombstone horizon" in {@link
 * ChangeJournal}. Two scans of the index (pick the horizon, then delete), so memory stays at one
 * long per candidate, never one key.
 */
final class TombstonePruner {

  private static final int CHUNK = 16_384;

  /** Writes one chunk of deletes, with whatever the caller keeps beside them (counters). */
  @FunctionalInterface
  interface ChunkWriter {
    void write(WriteBatch batch, long deletedInBatch) throws RocksDBException;
  }

  private TombstonePruner() {}

  /**
   * What to prune: {@code horizon} is the lowest one that prunes at least {@code wanted} (&gt; 0)
   * tombstones with last seq at or below {@code floor} (all of them if there are fewer), 0 if
   * there are none; a seq is never split, so a few more than {@code wanted} may go. {@code
   * oldestLeft} is the lowest last seq of a tombstone that stays ({@code high + 1} if none does):
   * seqs only grow, so no pruning is possible before the floor reaches it.
   */
  record Pick(long horizon, long oldestLeft) {}

  static Pick pick(JournalStore store, long floor, long high, long wanted) {
    long[] seqs = new long[1024];
    int n = 0;
    long oldestAboveFloor = high + 1;
    try (RocksIterator it = store.db.newIterator(store.index)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] v = it.value();
        if (!RecordCodec.isTombstone(v)) {
          continue;
        }
        long seq = RecordCodec.lastSeqOf(v);
        if (seq > floor) {
          oldestAboveFloor = Math.min(oldestAboveFloor, seq);
          continue;
        }
        if (n == seqs.length) {
          seqs = Arrays.copyOf(seqs, n * 2);
        }
        seqs[n++] = seq;
      }
    }
    if (n == 0) {
      return new Pick(0, oldestAboveFloor);
    }
    Arrays.sort(seqs, 0, n);
    int last = (int) Math.min(wanted, n) - 1;
    long horizon = seqs[last];
    while (last < n && seqs[last] == horizon) {
      last++;
    }
    return new Pick(horizon, last < n ? seqs[last] : oldestAboveFloor);
  }

  /** Deletes every tombstone with last seq at or below {@code horizon}; returns how many. */
  static long deleteUpTo(JournalStore store, long horizon, ChunkWriter writer) throws RocksDBException {
    long total = 0;
    WriteBatch batch = new WriteBatch();
    try (RocksIterator it = store.db.newIterator(store.index)) {
      int inBatch = 0;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] v = it.value();
        if (RecordCodec.isTombstone(v) && RecordCodec.lastSeqOf(v) <= horizon) {
          batch.delete(store.index, it.key());
          if (++inBatch == CHUNK) {
            writer.write(batch, inBatch);
            total += inBatch;
            inBatch = 0;
            batch.close();
            batch = new WriteBatch();
          }
        }
      }
      if (inBatch > 0) {
        writer.write(batch, inBatch);
        total += inBatch;
      }
    } finally {
      batch.close();
    }
    return total;
  }
}
