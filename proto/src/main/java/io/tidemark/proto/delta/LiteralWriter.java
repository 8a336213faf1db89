package io.tidemark.proto.delta;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;

/**
 * Cuts literal runs into chunks, compresses each with zstd and keeps it raw when that does not help.
 * A chunk of {@value #SAMPLE_FROM} bytes or more is first judged by the byte histograms of two
 * {@value #SAMPLE_BYTES}-byte samples (its start and middle): when both look uniformly random (a
 * chi-square statistic that random bytes stay far below) the chunk goes raw without a zstd attempt.
 * Random, encrypted or already compressed content (the bulk of an initial copy of such files) then
 * costs a histogram instead of a zstd pass; a chunk misjudged only costs wire bytes.
 * The zstd context (from the encoder's {@link CompressorPool}) and the output buffer are taken on
 * the first literal, the buffer sized to it, so a delta of copies only, or of one small literal,
 * stays cheap.
 */
final class LiteralWriter implements AutoCloseable {
  /** zstd's ZSTD_COMPRESSBOUND for the largest chunk, computed once (a native call each time otherwise). */
  private static final int MAX_BOUND = (int) Zstd.compressBound(DeltaFormat.MAX_LITERAL_BYTES);
  static final int SAMPLE_BYTES = 4 * 1024;
  static final int SAMPLE_FROM = 4 * SAMPLE_BYTES;
  static final int RANDOM_CHI_SQUARE = 512;
  private final int[] histogram = new int[256];

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
      int c = worthTrying(histogram, buf, off, n)
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

  /** False when samples of a big chunk look like random bytes, which zstd cannot shrink. */
  private boolean worthTrying(int[] histogram, byte[] buf, int off, int n) {
    if (n < SAMPLE_FROM) {
      return true;
    }
    return !randomLike(histogram, buf, off) || !randomLike(histogram, buf, off + n / 2 - SAMPLE_BYTES / 2);
  }

  /**
   * Pearson's chi-square of the sample's byte counts against a uniform distribution: 255 degrees
   * of freedom, so random bytes give 255 give or take 23 and {@value #RANDOM_CHI_SQUARE} is more
   * than ten deviations out; text, code and most binaries give thousands and more.
   */
  static boolean randomLike(int[] histogram, byte[] buf, int off) {
    java.util.Arrays.fill(histogram, 0);
    for (int i = off, end = off + SAMPLE_BYTES; i < end; i++) {
      histogram[buf[i] & 0xff]++;
    }
    long squares = 0;
    for (int h : histogram) {
      squares += (long) h * h;
    }
    // chi2 = sum (h - e)^2 / e with e = n / 256, i.e. 256 * squares / n - n
    long chi2 = 256 * squares / SAMPLE_BYTES - SAMPLE_BYTES;
    return chi2 <= RANDOM_CHI_SQUARE;
  }

  @Override
  public void close() {
    if (zstd != null) {
      pool.give(zstd);
      zstd = null;
    }
  }
}
