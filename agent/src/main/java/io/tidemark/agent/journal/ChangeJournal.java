package io.tidemark.agent.journal;

import io.tidemark.proto.cursor.Cursor;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable change journal of one watch root: coalesced {@link Change}s numbered 1, 2, 3, ...
 * within an <em>epoch</em>, the path index beside them, and {@link Cursor}s that name a point in
 * it. One writer ({@link #append}, {@link #compact}) at a time; readers run concurrently on a
 * RocksDB snapshot.
 *
 * <h2>On disk</h2>
 *
 * A RocksDB instance in {@code STATE_DIR/journal} with three column families. All integers are
 * big-endian; strings are UTF-8 prefixed by an int32 byte length.
 *
 * <pre>
 * journal   key   = seq                      int64 (8 bytes, so key order = seq order)
 *           value = [0]      format           0x01
 *                   [1]      kind             1 CREATED, 2 MODIFIED, 3 DELETED, 4 RENAMED, 5 ATTRIB
 *                   [2]      flags            bit 0: the path is a directory (children implied)
 *                   [3..10]  appended at      int64 epoch millis (for age-based compaction)
 *                   [11..]   path             int32 length + bytes, root-relative
 *                   [..]     from             int32 length + bytes; only for RENAMED
 *
 * index     key   = root-relative path, UTF-8 bytes (so a directory's subtree is one key range)
 *           value = [0]      format           0x01
 *                   [1]      flags            bit 0: tombstone (deleted), bit 1: content hash
 *                                             present, bit 2: the deleted path was a directory
 *                   [2..9]   last seq         int64, the last change that touched this path
 *                   [10..17] created seq      int64, since when it exists (0 for tombstones)
 *                   [18..25] size             int64 \
 *                   [26..33] mtime            int64 ns |  all zero for tombstones
 *                   [34..41] ctime            int64 ns |
 *                   [42..49] inode            int64    |
 *                   [50..53] mode             int32   / (st_mode: type bits + permissions)
 *                   [54]     hash length n    only with flag bit 1
 *                   [55..]   hash             n bytes
 *
 * meta      "format"     int64  1
 *           "epoch"      int64  random, chosen when this journal instance was created
 *           "root"       UTF-8  the absolute watch root
 *           "high_seq"   int64  the last seq appended (0 = none)
 *           "floor"      int64  compaction deleted every entry with seq &lt;= floor
 *           "live"       int64  number of live index entries
 *           "tombstones" int64  number of index tombstones
 *           "horizon"    int64  cursors with seq &lt; horizon get freshInstance; every tombstone
 *                               with last seq &lt;= horizon may have been pruned; horizon &lt;=
 *                               floor. Missing in journals written before it existed: 0.
 * </pre>
 *
 * Every {@code append} is one atomic {@link WriteBatch}: journal records, index updates and the
 * meta counters land together or not at all (WAL always on; fsync per batch when {@link
 * JournalOptions#syncWrites()}).
 *
 * <h2>Answering {@code changesSince(cursor)}</h2>
 *
 * <ul>
 *   <li>another epoch: {@code freshInstance}, no entries, the current cursor.
 *   <li>{@code seq > high seq}: not issued by this journal, {@link IllegalArgumentException}.
 *   <li>{@code seq < horizon}: {@code freshInstance}, as for another epoch (see below).
 *   <li>{@code seq >= floor}: the journal records after it, in seq order.
 *   <li>{@code horizon <= seq < floor} (compacted away): one entry per index path whose last seq
 *       is after the cursor, {@code CREATED} (created seq after the cursor), {@code MODIFIED} or
 *       {@code DELETED} (tombstone). Complete because the only index keys ever removed are
 *       tombstones with last seq &lt;= horizon &lt;= the cursor's seq, which it would not list.
 * </ul>
 *
 * <h2>Tombstone horizon</h2>
 *
 * Compaction trims the journal; the index keeps answering the older cursors, and for that it
 * keeps a tombstone per deleted path (about 60 bytes plus the path, before compression;
 * re-creating a path reuses its entry). Past {@link JournalOptions#maxTombstones()} tombstones,
 * {@link #compact} prunes the oldest ones down to three quarters of the bound, but only ones the
 * journal no longer holds (last seq &lt;= floor): it picks the lowest horizon h &lt;= floor such
 * that pruning every tombstone with last seq &lt;= h is enough (never splitting a seq), stores h
 * in meta, then deletes those tombstones. A cursor with seq &gt;= h is still answered exactly: it
 * saw every delete those tombstones record. A cursor with seq &lt; h might not have, so it gets
 * {@code freshInstance} (start over with a full scan) instead of an answer that silently misses
 * a delete. Storing h before deleting makes this hold for every reader snapshot and across a
 * crash in between. Cursors at or after the floor never need tombstones (the journal records
 * answer them), so the horizon lags the floor and cursors are refused only once tombstones
 * outgrow their bound.
 *
 * <p>{@code append} does not journal a {@code DELETED} of a path with nothing live at or below it
 * in the index ({@link IndexUpdate#isNoOp}): the coalescer sends such deletes where a create may
 * have replaced an existing file, and they cost nothing when it had not.
 */
public final class ChangeJournal implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ChangeJournal.class);

  private static final byte[] FORMAT = JournalStore.bytes("format");
  private static final byte[] EPOCH = JournalStore.bytes("epoch");
  private static final byte[] ROOT = JournalStore.bytes("root");
  private static final byte[] HIGH_SEQ = JournalStore.bytes("high_seq");
  private static final byte[] FLOOR = JournalStore.bytes("floor");
  private static final byte[] LIVE = JournalStore.bytes("live");
  private static final byte[] TOMBSTONES = JournalStore.bytes("tombstones");
  private static final byte[] HORIZON = JournalStore.bytes("horizon");

  private final JournalStore store;
  private final JournalOptions options;
  private final WriteOptions writeOptions;
  private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
  private final long epoch;
  private volatile long highSeq;
  private volatile long floor;
  private volatile long live;
  private volatile long tombstones;
  private volatile long horizon;
  /** No tombstone is older than this (0: not known yet); no use pruning before the floor is. */
  private long oldestTombstone;
  private boolean closed;

  private ChangeJournal(JournalStore store, JournalOptions options, long epoch, long highSeq,
      long floor, long live, long tombstones, long horizon) {
    this.store = store;
    this.options = options;
    this.writeOptions = new WriteOptions().setSync(options.syncWrites());
    this.epoch = epoch;
    this.highSeq = highSeq;
    this.floor = floor;
    this.live = live;
    this.tombstones = tombstones;
    this.horizon = horizon;
  }

  /**
   * Opens the journal of {@code root} in {@code stateDir}. Reopening keeps the epoch and the seqs;
   * a first open, a different root, or an unreadable instance starts a new epoch (logged, never a
   * crash), so clients holding old cursors get {@code freshInstance}.
   *
   * @throws JournalException if the state directory is locked by another agent or unwritable
   */
  public static ChangeJournal open(Path stateDir, Path root, JournalOptions options) {
    Objects.requireNonNull(options, "options");
    String rootName = root.toAbsolutePath().normalize().toString();
    JournalStore store = JournalStore.open(stateDir);
    try {
      byte[] format = store.db.get(store.meta, FORMAT);
      if (format != null) {
        byte[] storedRoot = store.db.get(store.meta, ROOT);
        if (RecordCodec.decodeLong(format) == RecordCodec.FORMAT
            && rootName.equals(storedRoot == null ? null : RecordCodec.pathOf(storedRoot))) {
          return new ChangeJournal(store, options, meta(store, EPOCH), meta(store, HIGH_SEQ),
              meta(store, FLOOR), meta(store, LIVE), meta(store, TOMBSTONES),
              RecordCodec.decodeLong(store.db.get(store.meta, HORIZON), 0));
        }
        log.warn("journal in {} belongs to {}, not {}; starting a fresh journal instance",
            stateDir, storedRoot == null ? "?" : RecordCodec.pathOf(storedRoot), rootName);
        store = JournalStore.recreate(store, stateDir, false);
      }
    } catch (RocksDBException | RuntimeException e) {
      log.warn("journal meta in {} is unreadable ({}); starting a fresh journal instance",
          stateDir, e.toString());
      store = JournalStore.recreate(store, stateDir, true);
    }
    return initialise(store, rootName, options);
  }

  private static ChangeJournal initialise(JournalStore store, String root, JournalOptions options) {
    long epoch = new SecureRandom().nextLong();
    try (WriteBatch batch = new WriteBatch(); WriteOptions sync = new WriteOptions().setSync(true)) {
      batch.put(store.meta, FORMAT, RecordCodec.encodeLong(RecordCodec.FORMAT));
      batch.put(store.meta, EPOCH, RecordCodec.encodeLong(epoch));
      batch.put(store.meta, ROOT, JournalStore.bytes(root));
      for (byte[] key : List.of(HIGH_SEQ, FLOOR, LIVE, TOMBSTONES, HORIZON)) {
        batch.put(store.meta, key, RecordCodec.encodeLong(0));
      }
      store.db.write(sync, batch);
    } catch (RocksDBException e) {
      store.close();
      throw new JournalException("cannot initialise the journal", e);
    }
    log.info("new journal instance for {} (epoch {})", root, Long.toHexString(epoch));
    return new ChangeJournal(store, options, epoch, 0, 0, 0, 0, 0);
  }

  private static long meta(JournalStore store, byte[] key) throws RocksDBException {
    return RecordCodec.decodeLong(store.db.get(store.meta, key));
  }

  /**
   * Journals {@code changes} as one atomic batch with consecutive seqs and updates the index
   * ({@link IndexUpdate}). {@code statter} stats a root-relative path now, null if it is gone. A
   * {@code DELETED} of a path with nothing live at or below it in the index (as of its place in
   * the batch) is dropped: it gets no seq and no record, so a temporary file the coalescer could
   * not net out leaves nothing.
   *
   * @return the new high seq (unchanged when {@code changes} is empty or all dropped)
   */
  public long append(List<Change> changes, Function<String, FileStat> statter) {
    open.readLock().lock();
    try {
      synchronized (this) {
        checkOpen();
        if (changes.isEmpty()) {
          return highSeq;
        }
        long seq = highSeq;
        long now = options.clock().millis();
        IndexView view = new IndexView(store.db, store.index);
        try (view; WriteBatch batch = new WriteBatch()) {
          for (Change c : changes) {
            if (IndexUpdate.isNoOp(c, view)) {
              continue;
            }
            seq++;
            batch.put(store.journal, RecordCodec.seqKey(seq), RecordCodec.encodeChange(c, now));
            IndexUpdate.apply(c, seq, view, statter);
          }
          if (seq == highSeq) {
            return highSeq;
          }
          view.writeTo(batch);
          batch.put(store.meta, HIGH_SEQ, RecordCodec.encodeLong(seq));
          batch.put(store.meta, LIVE, RecordCodec.encodeLong(live + view.liveDelta));
          batch.put(store.meta, TOMBSTONES, RecordCodec.encodeLong(tombstones + view.tombstoneDelta));
          store.db.write(writeOptions, batch);
        } catch (RocksDBException e) {
          throw new JournalException("cannot append to the journal", e);
        }
        live += view.liveDelta;
        tombstones += view.tombstoneDelta;
        highSeq = seq;
        return seq;
      }
    } finally {
      open.readLock().unlock();
    }
  }

  /**
   * Fills the index of a brand-new journal (nothing appended, empty index) with what a first
   * crawl found, without journal records: every entry gets last seq and created seq 0. For a
   * journal whose cursors nobody can hold yet (the agent serves only after its startup crawl),
   * this answers every later cursor exactly as {@code append} of CREATED records would, at a
   * fraction of the cost (no journal records, no per-path index read-before-write): 1M paths take
   * seconds less and the journal stays empty. A cursor taken before the seeding (seq 0) does not
   * see these paths, so callers must not have issued one.
   *
   * @throws IllegalStateException if the journal is not brand new
   */
  public void seedIndex(Map<String, FileStat> paths) {
    seedIndex(paths.entrySet().iterator());
  }

  /** As {@link #seedIndex(Map)}, from paths handed out one by one (a crawl still under way). */
  public void seedIndex(Iterator<? extends Map.Entry<String, FileStat>> paths) {
    open.readLock().lock();
    try {
      synchronized (this) {
        checkOpen();
        if (highSeq != 0 || live != 0 || tombstones != 0) {
          throw new IllegalStateException("seedIndex needs a brand-new journal");
        }
        long added = 0;
        WriteBatch batch = new WriteBatch();
        try {
          while (paths.hasNext()) {
            Map.Entry<String, FileStat> e = paths.next();
            batch.put(store.index, RecordCodec.pathKey(e.getKey()),
                RecordCodec.encodeIndex(IndexEntry.live(0, 0, e.getValue())));
            added++;
            if (batch.count() >= 65_536) {
              batch.put(store.meta, LIVE, RecordCodec.encodeLong(added));
              store.db.write(writeOptions, batch);
              batch.close();
              batch = new WriteBatch();
            }
          }
          batch.put(store.meta, LIVE, RecordCodec.encodeLong(added));
          store.db.write(writeOptions, batch);
        } catch (RocksDBException e) {
          throw new JournalException("cannot write the path index", e);
        } finally {
          batch.close();
          live = added;
        }
      }
    } finally {
      open.readLock().unlock();
    }
  }

  /**
   * What changed after {@code since}, optionally only at or below {@code pathPrefix} (a rename
   * matches if either side does; a directory record matches the prefixes below it).
   *
   * @param pathPrefix root-relative directory, {@code ""} or null for everything
   * @param limit at most this many entries (an index answer never splits one seq, so it may
   *     return more when a single directory rename or delete touched more paths)
   * @throws IllegalArgumentException if the cursor is ahead of this journal (not issued by it)
   */
  public ChangesAnswer changesSince(Cursor since, String pathPrefix, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be > 0: " + limit);
    }
    PathPrefix prefix = PathPrefix.of(pathPrefix);
    open.readLock().lock();
    try {
      checkOpen();
      if (since.epoch() != epoch) {
        return ChangesAnswer.fresh(currentCursor());
      }
      Snapshot snapshot = store.db.getSnapshot();
      try (ReadOptions read = new ReadOptions().setSnapshot(snapshot)) {
        long high = RecordCodec.decodeLong(store.db.get(store.meta, read, HIGH_SEQ));
        long floorNow = RecordCodec.decodeLong(store.db.get(store.meta, read, FLOOR));
        if (since.seq() > high) {
          throw new IllegalArgumentException("cursor " + since.encode() + " is ahead of this"
              + " journal (seq " + since.seq() + " > " + high + "): it was not issued by this"
              + " agent; ask for changes without a cursor to get a current one");
        }
        // Read from the same snapshot as the index: tombstones are deleted only after the
        // horizon that refuses the cursors needing them is stored.
        if (since.seq() < RecordCodec.decodeLong(store.db.get(store.meta, read, HORIZON), 0)) {
          return ChangesAnswer.fresh(currentCursor());
        }
        return since.seq() < floorNow
            ? JournalAnswers.fromIndex(store, read, since, high, prefix, limit)
            : JournalAnswers.fromJournal(store, read, since, high, prefix, limit);
      } catch (RocksDBException e) {
        throw new JournalException("cannot read the journal", e);
      } finally {
        store.db.releaseSnapshot(snapshot);
      }
    } finally {
      open.readLock().unlock();
    }
  }

  /**
   * Drops journal entries beyond {@link JournalOptions#maxEntries()} or older than {@link
   * JournalOptions#maxAge()} (one range delete) and advances the floor; the index is kept, so
   * older cursors are then answered from it. Then, past {@link JournalOptions#maxTombstones()},
   * prunes the oldest tombstones below the floor and raises the horizon (see the class doc).
   *
   * @return how many journal entries were dropped
   */
  public long compact() {
    open.readLock().lock();
    try {
      synchronized (this) {
        checkOpen();
        long dropped = trimJournal();
        pruneTombstones();
        return dropped;
      }
    } finally {
      open.readLock().unlock();
    }
  }

  private long trimJournal() {
    long high = highSeq;
    long cut = Math.max(floor, high - options.maxEntries());
    long tooOld = options.clock().millis() - options.maxAge().toMillis();
    try (RocksIterator it = store.db.newIterator(store.journal)) {
      for (it.seek(RecordCodec.seqKey(cut + 1)); it.isValid(); it.next()) {
        if (RecordCodec.appendedAtMillis(it.value()) >= tooOld) {
          break;
        }
        cut = RecordCodec.seqOf(it.key());
      }
    }
    if (cut <= floor) {
      return 0;
    }
    try (WriteBatch batch = new WriteBatch()) {
      batch.deleteRange(store.journal, RecordCodec.seqKey(floor + 1), RecordCodec.seqKey(cut + 1));
      batch.put(store.meta, FLOOR, RecordCodec.encodeLong(cut));
      store.db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw new JournalException("cannot compact the journal", e);
    }
    long dropped = cut - floor;
    floor = cut;
    log.debug("compacted {} journal entries, floor now {}", dropped, cut);
    return dropped;
  }

  /**
   * Past the bound, prunes down to three quarters of it (so the full index scans stay rare), but
   * only tombstones the journal no longer holds: the horizon never passes the floor.
   */
  private void pruneTombstones() {
    long max = options.maxTombstones();
    if (tombstones <= max || floor < oldestTombstone) {
      return;
    }
    long target = max - max / 4;
    TombstonePruner.Pick pick = TombstonePruner.pick(store, floor, highSeq, tombstones - target);
    oldestTombstone = pick.oldestLeft();
    if (pick.horizon() == 0) {
      return; // every tombstone is newer than the floor: the journal still needs none of them
    }
    // Below the stored horizon only tombstones a crash left before their delete can be found.
    long newHorizon = Math.max(pick.horizon(), horizon);
    try {
      if (newHorizon > horizon) {
        // The horizon first: a reader whose snapshot misses a tombstone then refuses the cursors
        // that needed it. A crash before the deletes only leaves tombstones nobody can ask for.
        try (WriteBatch batch = new WriteBatch()) {
          batch.put(store.meta, HORIZON, RecordCodec.encodeLong(newHorizon));
          store.db.write(writeOptions, batch);
        }
        horizon = newHorizon;
      }
      long pruned = TombstonePruner.deleteUpTo(store, newHorizon, (batch, n) -> {
        batch.put(store.meta, TOMBSTONES, RecordCodec.encodeLong(tombstones - n));
        store.db.write(writeOptions, batch);
        tombstones -= n;
      });
      log.info("pruned {} index tombstones; cursors before seq {} now get fresh_instance",
          pruned, newHorizon);
    } catch (RocksDBException e) {
      throw new JournalException("cannot prune index tombstones", e);
    }
  }

  /** Calls {@code action} for every index entry (tombstones included), in path byte order. */
  public void forEachIndexEntry(BiConsumer<String, IndexEntry> action) {
    open.readLock().lock();
    try (RocksIterator it = store.db.newIterator(store.index)) {
      checkOpen();
      for (it.seekToFirst(); it.isValid(); it.next()) {
        action.accept(RecordCodec.pathOf(it.key()), RecordCodec.decodeIndex(it.value()));
      }
    } finally {
      open.readLock().unlock();
    }
  }

  /** The index entry for {@code path}, or null if the index never heard of it. */
  public IndexEntry indexEntry(String path) {
    open.readLock().lock();
    try {
      checkOpen();
      byte[] v = store.db.get(store.index, RecordCodec.pathKey(path));
      return v == null ? null : RecordCodec.decodeIndex(v);
    } catch (RocksDBException e) {
      throw new JournalException("cannot read the path index", e);
    } finally {
      open.readLock().unlock();
    }
  }

  /** A cursor for "now": {@code changesSince} it returns only what is appended later. */
  public Cursor currentCursor() {
    return new Cursor(epoch, highSeq);
  }

  public long epoch() {
    return epoch;
  }

  public long highSeq() {
    return highSeq;
  }

  /** Compaction deleted every entry with a seq at or below this. */
  public long floor() {
    return floor;
  }

  /**
   * The oldest cursor seq still answered: older ones of this epoch get {@code freshInstance},
   * because tombstones of deletes they have not seen were pruned. Never above {@link #floor()}.
   */
  public long horizon() {
    return horizon;
  }

  /** Entries currently in the journal column family. */
  public long journalEntries() {
    return highSeq - floor;
  }

  /** Live (existing) paths in the index. */
  public long indexEntries() {
    return live;
  }

  /** Deleted paths the index remembers. */
  public long tombstones() {
    return tombstones;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the journal is closed");
    }
  }

  /** Waits for running calls, then closes the store (the WAL is synced). Idempotent. */
  @Override
  public void close() {
    open.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        writeOptions.close();
        store.close();
      }
    } finally {
      open.writeLock().unlock();
    }
  }
}
