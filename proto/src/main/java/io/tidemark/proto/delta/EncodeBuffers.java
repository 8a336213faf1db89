package io.tidemark.proto.delta;

/**
 * The growable buffers of one {@link DeltaEncoder#encode} call: the scan window over the new
 * content, the frame being filled, and the zstd output. An encoder keeps one set between calls, so
 * a stream of files allocates them once (grown to the largest file's needs, at most about 2.5 MiB)
 * instead of per file: per-file buffers were most of the garbage of a replication stream. Not
 * thread-safe; one call owns a set at a time.
 */
final class EncodeBuffers {
  byte[] window = new byte[0];
  byte[] frame = new byte[0];
  byte[] compressed = new byte[0];

  /** {@code current} if it holds {@code size} bytes, else a new array of {@code size}. */
  static byte[] atLeast(byte[] current, int size) {
    return current.length >= size ? current : new byte[size];
  }
}
