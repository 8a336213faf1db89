package io.tidemark.agent.journal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * The path index as one {@code append} sees it: what is stored, overlaid with the writes this
 * batch has made so far (a {@link WriteBatch} cannot be read back). Also keeps the live/tombstone
 * count deltas.
 */
final class IndexView implements AutoCloseable {

  private final RocksDB db;
  private final ColumnFamilyHandle cf;
  private final TreeMap<String, IndexEntry> pending = new TreeMap<>();
  private RocksIterator iterator; // one per batch: re-seeking is far cheaper than a new one
  long liveDelta;
  long tombstoneDelta;

  IndexView(RocksDB db, ColumnFamilyHandle cf) {
    this.db = db;
    this.cf = cf;
  }

  IndexEntry get(String path) {
    IndexEntry e = pending.get(path);
    if (e != null) {
      return e;
    }
    try {
      byte[] v = db.get(cf, RecordCodec.pathKey(path));
      return v == null ? null : RecordCodec.decodeIndex(v);
    } catch (RocksDBException ex) {
      throw new JournalException("cannot read the path index", ex);
    }
  }

  void put(String path, IndexEntry e) {
    IndexEntry old = get(path);
    if (old != null) {
      if (old.tombstone()) {
        tombstoneDelta--;
      } else {
        liveDelta--;
      }
    }
    if (e.tombstone()) {
      tombstoneDelta++;
    } else {
      liveDelta++;
    }
    pending.put(path, e);
  }

  /** Every entry strictly below directory {@code dir} ({@code ""} = the root: everything). */
  Map<String, IndexEntry> under(String dir) {
    String prefix = dir.isEmpty() ? "" : dir + "/";
    Map<String, IndexEntry> out = new HashMap<>();
    if (iterator == null) {
      iterator = db.newIterator(cf);
    }
    RocksIterator it = iterator;
    for (it.seek(RecordCodec.pathKey(prefix)); it.isValid(); it.next()) {
      String path = RecordCodec.pathOf(it.key());
      if (!path.startsWith(prefix)) {
        break;
      }
      if (!path.isEmpty()) {
        out.put(path, RecordCodec.decodeIndex(it.value()));
      }
    }
    Map<String, IndexEntry> mine = prefix.isEmpty()
        ? pending
        : pending.subMap(prefix, true, dir + "0", false);
    out.putAll(mine);
    out.remove("");
    return out;
  }

  /** A live entry at {@code path} or anywhere below it. Stops at the first one found. */
  boolean liveAtOrBelow(String path) {
    if (path.isEmpty()) {
      return true; // the root itself always exists
    }
    IndexEntry own = get(path);
    if (own != null && !own.tombstone()) {
      return true;
    }
    String prefix = path + "/";
    NavigableMap<String, IndexEntry> mine = pending.subMap(prefix, true, path + "0", false);
    for (IndexEntry e : mine.values()) {
      if (!e.tombstone()) {
        return true;
      }
    }
    if (iterator == null) {
      iterator = db.newIterator(cf);
    }
    RocksIterator it = iterator;
    byte[] start = RecordCodec.pathKey(prefix);
    for (it.seek(start); it.isValid(); it.next()) {
      byte[] key = it.key();
      if (!startsWith(key, start)) {
        break;
      }
      if (!RecordCodec.isTombstone(it.value()) && !mine.containsKey(RecordCodec.pathOf(key))) {
        return true;
      }
    }
    return false;
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  void writeTo(WriteBatch batch) throws RocksDBException {
    for (Map.Entry<String, IndexEntry> e : pending.entrySet()) {
      batch.put(cf, RecordCodec.pathKey(e.getKey()), RecordCodec.encodeIndex(e.getValue()));
    }
  }

  @Override
  public void close() {
    if (iterator != null) {
      iterator.close();
    }
  }
}
