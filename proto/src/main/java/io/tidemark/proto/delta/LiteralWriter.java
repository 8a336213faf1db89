package io.tidemark.proto.delta;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;

/**
 * Cuts literal runs into chunks, compresses each with zstd and keeps it raw when that does not help.
 * A chunk of {@value #SAMPLE_FROM} bytes or more is first judged by compressing two {@value
 * #SAMPLE_BYTES}-byte samples (its start and middle): when neither shrinks by 1/16 the chunk goes
 * raw without a full attempt. Random, encrypted or already compressed content (the bulk of an
 * initial copy of such files) then costs about 1/16 of a zstd pass instead of a whole one.
 * The zstd context (from the encoder's {@link CompressorPool}) and the output buffer are taken on
 * the first literal, the buffer sized to it, so a delta of copies only, or of one small literal,
 * stays cheap.
 */
final class LiteralWriter implements AutoCloseable {
  /** zstd's ZSTD_COMPRESSBOUND for the largest chunk, computed once (a native call each time otherwise). */
  private static final int MAX_BOUND = (int) Zstd.compressBound(DeltaFormat.MAX_LITERAL_BYTES);
  static final int SAMPLE_BYTES = 4 * 1024;
  static final int SAMPLE_FROM = 4 * SAMPLE_BYTES;

  private final FrameWriter frames;
  private final CompressorPool pool;
  private final EncodeBuffers buffers;
  private ZstdCompressCtx zstd;

  LiteralWriter(FrameWriter frames, CompressorPool pool, EncodeBuffers buffers) {
    this.frames = frames;
    this.pool = pool;
    this.buffers = buffers;
  }

  void write(byte[] buf, int off, int len) throws IOException {
    if (zstd == null) {
      zstd = pool.take();
    }
    while (len > 0) {
      int n = Math.min(len, DeltaFormat.MAX_LITERAL_BYTES);
      byte[] compressed = buffers.compressed;
      if (compressed.length < n + (n >>> 7) + 1024) {
        // ZSTD_COMPRESSBOUND(n) is n + n/256 + at most 64 bytes for n below 128 KiB: this covers it
        compressed = new byte[Math.min(MAX_BOUND, Math.max(n + (n >>> 7) + 1024, 2 * compressed.length))];
        buffers.compressed = compressed;
      }
      int c = worthTrying(compressed, buf, off, n)
          ? zstd.compressByteArray(compressed, 0, compressed.length, buf, off, n) : n;
      if (c < n) {
        frames.literalZstd(n, compressed, c);
      } else {
        frames.literalRaw(buf, off, n);
      }
      off += n;
      len -= n;
    }
  }

  /** False when samples of a big chunk show zstd would not shrink it (output buffer as scratch). */
  private boolean worthTrying(byte[] scratch, byte[] buf, int off, int n) {
    if (n < SAMPLE_FROM) {
      return true;
    }
    return shrinks(scratch, buf, off) || shrinks(scratch, buf, off + n / 2 - SAMPLE_BYTES / 2);
  }

  private boolean shrinks(byte[] scratch, byte[] buf, int off) {
    int c = zstd.compressByteArray(scratch, 0, scratch.length, buf, off, SAMPLE_BYTES);
    return c < SAMPLE_BYTES - SAMPLE_BYTES / 16;
  }

  @Override
  public void close() {
    if (zstd != null) {
      pool.give(zstd);
      zstd = null;
    }
  }
}
