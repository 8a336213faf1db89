package io.tidemark.proto.delta;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** The random-access basis a delta is applied to: an open file or bytes in memory. */
public sealed interface DeltaBasis {
  /** The basis length, fixed when the basis was opened. */
  long size();

  /** Reads exactly {@code len} bytes at {@code offset} into {@code dst}; the range lies within {@link #size()}. */
  void read(long offset, byte[] dst, int off, int len) throws IOException;

  static DeltaBasis of(byte[] bytes) {
    return new Bytes(bytes);
  }

  /** A basis for new files: the delta is then all literals. */
  static DeltaBasis empty() {
    return new Bytes(new byte[0]);
  }

  /** A file basis; its size is taken now, and a file that shrinks later is reported as a mismatch. */
  static DeltaBasis of(FileChannel channel) throws IOException {
    return new File(channel, channel.size());
  }

  /** An in-memory basis. */
  record Bytes(byte[] bytes) implements DeltaBasis {
    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public void read(long offset, byte[] dst, int off, int len) {
      System.arraycopy(bytes, Math.toIntExact(offset), dst, off, len);
    }
  }

  /** A file basis read with positional reads (the channel's position is left alone). */
  record File(FileChannel channel, long size) implements DeltaBasis {
    @Override
    public void read(long offset, byte[] dst, int off, int len) throws IOException {
      ByteBuffer target = ByteBuffer.wrap(dst, off, len);
      while (target.hasRemaining()) {
        int n = channel.read(target, offset + target.position() - off);
        if (n < 0) {
          throw new DeltaMismatchException("the basis file shrank below " + size + " bytes while the delta was applied");
        }
      }
    }
  }
}
