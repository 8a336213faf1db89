package io.tidemark.proto.delta;

/**
 * The delta stream is malformed or hostile (truncated frame, unknown opcode, copy past the basis
 * end, oversized length, trailing bytes, wrong version). Nothing in it can be trusted: discard
 * the partial output and ask the source for the file again (a whole-file delta if this repeats).
 */
public final class CorruptDeltaException extends DeltaException {
  private static final long serialVersionUID = 1L;

  public CorruptDeltaException(String message) {
    super(message);
  }

  public CorruptDeltaException(String message, Throwable cause) {
    super(message, cause);
  }
}
