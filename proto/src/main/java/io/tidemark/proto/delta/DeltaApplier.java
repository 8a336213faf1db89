package io.tidemark.proto.delta;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Rebuilds new content from a delta (format in {@link DeltaFormat}) and a random-access {@link
 * DeltaBasis}, writing it to an output channel (normally a temp file that is renamed into place
 * only after {@link #finish()} succeeded). Feed frames in order with {@link #accept}.
 *
 * <p>Every length and offset from the wire is checked before it is used: copies must lie inside
 * the basis, literal chunks are at most {@value DeltaFormat#MAX_LITERAL_BYTES} bytes and inflate
 * into a fixed buffer of that size, the output may not exceed {@code maxOutputLength}, and buffers
 * are never sized from the wire. Anything malformed throws {@link CorruptDeltaException}; a
 * well-formed delta for another basis, or output whose SHA-256 differs from the one announced,
 * throws {@link DeltaMismatchException}. After either, the applier refuses further input. Not
 * thread-safe; call {@link #close()} to release the zstd context.
 */
public final class DeltaApplier implements AutoCloseable {
  private static final int MIN_CHUNK = 8 * 1024;
  private DeltaBasis basis;
  private final WritableByteChannel out;
  private final long maxOutputLength;
  private final MessageDigest sha256;
  /** Created on the first compressed literal: a small file sent raw never pays for it. */
  private ZstdDecompressCtx zstd;
  /**
   * Grows in powers of two up to {@value DeltaFormat#MAX_LITERAL_BYTES} as instructions need it
   * (a bound of the format, never a length from the wire), so a small file costs a small buffer.
   */
  private byte[] chunk = new byte[MIN_CHUNK];
  private long nextSequence;
  private long written;
  private boolean ended;
  private boolean failed;
  private byte[] digest;

  /** An applier whose output may be as long as the largest basis a signature can describe. */
  public DeltaApplier(DeltaBasis basis, WritableByteChannel out) {
    this(basis, out, BlockSignature.MAX_BASIS_LENGTH);
  }

  /** An applier that rejects a delta producing more than {@code maxOutputLength} bytes. */
  public DeltaApplier(DeltaBasis basis, WritableByteChannel out, long maxOutputLength) {
    this.basis = basis;
    this.out = out;
    this.maxOutputLength = maxOutputLength;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always provides SHA-256", e);
    }
  }

  /** Applies the next frame. */
  public void accept(ByteBuffer frame) throws IOException {
    if (failed) {
      throw new CorruptDeltaException("this delta was already rejected; start over with a new applier");
    }
    try {
      applyFrame(frame.slice());
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  /** Convenience for a frame held in an array. */
  public void accept(byte[] frame) throws IOException {
    accept(ByteBuffer.wrap(frame));
  }

  /** Checks that the delta ended properly; returns the verified length and SHA-256 of the output. */
  public DeltaSummary finish() throws CorruptDeltaException {
    if (!ended) {
      failed = true;
      throw new CorruptDeltaException("delta truncated: " + nextSequence + " frame(s) received, none ended with END");
    }
    return new DeltaSummary(written, digest.clone(), -1, -1, -1, (int) nextSequence);
  }

  public long bytesWritten() {
    return written;
  }

  @Override
  public void close() {
    if (zstd != null) {
      zstd.close();
    }
  }

  /** The chunk buffer, grown to hold {@code n} bytes (n at most {@value DeltaFormat#MAX_LITERAL_BYTES}). */
  private byte[] chunk(int n) {
    if (chunk.length < n) {
      int size = chunk.length;
      while (size < n) {
        size <<= 1;
      }
      chunk = new byte[Math.min(size, DeltaFormat.MAX_LITERAL_BYTES)];
    }
    return chunk;
  }

  private void applyFrame(ByteBuffer in) throws IOException {
    if (ended) {
      throw new CorruptDeltaException("trailing data: a frame of " + in.remaining() + " bytes arrived after END");
    }
    if (in.remaining() > DeltaFormat.MAX_FRAME_BYTES) {
      throw new CorruptDeltaException("frame of " + in.remaining() + " bytes exceeds the limit of " + DeltaFormat.MAX_FRAME_BYTES);
    }
    long sequence = Varint.read(in, "frame sequence");
    if (sequence != nextSequence) {
      throw new CorruptDeltaException("frame " + sequence + " arrived where frame " + nextSequence + " was expected");
    }
    nextSequence++;
    if (sequence == 0) {
      readHeader(in);
    }
    if (!in.hasRemaining()) {
      throw new CorruptDeltaException("frame " + sequence + " carries no instruction");
    }
    while (in.hasRemaining()) {
      int op = in.get() & 0xff;
      switch (op) {
        case DeltaFormat.OP_COPY -> copy(in);
        case DeltaFormat.OP_LITERAL_RAW -> literalRaw(in);
        case DeltaFormat.OP_LITERAL_ZSTD -> literalZstd(in);
        case DeltaFormat.OP_END -> end(in);
        default -> throw new CorruptDeltaException(
            String.format("unknown opcode 0x%02x at byte %d of frame %d", op, in.position() - 1, sequence));
      }
    }
  }

  private void readHeader(ByteBuffer in) throws DeltaException {
    if (in.remaining() < DeltaFormat.MAGIC.length + 1) {
      throw new CorruptDeltaException("truncated frame: stream header cut off");
    }
    byte[] magic = new byte[DeltaFormat.MAGIC.length];
    in.get(magic);
    if (!Arrays.equals(magic, DeltaFormat.MAGIC)) {
      throw new CorruptDeltaException("not a Tidemark delta: magic " + HexFormat.of().formatHex(magic));
    }
    int version = in.get() & 0xff;
    if (version != DeltaFormat.VERSION) {
      throw new CorruptDeltaException("delta version " + version + " is not supported (this build reads " + DeltaFormat.VERSION + ")");
    }
    long basisLength = Varint.read(in, "basis length");
    if (basisLength == 0) {
      // Made against nothing (a whole file): all literals, so it cannot depend on what the
      // receiver holds. Refusing it over a non-empty basis would make "send it whole" — the
      // receiver's last resort after a failed delta — fail forever.
      basis = DeltaBasis.empty();
    } else if (basisLength != basis.size()) {
      throw new DeltaMismatchException(
          "the delta was made against a basis of " + basisLength + " bytes, but this basis has " + basis.size());
    }
  }

  private void copy(ByteBuffer in) throws IOException {
    long offset = Varint.read(in, "COPY offset");
    long length = Varint.read(in, "COPY length");
    if (length < 1 || offset > basis.size() || length > basis.size() - offset) {
      throw new CorruptDeltaException(
          "COPY of " + length + " bytes at offset " + offset + " lies outside the basis of " + basis.size() + " bytes");
    }
    reserve(length);
    byte[] buf = chunk((int) Math.min(DeltaFormat.MAX_LITERAL_BYTES, length));
    for (long done = 0; done < length; ) {
      int n = (int) Math.min(buf.length, length - done);
      basis.read(offset + done, buf, 0, n);
      emit(n);
      done += n;
    }
  }

  private void literalRaw(ByteBuffer in) throws IOException {
    int length = literalLength(in, "LITERAL_RAW length");
    if (in.remaining() < length) {
      throw new CorruptDeltaException("truncated frame: LITERAL_RAW of " + length + " bytes has only " + in.remaining());
    }
    reserve(length);
    ByteBuffer data = in.slice(in.position(), length); // straight from the frame, no copy
    in.position(in.position() + length);
    sha256.update(data.duplicate());
    while (data.hasRemaining()) {
      out.write(data);
    }
    written += length;
  }

  private void literalZstd(ByteBuffer in) throws IOException {
    int length = literalLength(in, "LITERAL_ZSTD length");
    long compressed = Varint.read(in, "LITERAL_ZSTD compressed length");
    if (compressed < 1 || compressed > in.remaining()) {
      throw new CorruptDeltaException(
          "truncated frame: LITERAL_ZSTD declares " + compressed + " compressed bytes, " + in.remaining() + " left");
    }
    reserve(length);
    ByteBuffer src = in.slice(in.position(), (int) compressed);
    in.position(in.position() + (int) compressed);
    int inflated;
    byte[] chunk = chunk(length);
    if (zstd == null) {
      zstd = new ZstdDecompressCtx();
    }
    try {
      if (src.hasArray()) {
        inflated = zstd.decompressByteArray(chunk, 0, length, src.array(), src.arrayOffset(), src.remaining());
      } else {
        byte[] copy = new byte[src.remaining()]; // bounded by the frame size checked above
        src.get(copy);
        inflated = zstd.decompressByteArray(chunk, 0, length, copy, 0, copy.length);
      }
    } catch (ZstdException e) {
      throw new CorruptDeltaException("LITERAL_ZSTD does not inflate to " + length + " bytes: " + e.getMessage(), e);
    }
    if (inflated != length) {
      throw new CorruptDeltaException("LITERAL_ZSTD inflated to " + inflated + " bytes, declared " + length);
    }
    emit(length);
  }

  private void end(ByteBuffer in) throws IOException {
    long newLength = Varint.read(in, "END length");
    if (in.remaining() < DeltaFormat.SHA256_BYTES) {
      throw new CorruptDeltaException("truncated frame: END has " + in.remaining() + " of 32 SHA-256 bytes");
    }
    byte[] expected = new byte[DeltaFormat.SHA256_BYTES];
    in.get(expected);
    if (in.hasRemaining()) {
      throw new CorruptDeltaException("trailing data: " + in.remaining() + " bytes after END");
    }
    if (newLength != written) {
      throw new CorruptDeltaException("END announces " + newLength + " bytes but the instructions produced " + written);
    }
    byte[] actual = sha256.digest();
    if (!MessageDigest.isEqual(actual, expected)) {
      throw new DeltaMismatchException("rebuilt content has SHA-256 " + HexFormat.of().formatHex(actual)
          + " but the source announced " + HexFormat.of().formatHex(expected) + "; the basis differs from the one signed");
    }
    digest = actual;
    ended = true;
  }

  private int literalLength(ByteBuffer in, String what) throws CorruptDeltaException {
    long length = Varint.read(in, what);
    if (length < 1 || length > DeltaFormat.MAX_LITERAL_BYTES) {
      throw new CorruptDeltaException(what + " " + length + " outside 1.." + DeltaFormat.MAX_LITERAL_BYTES);
    }
    return (int) length;
  }

  private void reserve(long length) throws CorruptDeltaException {
    if (length > maxOutputLength - written) {
      throw new CorruptDeltaException("the delta would write more than the limit of " + maxOutputLength + " bytes");
    }
  }

  private void emit(int n) throws IOException {
    sha256.update(chunk, 0, n);
    ByteBuffer data = ByteBuffer.wrap(chunk, 0, n);
    while (data.hasRemaining()) {
      out.write(data);
    }
    written += n;
  }
}
