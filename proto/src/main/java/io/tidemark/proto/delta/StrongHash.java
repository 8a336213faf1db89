package io.tidemark.proto.delta;

import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hasher128;
import com.dynatrace.hash4j.hashing.Hashing;

/**
 * The per-block strong hash: XXH3-128 (hash4j), seen as 16 big-endian bytes (high 64 bits
 * first) and compared on its first {@code length} bytes (8..16, see {@link BlockSignature}).
 */
final class StrongHash {
  static final Hasher128 XXH3_128 = Hashing.xxh3_128();

  private StrongHash() {}

  static HashValue128 of(byte[] buf, int off, int len) {
    return XXH3_128.hashBytesTo128Bits(buf, off, len);
  }

  /** The mask applied to the low 64 bits when the hash is truncated to {@code length} bytes. */
  static long lowMask(int length) {
    return length <= 8 ? 0L : -1L << (8 * (16 - length));
  }
}
