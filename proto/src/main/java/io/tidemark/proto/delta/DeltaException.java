package io.tidemark.proto.delta;

import java.io.IOException;

/** A delta or signature could not be used; the subclasses say whether it was damaged or just for other data. */
public abstract sealed class DeltaException extends IOException
    permits CorruptDeltaException, DeltaMismatchException, CorruptSignatureException {
  private static final long serialVersionUID = 1L;

  DeltaException(String message) {
    super(message);
  }

  DeltaException(String message, Throwable cause) {
    super(message, cause);
  }
}
