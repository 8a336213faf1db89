package io.tidemark.proto.delta;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Packs instructions into frames of at most {@link DeltaFormat#MAX_FRAME_BYTES} and hands them to a
 * sink. The frame buffer starts small and doubles up to that limit, so a small file's delta does
 * not cost a megabyte of zeroed memory.
 */
final class FrameWriter {
  private static final int INITIAL_FRAME_BYTES = 16 * 1024;

  private final DeltaSink sink;
  private final EncodeBuffers buffers;
  private byte[] frame;
  private int pos;
  private int instructionsInFrame;
  private long sequence;
  private long wireBytes;
  private int frames;

  FrameWriter(DeltaSink sink, long basisLength, EncodeBuffers buffers) {
    this.sink = sink;
    this.buffers = buffers;
    this.frame = EncodeBuffers.atLeast(buffers.frame, INITIAL_FRAME_BYTES);
    buffers.frame = frame;
    pos = Varint.write(frame, 0, 0);
    System.arraycopy(DeltaFormat.MAGIC, 0, frame, pos, DeltaFormat.MAGIC.length);
    pos += DeltaFormat.MAGIC.length;
    frame[pos++] = (byte) DeltaFormat.VERSION;
    pos = Varint.write(frame, pos, basisLength);
  }

  void copy(long offset, long length) throws IOException {
    room(1 + 2 * DeltaFormat.MAX_VARINT_BYTES);
    frame[pos++] = DeltaFormat.OP_COPY;
    pos = Varint.write(frame, pos, offset);
    pos = Varint.write(frame, pos, length);
    instructionsInFrame++;
  }

  void literalRaw(byte[] src, int off, int len) throws IOException {
    room(1 + DeltaFormat.MAX_VARINT_BYTES + len);
    frame[pos++] = DeltaFormat.OP_LITERAL_RAW;
    pos = Varint.write(frame, pos, len);
    System.arraycopy(src, off, frame, pos, len);
    pos += len;
    instructionsInFrame++;
  }

  void literalZstd(int rawLength, byte[] compressed, int compressedLength) throws IOException {
    room(1 + 2 * DeltaFormat.MAX_VARINT_BYTES + compressedLength);
    frame[pos++] = DeltaFormat.OP_LITERAL_ZSTD;
    pos = Varint.write(frame, pos, rawLength);
    pos = Varint.write(frame, pos, compressedLength);
    System.arraycopy(compressed, 0, frame, pos, compressedLength);
    pos += compressedLength;
    instructionsInFrame++;
  }

  void end(long newLength, byte[] sha256) throws IOException {
    room(1 + DeltaFormat.MAX_VARINT_BYTES + DeltaFormat.SHA256_BYTES);
    frame[pos++] = DeltaFormat.OP_END;
    pos = Varint.write(frame, pos, newLength);
    System.arraycopy(sha256, 0, frame, pos, DeltaFormat.SHA256_BYTES);
    pos += DeltaFormat.SHA256_BYTES;
    instructionsInFrame++;
    flush();
  }

  long wireBytes() {
    return wireBytes;
  }

  int frames() {
    return frames;
  }

  private void room(int bytes) throws IOException {
    if (pos + bytes <= frame.length) {
      return;
    }
    if (frame.length < DeltaFormat.MAX_FRAME_BYTES) {
      int size = frame.length;
      while (size < pos + bytes && size < DeltaFormat.MAX_FRAME_BYTES) {
        size <<= 1;
      }
      frame = java.util.Arrays.copyOf(frame, Math.min(size, DeltaFormat.MAX_FRAME_BYTES));
      buffers.frame = frame;
      if (pos + bytes <= frame.length) {
        return;
      }
    }
    flush();
  }

  private void flush() throws IOException {
    if (instructionsInFrame == 0) {
      return;
    }
    sink.accept(ByteBuffer.wrap(frame, 0, pos).asReadOnlyBuffer());
    wireBytes += pos;
    frames++;
    sequence++;
    instructionsInFrame = 0;
    pos = Varint.write(frame, 0, sequence);
  }
}
