package io.tidemark.proto.delta;

/**
 * Sees every byte of the new content as the {@link DeltaEncoder} reads it, in order, so a caller
 * can derive something from it (the new version's {@link SignatureGenerator signature}) without a
 * second read. The bytes are only valid during the call.
 */
public interface ContentObserver {
  void update(byte[] buf, int off, int len);
}
