package io.tidemark.proto.delta;

import com.github.luben.zstd.ZstdCompressCtx;

/**
 * Keeps one idle zstd compression context between {@link DeltaEncoder#encode} calls: making and
 * freeing a context costs more than compressing a small file's literal, and a replication stream
 * sends file after file. Concurrent calls beyond the first get contexts of their own, freed when
 * they are given back. Thread-safe.
 */
final class CompressorPool implements AutoCloseable {
  private final int level;
  private ZstdCompressCtx idle;
  private boolean closed;

  CompressorPool(int level) {
    this.level = level;
  }

  ZstdCompressCtx take() {
    synchronized (this) {
      ZstdCompressCtx c = idle;
      idle = null;
      if (c != null) {
        return c;
      }
    }
    return new ZstdCompressCtx().setLevel(level).setChecksum(false).setContentSize(true);
  }

  void give(ZstdCompressCtx c) {
    synchronized (this) {
      if (!closed && idle == null) {
        idle = c;
        return;
      }
    }
    c.close();
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (idle != null) {
      idle.close();
      idle = null;
    }
  }
}
