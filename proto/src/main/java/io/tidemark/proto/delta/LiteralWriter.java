package io.tidemark.proto.delta;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;

/** Cuts literal runs into chunks, compresses each with zstd and keeps it raw when that does not help. */
final class LiteralWriter implements AutoCloseable {
  private final FrameWriter frames;
  private final ZstdCompressCtx zstd;
  private final byte[] compressed = new byte[(int) Zstd.compressBound(DeltaFormat.MAX_LITERAL_BYTES)];

  LiteralWriter(FrameWriter frames, int level) {
    this.frames = frames;
    this.zstd = new ZstdCompressCtx().setLevel(level).setChecksum(false).setContentSize(true);
  }

  void write(byte[] buf, int off, int len) throws IOException {
    while (len > 0) {
      int n = Math.min(len, DeltaFormat.MAX_LITERAL_BYTES);
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
    zstd.close();
  }
}
