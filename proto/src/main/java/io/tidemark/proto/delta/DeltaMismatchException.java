package io.tidemark.proto.delta;

/**
 * The delta is well formed but does not fit this basis, or the rebuilt content does not hash to
 * the SHA-256 the source announced. Usually the peer's basis is not the version the source
 * thought it was: discard the output and fall back to uploading a fresh signature (or to a
 * whole-file transfer).
 */
public final class DeltaMismatchException extends DeltaException {
  private static final long serialVersionUID = 1L;

  public DeltaMismatchException(String message) {
    super(message);
  }
}
