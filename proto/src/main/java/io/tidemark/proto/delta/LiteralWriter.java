package io.tidemark.proto.delta;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;

/**
 * Cuts literal runs into chunks, compresses each with zstd and keeps it raw when that does not help.
 * The zstd context (from the encoder's {@link CompressorPool}) and the output buffer are taken on
 * the first literal, the buffer sized to it, so a delta of copies only, or of one small literal,
 * stays cheap.
 */
final class LiteralWriter implements AutoCloseable {
  /** zstd's ZSTD_COMPRESSBOUND for the largest chunk, computed once (a native call each time otherwise). */
  private static final int MAX_BOUND = (int) Zstd.compressBound(DeltaFormat.MAX_LITERAL_BYTES);

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
      int c = zstd.compressByteArray(compressed, 0, compressed.length, buf, off, n);
      if (c < n) {
        frames.literalZstd(n, compressed, c);
      } else {
        frames.literalRaw(buf, off, n);
      }
      off += n;
      len -= n;
    }
  }

  @Override
  public void close() {
    if (zstd != null) {
      pool.give(zstd);
      zstd = null;
    }
  }
}
