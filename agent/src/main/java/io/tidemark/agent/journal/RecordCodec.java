package io.tidemark.agent.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Byte encodings of journal records, index entries and meta values; see {@link ChangeJournal}. */
final class RecordCodec {

  static final byte FORMAT = 1;
  private static final byte DIR = 1;
  private static final byte TOMBSTONE = 1;
  private static final byte HAS_HASH = 2;
  private static final byte IS_DIR_TOMBSTONE = 4;

  private RecordCodec() {}

  static byte[] seqKey(long seq) {
    return ByteBuffer.allocate(8).putLong(seq).array();
  }

  static long seqOf(byte[] key) {
    return ByteBuffer.wrap(key).getLong();
  }

  static byte[] pathKey(String path) {
    return path.getBytes(StandardCharsets.UTF_8);
  }

  static String pathOf(byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }

  static byte[] encodeChange(Change c, long appendedAtMillis) {
    byte[] path = pathKey(c.path());
    byte[] from = c.from() == null ? null : pathKey(c.from());
    ByteBuffer b = ByteBuffer.allocate(1 + 1 + 1 + 8 + 4 + path.length
        + (from == null ? 0 : 4 + from.length));
    b.put(FORMAT).put(kindCode(c.kind())).put(c.dir() ? DIR : 0).putLong(appendedAtMillis);
    b.putInt(path.length).put(path);
    if (from != null) {
      b.putInt(from.length).put(from);
    }
    return b.array();
  }

  static Change decodeChange(byte[] v) {
    ByteBuffer b = ByteBuffer.wrap(v);
    checkFormat(b.get());
    ChangeKind kind = kindOf(b.get());
    boolean dir = (b.get() & DIR) != 0;
    b.getLong();
    String path = string(b);
    String from = kind == ChangeKind.RENAMED ? string(b) : null;
    return new Change(kind, path, from, dir);
  }

  static long appendedAtMillis(byte[] v) {
    return ByteBuffer.wrap(v, 3, 8).getLong();
  }

  static byte[] encodeIndex(IndexEntry e) {
    FileStat s = e.stat();
    byte[] hash = s.contentHash();
    int flags = (e.tombstone() ? TOMBSTONE : 0) | (hash != null ? HAS_HASH : 0)
        | (e.tombstone() && s.isDir() ? IS_DIR_TOMBSTONE : 0);
    ByteBuffer b = ByteBuffer.allocate(54 + (hash == null ? 0 : 1 + hash.length));
    b.put(FORMAT).put((byte) flags).putLong(e.lastSeq()).putLong(e.createdSeq());
    if (e.tombstone()) {
      b.putLong(0).putLong(0).putLong(0).putLong(0).putInt(0);
    } else {
      b.putLong(s.size()).putLong(s.mtimeNs()).putLong(s.ctimeNs()).putLong(s.inode())
          .putInt(s.mode());
    }
    if (hash != null) {
      b.put((byte) hash.length).put(hash);
    }
    return b.array();
  }

  static IndexEntry decodeIndex(byte[] v) {
    ByteBuffer b = ByteBuffer.wrap(v);
    checkFormat(b.get());
    int flags = b.get();
    long seq = b.getLong();
    long created = b.getLong();
    if ((flags & TOMBSTONE) != 0) {
      return IndexEntry.tombstone(seq, (flags & IS_DIR_TOMBSTONE) != 0);
    }
    long size = b.getLong();
    long mtime = b.getLong();
    long ctime = b.getLong();
    long ino = b.getLong();
    int mode = b.getInt();
    byte[] hash = null;
    if ((flags & HAS_HASH) != 0) {
      hash = new byte[b.get() & 0xff];
      b.get(hash);
    }
    return IndexEntry.live(seq, created, new FileStat(size, mtime, ctime, ino, mode, hash));
  }

  /** The tombstone flag of an encoded index entry, without decoding the rest. */
  static boolean isTombstone(byte[] v) {
    checkFormat(v[0]);
    return (v[1] & TOMBSTONE) != 0;
  }

  /** The last seq of an encoded index entry, without decoding the rest. */
  static long lastSeqOf(byte[] v) {
    checkFormat(v[0]);
    return ByteBuffer.wrap(v, 2, 8).getLong();
  }

  static byte[] encodeLong(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  /** A meta value that older journals may not have: {@code absent} when it is missing. */
  static long decodeLong(byte[] v, long absent) {
    return v == null ? absent : decodeLong(v);
  }

  static long decodeLong(byte[] v) {
    if (v == null || v.length != 8) {
      throw new IllegalStateException("meta value is not an int64");
    }
    return ByteBuffer.wrap(v).getLong();
  }

  private static String string(ByteBuffer b) {
    byte[] s = new byte[b.getInt()];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  private static void checkFormat(byte f) {
    if (f != FORMAT) {
      throw new IllegalStateException("unknown record format " + f);
    }
  }

  private static byte kindCode(ChangeKind k) {
    return switch (k) {
      case CREATED -> 1;
      case MODIFIED -> 2;
      case DELETED -> 3;
      case RENAMED -> 4;
      case ATTRIB -> 5;
    };
  }

  private static ChangeKind kindOf(byte code) {
    return switch (code) {
      case 1 -> ChangeKind.CREATED;
      case 2 -> ChangeKind.MODIFIED;
      case 3 -> ChangeKind.DELETED;
      case 4 -> ChangeKind.RENAMED;
      case 5 -> ChangeKind.ATTRIB;
      default -> throw new IllegalStateException("unknown change kind " + code);
    };
  }
}
