package io.tidemark.agent.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RocksDB instance behind a {@link ChangeJournal}: opens it with the three column families,
 * sized small (one agent, one root), and moves an unreadable instance aside instead of failing.
 */
final class JournalStore implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JournalStore.class);

  static final String DIR_NAME = "journal";

  final RocksDB db;
  final ColumnFamilyHandle journal;
  final ColumnFamilyHandle index;
  final ColumnFamilyHandle meta;
  private final List<ColumnFamilyHandle> handles;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;

  static {
    RocksDB.loadLibrary();
  }

  private JournalStore(
      RocksDB db, List<ColumnFamilyHandle> handles, DBOptions dbOptions, ColumnFamilyOptions cf) {
    this.db = db;
    this.handles = handles;
    this.journal = handles.get(1);
    this.index = handles.get(2);
    this.meta = handles.get(3);
    this.dbOptions = dbOptions;
    this.cfOptions = cf;
  }

  /**
   * Opens (creating if needed) the store under {@code stateDir}; an instance RocksDB cannot read
   * is moved to {@code journal.corrupt} (replacing an older one) and a new empty one is created.
   *
   * @throws JournalException if the store is locked by another process or the disk fails
   */
  static JournalStore open(Path stateDir) {
    Path dir = stateDir.resolve(DIR_NAME);
    try {
      Files.createDirectories(stateDir);
    } catch (IOException e) {
      throw new JournalException("cannot create the state directory " + stateDir, e);
    }
    try {
      return openOnce(dir);
    } catch (RocksDBException e) {
      if (isLock(e)) {
        throw new JournalException(
            "the journal in " + dir + " is in use by another process (another tidemark agent on"
                + " the same --state-dir?); stop it or pick another state directory", e);
      }
      log.warn("journal in {} is unreadable ({}); starting a fresh journal instance, clients"
          + " will get fresh_instance", dir, e.getMessage());
      moveAside(dir);
      try {
        return openOnce(dir);
      } catch (RocksDBException again) {
        throw new JournalException("cannot create a journal in " + dir, again);
      }
    }
  }

  /** Closes and deletes this store's files, then opens an empty one in the same place. */
  static JournalStore recreate(JournalStore old, Path stateDir, boolean keepCopy) {
    old.close();
    Path dir = stateDir.resolve(DIR_NAME);
    if (keepCopy) {
      moveAside(dir);
    } else {
      deleteTree(dir);
    }
    return open(stateDir);
  }

  private static JournalStore openOnce(Path dir) throws RocksDBException {
    DBOptions dbOptions = new DBOptions()
        .setCreateIfMissing(true)
        .setCreateMissingColumnFamilies(true)
        .setParanoidChecks(true)
        .setMaxOpenFiles(64)
        .setKeepLogFileNum(2)
        .setMaxLogFileSize(1 << 20)
        .setMaxTotalWalSize(32L << 20)
        .setStatsDumpPeriodSec(0)
        .setInfoLogLevel(InfoLogLevel.WARN_LEVEL);
    ColumnFamilyOptions cf = new ColumnFamilyOptions().optimizeForSmallDb();
    List<ColumnFamilyDescriptor> descriptors = List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cf),
        new ColumnFamilyDescriptor(bytes("journal"), cf),
        new ColumnFamilyDescriptor(bytes("index"), cf),
        new ColumnFamilyDescriptor(bytes("meta"), cf));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
      return new JournalStore(db, handles, dbOptions, cf);
    } catch (RocksDBException | RuntimeException e) {
      handles.forEach(ColumnFamilyHandle::close);
      dbOptions.close();
      cf.close();
      throw e;
    }
  }

  private static boolean isLock(RocksDBException e) {
    Status s = e.getStatus();
    String msg = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    return (s != null && s.getCode() == Status.Code.IOError && msg.contains("lock"))
        || msg.contains("lock hold");
  }

  private static void moveAside(Path dir) {
    Path aside = dir.resolveSibling(DIR_NAME + ".corrupt");
    deleteTree(aside);
    try {
      if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.move(dir, aside);
      }
    } catch (IOException e) {
      throw new JournalException("cannot move the unreadable journal " + dir + " aside", e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new JournalException("cannot delete " + dir, e);
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    handles.forEach(ColumnFamilyHandle::close);
    try {
      db.syncWal();
    } catch (RocksDBException e) {
      log.warn("could not sync the journal WAL on close: {}", e.getMessage());
    }
    db.close();
    dbOptions.close();
    cfOptions.close();
  }
}
