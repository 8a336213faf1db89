package io.tidemark.proto.delta;

/**
 * Serialised {@link BlockSignature} bytes are malformed (bad magic, unsupported version,
 * inconsistent counts, truncated or trailing bytes). Recompute the signature from the basis.
 */
public final class CorruptSignatureException extends DeltaException {
  private static final long serialVersionUID = 1L;

  public CorruptSignatureException(String message) {
    super(message);
  }
}
