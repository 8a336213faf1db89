package io.tidemark.agent.replication;

import io.tidemark.proto.delta.BlockSignature;
import io.tidemark.proto.delta.CorruptSignatureException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SentVersions} on disk, so an agent restart does not cost every peer a signature upload
 * for the first edit of each file: a small RocksDB in the agent's state dir ({@value #DIR_NAME}),
 * key {@code peer NUL path}, value the SHA-256 of the content last sent there followed by that
 * content's {@link BlockSignature}. Keyed by path rather than by hash, so overwrites, deletes and
 * renames keep it exactly as big as what the peers hold — no garbage to collect.
 *
 * <p>It is a cache: writes are not synced (a crash may lose the last ones, which costs one
 * signature round trip each, never correctness — the peer verifies every file), and a store that
 * cannot be opened is replaced by an empty one. Operations after {@link #close()} do nothing.
 * Thread-safe.
 */
final class SentVersionsStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SentVersionsStore.class);
  static final String DIR_NAME = "replication";
  private static final HexFormat HEX = HexFormat.of();
  private static final int SHA256_BYTES = 32;

  static {
    RocksDB.loadLibrary();
  }

  private final RocksDB db;
  private final Options options;
  private final WriteOptions writes = new WriteOptions().setSync(false);
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  private SentVersionsStore(RocksDB db, Options options) {
    this.db = db;
    this.options = options;
  }

  /** Opens (creating) the store in {@code stateDir}; an unreadable one is replaced by an empty one. */
  static SentVersionsStore open(Path stateDir) throws IOException {
    Path dir = stateDir.resolve(DIR_NAME);
    Files.createDirectories(dir);
    try {
      return openOnce(dir);
    } catch (RocksDBException first) {
      log.warn("the replication store in {} is unreadable ({}); starting an empty one (each peer's next"
          + " edit of a file costs a signature round trip)", dir, first.getMessage());
      deleteTree(dir);
      Files.createDirectories(dir);
      try {
        return openOnce(dir);
      } catch (RocksDBException again) {
        throw new IOException("cannot create the replication store in " + dir + ": " + again.getMessage(), again);
      }
    }
  }

  private static SentVersionsStore openOnce(Path dir) throws RocksDBException {
    Options options = new Options().setCreateIfMissing(true).optimizeForSmallDb().setMaxOpenFiles(32)
        .setKeepLogFileNum(2).setMaxLogFileSize(1 << 20).setMaxTotalWalSize(16L << 20)
        .setStatsDumpPeriodSec(0).setInfoLogLevel(org.rocksdb.InfoLogLevel.WARN_LEVEL);
    try {
      return new SentVersionsStore(RocksDB.open(options, dir.toString()), options);
    } catch (RocksDBException | RuntimeException e) {
      options.close();
      throw e;
    }
  }

  /** What was last sent to a peer at a path: the hash (hex), and its signature parsed on demand. */
  record Sent(String path, String sha256Hex, byte[] value) {
    /** The stored signature, or null when it does not parse (then a round trip fetches one). */
    BlockSignature signature() {
      if (value.length == SHA256_BYTES) {
        return null; // sent, signature not made (yet): a round trip fetches one
      }
      try {
        return BlockSignature.parse(Arrays.copyOfRange(value, SHA256_BYTES, value.length));
      } catch (CorruptSignatureException e) {
        log.warn("ignoring a corrupt stored signature of {}: {}", path, e.getMessage());
        return null;
      }
    }
  }

  /** What was last sent to {@code peer} at {@code path}, or null. */
  Sent get(String peer, String path) {
    byte[] value = read(() -> db.get(key(peer, path)));
    if (value == null || value.length < SHA256_BYTES) {
      return null;
    }
    return new Sent(path, HEX.formatHex(value, 0, SHA256_BYTES), value);
  }

  /** Remembers a send; {@code signature} may be null (added later by {@link #attach}). */
  void put(String peer, String path, String sha256Hex, BlockSignature signature) {
    byte[] sig = signature == null ? new byte[0] : signature.toBytes();
    byte[] value = ByteBuffer.allocate(SHA256_BYTES + sig.length).put(HEX.parseHex(sha256Hex)).put(sig).array();
    write(() -> {
      db.put(writes, key(peer, path), value);
      return null;
    });
  }

  /**
   * Adds the signature to what was sent at {@code path} when that is still {@code sha256Hex}
   * (it may have been replaced, renamed or deleted since). The caller serialises writes per peer.
   */
  void attach(String peer, String path, String sha256Hex, BlockSignature signature) {
    Sent s = get(peer, path);
    if (s != null && s.sha256Hex().equals(sha256Hex)) {
      put(peer, path, sha256Hex, signature);
    }
  }

  /** Forgets {@code path} and everything under it. */
  void remove(String peer, String path) {
    write(() -> {
      try (WriteBatch batch = new WriteBatch()) {
        removeTree(batch, peer, path);
        db.write(writes, batch);
      }
      return null;
    });
  }

  /** Moves {@code from} and everything under it to {@code to}, replacing what {@code to} held. */
  void rename(String peer, String from, String to) {
    write(() -> {
      List<byte[][]> moves = new ArrayList<>(); // old key, new key, value
      byte[] value = db.get(key(peer, from));
      if (value != null) {
        moves.add(new byte[][] {key(peer, from), key(peer, to), value});
      }
      byte[] prefix = key(peer, from + "/");
      try (RocksIterator it = db.newIterator()) {
        for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
          String rest = new String(it.key(), prefix.length, it.key().length - prefix.length, StandardCharsets.UTF_8);
          moves.add(new byte[][] {it.key(), key(peer, to + "/" + rest), it.value()});
        }
      }
      try (WriteBatch batch = new WriteBatch()) { // applied in order: every delete before any put
        removeTree(batch, peer, to);
        for (byte[][] m : moves) {
          batch.delete(m[0]);
        }
        for (byte[][] m : moves) {
          batch.put(m[1], m[2]);
        }
        db.write(writes, batch);
      }
      return null;
    });
  }

  private void removeTree(WriteBatch batch, String peer, String path) throws RocksDBException {
    batch.delete(key(peer, path));
    // every key that starts with "peer NUL path /": '0' is the byte after '/'
    batch.deleteRange(key(peer, path + "/"), key(peer, path + "0"));
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] key(String peer, String path) {
    return (peer + '\0' + path).getBytes(StandardCharsets.UTF_8);
  }

  private interface Op<T> {
    T run() throws RocksDBException;
  }

  private byte[] read(Op<byte[]> op) {
    return locked(op);
  }

  private void write(Op<?> op) {
    locked(op);
  }

  private <T> T locked(Op<T> op) {
    lock.readLock().lock();
    try {
      return closed ? null : op.run();
    } catch (RocksDBException e) {
      log.warn("replication store: {}", e.getMessage()); // a cache: a failed lookup costs a round trip
      return null;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      db.close();
      writes.close();
      options.close();
    } finally {
      lock.writeLock().unlock();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> all = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(all::add);
    }
    for (Path p : all) {
      Files.delete(p);
    }
  }
}
