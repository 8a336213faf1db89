package io.tidemark.proto.delta;

import java.nio.ByteBuffer;

/** Unsigned LEB128 for non-negative longs, at most {@value DeltaFormat#MAX_VARINT_BYTES} bytes. */
final class Varint {
  private Varint() {}

  /** Writes {@code value} at {@code pos} and returns the position after it. */
  static int write(byte[] buf, int pos, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative varint " + value);
    }
    while ((value & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buf[pos++] = (byte) value;
    return pos;
  }

  /** Reads a varint, naming {@code what} in the error when it is truncated or too long. */
  static long read(ByteBuffer in, String what) throws CorruptDeltaException {
    long value = 0;
    for (int i = 0; i < DeltaFormat.MAX_VARINT_BYTES; i++) {
      if (!in.hasRemaining()) {
        throw new CorruptDeltaException("truncated frame: " + what + " cut off");
      }
      int b = in.get() & 0xff;
      value |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new CorruptDeltaException(what + " is longer than " + DeltaFormat.MAX_VARINT_BYTES + " bytes");
  }
}
