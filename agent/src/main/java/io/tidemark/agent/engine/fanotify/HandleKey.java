package io.tidemark.agent.engine.fanotify;

import java.util.Arrays;

/**
 * Identity of one inode as fanotify reports it: the bytes {@code fsid (8) | struct file_handle
 * (8 + handle_bytes)}, exactly as they sit in a {@code fanotify_event_info_fid} record after its
 * 4-byte header. One mutable instance serves as the lookup probe while parsing (no allocation per
 * event); {@link #copy()} makes the immutable key that goes into a map.
 */
final class HandleKey {
  /** fsid + file_handle header + MAX_HANDLE_SZ. */
  static final int MAX_LENGTH = 8 + 8 + 128;

  private final byte[] bytes;
  private int length;
  private int hash;

  HandleKey() {
    this(new byte[MAX_LENGTH], 0);
  }

  private HandleKey(byte[] bytes, int length) {
    this.bytes = bytes;
    this.length = length;
    this.hash = Arrays.hashCode(Arrays.copyOf(bytes, length));
  }

  /** Points this probe at {@code len} bytes of {@code src} from {@code offset}. */
  HandleKey set(byte[] src, int offset, int len) {
    if (len > MAX_LENGTH || len < 16) {
      throw new IllegalArgumentException("bad file handle length " + len);
    }
    System.arraycopy(src, offset, bytes, 0, len);
    length = len;
    int h = 1;
    for (int i = 0; i < len; i++) {
      h = 31 * h + bytes[i];
    }
    hash = h;
    return this;
  }

  HandleKey copy() {
    return new HandleKey(Arrays.copyOf(bytes, length), length);
  }

  /** The filesystem id (first 8 bytes, native order), used to pick the mount fd. */
  long fsid() {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (bytes[i] & 0xff);
    }
    return v;
  }

  /** The {@code struct file_handle} part, for open_by_handle_at. */
  byte[] fileHandle() {
    return Arrays.copyOfRange(bytes, 8, length);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HandleKey k
        && k.length == length
        && k.hash == hash
        && Arrays.equals(bytes, 0, length, k.bytes, 0, length);
  }

  @Override
  public String toString() {
    return "HandleKey[fsid=" + Long.toHexString(fsid()) + ", len=" + length + "]";
  }
}
