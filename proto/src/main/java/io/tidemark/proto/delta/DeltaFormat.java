package io.tidemark.proto.delta;

/**
 * The delta wire format, version 1: constants and limits shared by {@link DeltaEncoder} and
 * {@link DeltaApplier}.
 *
 * <p>A delta is a sequence of <b>frames</b>, each at most {@value #MAX_FRAME_BYTES} bytes; the
 * transport carries frame boundaries (one gRPC message per frame). Integers written "varint" are
 * unsigned LEB128 (7 bits per byte, low group first, high bit = more), at most 9 bytes (63 bits).
 *
 * <pre>
 * frame     := varint sequence            0, 1, 2, ... with no gaps
 *              [stream header]            only in frame 0
 *              instruction+               at least one; instructions never span frames
 * header    := 'T' 'M' 'D' (0x54 0x4D 0x44), version u8 = 1, varint basisLength
 *              (must equal the receiver's basis length, except 0: a delta against nothing
 *              holds only literals and applies whatever the receiver holds)
 * instruction :=
 *   0x01 COPY          varint offset, varint length    basis bytes [offset, offset+length),
 *                                                        length &ge; 1, offset+length &le; basisLength
 *   0x02 LITERAL_RAW   varint n, n bytes               1 &le; n &le; {@value #MAX_LITERAL_BYTES}
 *   0x03 LITERAL_ZSTD  varint n, varint c, c bytes     one zstd frame that inflates to exactly n
 *                                                        bytes, 1 &le; n &le; {@value #MAX_LITERAL_BYTES},
 *                                                        1 &le; c &le; rest of the frame
 *   0x04 END           varint newLength, 32 bytes      length and SHA-256 of the new content;
 *                                                        must be the last byte of the last frame
 * </pre>
 *
 * The encoder merges adjacent COPYs, cuts literals into chunks of {@value #MAX_LITERAL_BYTES}
 * bytes, and sends a chunk raw when zstd does not shrink it. The applier decompresses into a
 * fixed {@value #MAX_LITERAL_BYTES}-byte buffer, so a decompression bomb cannot grow past it.
 */
public final class DeltaFormat {
  public static final int VERSION = 1;
  public static final int MAX_FRAME_BYTES = 1 << 20;
  public static final int MAX_LITERAL_BYTES = 128 * 1024;
  static final byte[] MAGIC = {'T', 'M', 'D'};
  static final int OP_COPY = 0x01;
  static final int OP_LITERAL_RAW = 0x02;
  static final int OP_LITERAL_ZSTD = 0x03;
  static final int OP_END = 0x04;
  static final int SHA256_BYTES = 32;
  static final int MAX_VARINT_BYTES = 9;
  /** Upper bound of one encoded instruction (a raw literal chunk is the largest). */
  static final int MAX_INSTRUCTION_BYTES = 1 + 2 * MAX_VARINT_BYTES + MAX_LITERAL_BYTES;

  private DeltaFormat() {}
}
