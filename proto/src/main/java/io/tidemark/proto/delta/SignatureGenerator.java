package io.tidemark.proto.delta;

import com.dynatrace.hash4j.hashing.HashValue128;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Computes a {@link BlockSignature} from bytes fed in order ({@link #update}), holding at most one
 * block in memory, so it can sign a file of any size as it streams past (the {@link DeltaEncoder}
 * can feed one with the new content it reads). Not thread-safe.
 */
public final class SignatureGenerator implements ContentObserver {
  private static final int READ_CHUNK = 256 * 1024;

  private final int blockSize;
  private final byte[] block;
  private int filled;
  private long length;
  private int count;
  private int[] weak;
  private long[] high;
  private long[] low;
  private boolean finished;

  /** A generator with an explicit block size (1..{@value BlockSignature#MAX_BLOCK_SIZE}). */
  public SignatureGenerator(int blockSize) {
    this(blockSize, 16);
  }

  private SignatureGenerator(int blockSize, long expectedLength) {
    if (blockSize < 1 || blockSize > BlockSignature.MAX_BLOCK_SIZE) {
      throw new IllegalArgumentException("block size " + blockSize + " outside 1.." + BlockSignature.MAX_BLOCK_SIZE);
    }
    this.blockSize = blockSize;
    this.block = new byte[blockSize];
    int initial = (int) Math.min(1 << 20, Math.max(16, expectedLength / blockSize + 1));
    this.weak = new int[initial];
    this.high = new long[initial];
    this.low = new long[initial];
  }

  /** A generator whose block size follows {@link BlockSignature#blockSizeFor} for the expected length. */
  public static SignatureGenerator forLength(long expectedLength) {
    return new SignatureGenerator(BlockSignature.blockSizeFor(expectedLength), expectedLength);
  }

  /** A generator for a signature to cache, sized by {@link BlockSignature#cachedBlockSizeFor}. */
  public static SignatureGenerator forCache(long expectedLength) {
    return new SignatureGenerator(BlockSignature.cachedBlockSizeFor(expectedLength), expectedLength);
  }

  public int blockSize() {
    return blockSize;
  }

  /** Feeds the next {@code len} bytes of the basis. */
  @Override
  public void update(byte[] buf, int off, int len) {
    if (finished) {
      throw new IllegalStateException("signature already finished");
    }
    length += len;
    if (length > BlockSignature.MAX_BASIS_LENGTH) {
      throw new IllegalArgumentException("basis longer than " + BlockSignature.MAX_BASIS_LENGTH + " bytes");
    }
    int end = off + len;
    if (filled > 0) {
      int take = Math.min(blockSize - filled, len);
      System.arraycopy(buf, off, block, filled, take);
      filled += take;
      off += take;
      if (filled == blockSize) {
        add(block, 0, blockSize);
        filled = 0;
      }
    }
    while (end - off >= blockSize) {
      add(buf, off, blockSize);
      off += blockSize;
    }
    if (off < end) {
      System.arraycopy(buf, off, block, 0, end - off);
      filled = end - off;
    }
  }

  /** Ends the input and returns the signature; the generator cannot be used afterwards. */
  public BlockSignature finish() {
    if (finished) {
      throw new IllegalStateException("signature already finished");
    }
    if (filled > 0) {
      add(block, 0, filled);
      filled = 0;
    }
    finished = true;
    return new BlockSignature(blockSize, length, 16, Arrays.copyOf(weak, count), Arrays.copyOf(high, count),
        Arrays.copyOf(low, count));
  }

  private void add(byte[] buf, int off, int len) {
    if (count == weak.length) {
      int grown = Math.max(16, count + (count >> 1));
      weak = Arrays.copyOf(weak, grown);
      high = Arrays.copyOf(high, grown);
      low = Arrays.copyOf(low, grown);
    }
    weak[count] = RollingChecksum.of(buf, off, len);
    HashValue128 strong = StrongHash.of(buf, off, len);
    high[count] = strong.getMostSignificantBits();
    low[count] = strong.getLeastSignificantBits();
    count++;
  }

  /** Signature of an in-memory basis with the default block size. */
  public static BlockSignature of(byte[] basis) {
    return of(basis, BlockSignature.blockSizeFor(basis.length));
  }

  /** Signature of an in-memory basis with an explicit block size. */
  public static BlockSignature of(byte[] basis, int blockSize) {
    SignatureGenerator generator = new SignatureGenerator(blockSize, basis.length);
    generator.update(basis, 0, basis.length);
    return generator.finish();
  }

  /** Signature of a file, read sequentially, with the default block size for its current size. */
  public static BlockSignature of(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return of(channel, BlockSignature.blockSizeFor(channel.size()));
    }
  }

  /** Signature of everything {@code in} yields until end of stream. */
  public static BlockSignature of(ReadableByteChannel in, int blockSize) throws IOException {
    SignatureGenerator generator = new SignatureGenerator(blockSize);
    ByteBuffer buffer = ByteBuffer.allocate(READ_CHUNK);
    while (in.read(buffer.clear()) >= 0) {
      generator.update(buffer.array(), 0, buffer.position());
    }
    return generator.finish();
  }

  /** Signature of everything {@code in} yields until end of stream. */
  public static BlockSignature of(InputStream in, int blockSize) throws IOException {
    SignatureGenerator generator = new SignatureGenerator(blockSize);
    byte[] buffer = new byte[READ_CHUNK];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      generator.update(buffer, 0, n);
    }
    return generator.finish();
  }
}
