package io.tidemark.proto.delta;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Streams new content against the {@link BlockSignature} of the peer's basis and emits a delta
 * (format in {@link DeltaFormat}) to a {@link DeltaSink}. This is rsync's match.c: a rolling weak
 * checksum slides over the new content byte by byte; a weak hit is confirmed by the strong hash
 * and becomes a COPY, everything between matches becomes LITERAL chunks (zstd-compressed when
 * that helps). Memory stays bounded (about 1.3 MiB + one frame) whatever the file size.
 *
 * <p>An empty signature (basis of 0 bytes) gives the whole-file fallback: all literals, same
 * code. Instances are thread-safe; each {@code encode} call has its own state. An encoder keeps one
 * zstd context between calls (cheaper for many small files); {@link #close()} frees it.
 */
public final class DeltaEncoder implements AutoCloseable {
  public static final int DEFAULT_ZSTD_LEVEL = 3;
  private static final int READ_CHUNK = 1 << 20;
  private static final int INITIAL_READ = 64 * 1024;
  private static final int MAX_BUFFER = DeltaFormat.MAX_LITERAL_BYTES + BlockSignature.MAX_BLOCK_SIZE + READ_CHUNK;

  private final CompressorPool compressors;
  /** One set of buffers kept between calls (a concurrent call makes its own). */
  private final java.util.concurrent.atomic.AtomicReference<EncodeBuffers> spareBuffers =
      new java.util.concurrent.atomic.AtomicReference<>();

  public DeltaEncoder() {
    this(DEFAULT_ZSTD_LEVEL);
  }

  public DeltaEncoder(int zstdLevel) {
    this.compressors = new CompressorPool(zstdLevel);
  }

  /** Frees the zstd context kept between calls; the encoder still works (without keeping one). */
  @Override
  public void close() {
    compressors.close();
  }

  public DeltaSummary encode(BlockSignature basis, byte[] content, DeltaSink sink) throws IOException {
    return encode(basis, new ArrayChannel(content), sink, null);
  }

  public DeltaSummary encode(BlockSignature basis, InputStream content, DeltaSink sink) throws IOException {
    return encode(basis, Channels.newChannel(content), sink, null);
  }

  public DeltaSummary encode(BlockSignature basis, ReadableByteChannel content, DeltaSink sink) throws IOException {
    return encode(basis, content, sink, null);
  }

  /**
   * Encodes {@code content} (read to its end, never seeked) against {@code basis}. When {@code
   * newSignature} is not null it is fed every byte of the new content, so the caller gets the
   * new version's signature (for the {@link SignatureCache}) without a second read.
   */
  public DeltaSummary encode(
      BlockSignature basis, ReadableByteChannel content, DeltaSink sink, ContentObserver newSignature)
      throws IOException {
    EncodeBuffers buffers = spareBuffers.getAndSet(null);
    if (buffers == null) {
      buffers = new EncodeBuffers();
    }
    try {
      FrameWriter frames = new FrameWriter(sink, basis.basisLength(), buffers);
      try (LiteralWriter literals = new LiteralWriter(frames, compressors, buffers)) {
        return new Scan(basis, content, frames, literals, newSignature, buffers).run();
      }
    } finally {
      spareBuffers.set(buffers);
    }
  }

  /** Reads an array without the extra copy of {@code Channels.newChannel(InputStream)}. */
  private static final class ArrayChannel implements ReadableByteChannel {
    private final byte[] bytes;
    private int pos;

    ArrayChannel(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read(ByteBuffer dst) {
      if (pos == bytes.length) {
        return -1;
      }
      int n = Math.min(dst.remaining(), bytes.length - pos);
      dst.put(bytes, pos, n);
      pos += n;
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  /** The state of one encode call. */
  private static final class Scan {
    private final BlockSignature signature;
    private final BlockIndex index;
    private final ReadableByteChannel in;
    private final FrameWriter frames;
    private final LiteralWriter literals;
    private final ContentObserver newSignature;
    private final MessageDigest sha256 = sha256();
    private final int blockSize;
    /** Grows (doubling, up to {@link #MAX_BUFFER}) only when a big input needs it. */
    private byte[] buf;
    private int end;
    private int pos;
    private int literalStart;
    private boolean eof;
    private long total;
    private long pendingCopyOffset;
    private long pendingCopyLength;
    private long copied;
    private long literal;

    private final EncodeBuffers buffers;

    Scan(BlockSignature signature, ReadableByteChannel in, FrameWriter frames, LiteralWriter literals,
        ContentObserver newSignature, EncodeBuffers buffers) {
      this.buffers = buffers;
      this.signature = signature;
      this.index = new BlockIndex(signature);
      this.in = in;
      this.frames = frames;
      this.literals = literals;
      this.newSignature = newSignature;
      this.blockSize = signature.blockSize();
      this.buf = EncodeBuffers.atLeast(buffers.window, Math.min(MAX_BUFFER, blockSize + INITIAL_READ));
      buffers.window = buf;
    }

    DeltaSummary run() throws IOException {
      RollingChecksum rolling = new RollingChecksum();
      boolean haveSum = false;
      int preferred = -1;
      boolean anyFullBlock = signature.blockCount() > 0 && signature.blockLength(0) == blockSize;
      while (anyFullBlock) {
        fill(blockSize + 1);
        if (end - pos < blockSize) {
          break;
        }
        if (!haveSum) {
          rolling.reset(buf, pos, blockSize);
          haveSum = true;
        }
        int weak = rolling.value();
        if (index.mayContain(weak)) {
          int block = index.find(weak, buf, pos, preferred);
          if (block >= 0) {
            emitLiteral(literalStart, pos);
            addCopy((long) block * blockSize, blockSize);
            pos += blockSize;
            literalStart = pos;
            haveSum = false;
            preferred = block + 1;
            continue;
          }
        }
        if (end - pos == blockSize) {
          break; // end of input: no byte to roll in
        }
        rolling.roll(buf[pos], buf[pos + blockSize]);
        pos++;
        if (pos - literalStart >= DeltaFormat.MAX_LITERAL_BYTES) {
          emitLiteral(literalStart, literalStart + DeltaFormat.MAX_LITERAL_BYTES);
          literalStart += DeltaFormat.MAX_LITERAL_BYTES;
        }
      }
      drainToEnd();
      int tailStart = end - tailLength();
      if (tailLength() > 0 && tailStart >= pos && index.matchesTail(buf, tailStart, tailLength())) {
        emitLiteral(literalStart, tailStart);
        addCopy((long) index.tailBlock() * blockSize, tailLength());
      } else {
        emitLiteral(literalStart, end);
      }
      flushCopy();
      byte[] digest = sha256.digest();
      frames.end(total, digest);
      return new DeltaSummary(total, digest, copied, literal, frames.wireBytes(), frames.frames());
    }

    /** Reads the rest of the input (less than a block when scanning ran), flushing literals to make room. */
    private void drainToEnd() throws IOException {
      while (!eof) {
        int flushable = end - blockSize - literalStart; // keep up to a block for the tail match
        if (flushable >= DeltaFormat.MAX_LITERAL_BYTES) {
          int chunkEnd = literalStart + flushable / DeltaFormat.MAX_LITERAL_BYTES * DeltaFormat.MAX_LITERAL_BYTES;
          emitLiteral(literalStart, chunkEnd);
          literalStart = chunkEnd;
          pos = Math.max(pos, literalStart);
        }
        fill(Math.max(0, end - pos) + 1);
      }
    }

    private int tailLength() {
      int last = signature.blockCount() - 1;
      int length = last < 0 ? 0 : signature.blockLength(last);
      return length == blockSize ? 0 : length;
    }

    /** Reads until {@code need} bytes from {@code pos} are buffered or the input ends. */
    private void fill(int need) throws IOException {
      while (end - pos < need && !eof) {
        if (end == buf.length) {
          compact();
        }
        if (end == buf.length || (buf.length < MAX_BUFFER && buf.length - end < INITIAL_READ)) {
          buf = java.util.Arrays.copyOf(buf, (int) Math.min(MAX_BUFFER, 2L * buf.length));
          buffers.window = buf;
        }
        int n = in.read(ByteBuffer.wrap(buf, end, buf.length - end));
        if (n < 0) {
          eof = true;
        } else {
          sha256.update(buf, end, n);
          if (newSignature != null) {
            newSignature.update(buf, end, n);
          }
          end += n;
          total += n;
        }
      }
    }

    private void compact() {
      int keep = Math.min(literalStart, pos);
      System.arraycopy(buf, keep, buf, 0, end - keep);
      end -= keep;
      pos -= keep;
      literalStart -= keep;
    }

    private void emitLiteral(int from, int to) throws IOException {
      if (to > from) {
        flushCopy();
        literals.write(buf, from, to - from);
        literal += to - from;
      }
    }

    private void addCopy(long offset, long length) throws IOException {
      copied += length;
      if (pendingCopyLength > 0 && pendingCopyOffset + pendingCopyLength == offset) {
        pendingCopyLength += length;
        return;
      }
      flushCopy();
      pendingCopyOffset = offset;
      pendingCopyLength = length;
    }

    private void flushCopy() throws IOException {
      if (pendingCopyLength > 0) {
        frames.copy(pendingCopyOffset, pendingCopyLength);
        pendingCopyLength = 0;
      }
    }

    private static MessageDigest sha256() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK always provides SHA-256", e);
      }
    }
  }
}
