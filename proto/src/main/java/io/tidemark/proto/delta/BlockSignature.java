package io.tidemark.proto.delta;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The block signature of a basis: its length, the block size, and per block the 32-bit {@link
 * RollingChecksum} and the XXH3-128 strong hash truncated to {@link #strongLength()} bytes. The
 * last block is shorter when the length is not a multiple of the block size. Immutable.
 *
 * <h2>Serialised form (version 1), big-endian</h2>
 *
 * <pre>
 * offset size  field
 *   0     4    magic "TMSG" (0x54 0x4D 0x53 0x47)
 *   4     1    version, 1
 *   5     1    strong hash length S in bytes, 8..16
 *   6     4    block size B, 1..{@value #MAX_BLOCK_SIZE}
 *  10     8    basis length L, 0..2^47
 *  18     4    block count N, must equal ceil(L / B)
 *  22   N*(4+S) per block: weak checksum (4 bytes), then the first S bytes of the XXH3-128
 *              hash as 16 big-endian bytes (high 64 bits first)
 * </pre>
 *
 * Nothing may follow the last block. {@link #parse} checks every field and the total size before
 * it allocates anything, so hostile input costs at most its own size.
 *
 * <h2>Why 16 bytes of strong hash</h2>
 *
 * A false block match needs the 32-bit weak sum and the S-byte strong hash to collide. With S = 16
 * the chance per file is about positions × blocks / 2^160 — nil. The default keeps the full 16
 * bytes (20 bytes per block in total); versions with S down to 8 parse too (about 2^-56 per
 * 100 MB file, and the whole-file SHA-256 at the end of every delta catches it anyway).
 */
public final class BlockSignature {
  /** Format version written by {@link #toBytes()}. */
  public static final int VERSION = 1;
  /** Largest block size accepted (rsync's MAX_BLOCK_SIZE). */
  public static final int MAX_BLOCK_SIZE = 128 * 1024;
  /** Smallest block size chosen by {@link #blockSizeFor} (rsync's BLOCK_SIZE). */
  public static final int MIN_AUTO_BLOCK_SIZE = 700;
  /** Largest basis length a signature may describe (128 TiB). */
  public static final long MAX_BASIS_LENGTH = 1L << 47;
  static final int MAGIC = 0x544D5347;
  static final int HEADER_BYTES = 22;

  private final int blockSize;
  private final long basisLength;
  private final int strongLength;
  private final int[] weak;
  private final long[] strongHigh;
  private final long[] strongLow;

  BlockSignature(int blockSize, long basisLength, int strongLength, int[] weak, long[] strongHigh, long[] strongLow) {
    if (blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
      throw new IllegalArgumentException("block size " + blockSize + " outside 1.." + MAX_BLOCK_SIZE);
    }
    if (strongLength < 8 || strongLength > 16) {
      throw new IllegalArgumentException("strong hash length " + strongLength + " outside 8..16");
    }
    this.blockSize = blockSize;
    this.basisLength = basisLength;
    this.strongLength = strongLength;
    this.weak = weak;
    this.strongHigh = strongHigh;
    long mask = StrongHash.lowMask(strongLength);
    for (int i = 0; i < strongLow.length; i++) {
      strongLow[i] &= mask;
    }
    this.strongLow = strongLow;
  }

  /**
   * rsync's block size rule ({@code sum_sizes_sqroot} in generator.c): 700 bytes up to 490 000
   * bytes, then the largest multiple of 8 whose square does not exceed the length, at most
   * {@value #MAX_BLOCK_SIZE}. A one-byte edit then costs about sqrt(length) literal bytes (10 KiB
   * for 100 MiB) and the signature 20 × sqrt(length) bytes.
   */
  public static int blockSizeFor(long length) {
    if (length <= (long) MIN_AUTO_BLOCK_SIZE * MIN_AUTO_BLOCK_SIZE) {
      return MIN_AUTO_BLOCK_SIZE;
    }
    long root = (long) Math.sqrt((double) length);
    while (root * root > length) {
      root--;
    }
    while ((root + 1) * (root + 1) <= length) {
      root++;
    }
    return (int) Math.min(MAX_BLOCK_SIZE, Math.max(MIN_AUTO_BLOCK_SIZE, root & ~7L));
  }

  /**
   * The block size for a signature the source keeps in its {@link SignatureCache} and never sends:
   * a quarter of {@link #blockSizeFor}, at least {@value #MIN_AUTO_BLOCK_SIZE} bytes, a multiple of
   * 8. rsync's rule balances the literal bytes of an edit against the signature the receiver
   * uploads; a cached signature is not uploaded, so smaller blocks cost only source memory (20
   * bytes a block: 800 KiB for 100 MiB) and make an edit's delta about four times smaller.
   */
  public static int cachedBlockSizeFor(long length) {
    return Math.max(MIN_AUTO_BLOCK_SIZE, (blockSizeFor(length) / 4) & ~7);
  }

  public int blockSize() {
    return blockSize;
  }

  public long basisLength() {
    return basisLength;
  }

  public int strongLength() {
    return strongLength;
  }

  public int blockCount() {
    return weak.length;
  }

  /** Length of block {@code i}: the block size, or less for the last block. */
  public int blockLength(int i) {
    long start = (long) i * blockSize;
    return (int) Math.min(blockSize, basisLength - start);
  }

  public int weak(int i) {
    return weak[i];
  }

  long strongHigh(int i) {
    return strongHigh[i];
  }

  long strongLow(int i) {
    return strongLow[i];
  }

  /** Approximate heap footprint, for the {@link SignatureCache} budget. */
  public long memoryBytes() {
    return 64L + 20L * weak.length + 3 * 16;
  }

  /** Serialised size of {@link #toBytes()}. */
  public int serializedSize() {
    return Math.toIntExact(HEADER_BYTES + (long) weak.length * (4 + strongLength));
  }

  /** The version-1 serialised form described in the class comment. */
  public byte[] toBytes() {
    ByteBuffer out = ByteBuffer.allocate(serializedSize());
    out.putInt(MAGIC).put((byte) VERSION).put((byte) strongLength).putInt(blockSize).putLong(basisLength)
        .putInt(weak.length);
    byte[] strong = new byte[16];
    ByteBuffer strongView = ByteBuffer.wrap(strong);
    for (int i = 0; i < weak.length; i++) {
      strongView.clear();
      strongView.putLong(strongHigh[i]).putLong(strongLow[i]);
      out.putInt(weak[i]).put(strong, 0, strongLength);
    }
    return out.array();
  }

  /** Parses {@link #toBytes()} output, validating every field. */
  public static BlockSignature parse(byte[] bytes) throws CorruptSignatureException {
    if (bytes.length < HEADER_BYTES) {
      throw new CorruptSignatureException("signature truncated: " + bytes.length + " bytes, header needs " + HEADER_BYTES);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int magic = in.getInt();
    if (magic != MAGIC) {
      throw new CorruptSignatureException(String.format("not a block signature: magic 0x%08x, expected 0x%08x", magic, MAGIC));
    }
    int version = in.get() & 0xff;
    if (version != VERSION) {
      throw new CorruptSignatureException("signature version " + version + " is not supported (this build reads " + VERSION + ")");
    }
    int strongLength = in.get() & 0xff;
    if (strongLength < 8 || strongLength > 16) {
      throw new CorruptSignatureException("strong hash length " + strongLength + " outside 8..16");
    }
    int blockSize = in.getInt();
    if (blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
      throw new CorruptSignatureException("block size " + blockSize + " outside 1.." + MAX_BLOCK_SIZE);
    }
    long basisLength = in.getLong();
    if (basisLength < 0 || basisLength > MAX_BASIS_LENGTH) {
      throw new CorruptSignatureException("basis length " + basisLength + " outside 0.." + MAX_BASIS_LENGTH);
    }
    long count = in.getInt() & 0xffffffffL;
    long expectedCount = (basisLength + blockSize - 1) / blockSize;
    if (count != expectedCount) {
      throw new CorruptSignatureException(
          "block count " + count + " does not match " + basisLength + " bytes in blocks of " + blockSize);
    }
    long expectedSize = HEADER_BYTES + count * (4 + strongLength);
    if (bytes.length != expectedSize) {
      throw new CorruptSignatureException(
          "signature of " + count + " blocks needs " + expectedSize + " bytes, got " + bytes.length
              + (bytes.length < expectedSize ? " (truncated)" : " (trailing bytes)"));
    }
    int n = (int) count;
    int[] weak = new int[n];
    long[] high = new long[n];
    long[] low = new long[n];
    byte[] strong = new byte[16];
    ByteBuffer strongView = ByteBuffer.wrap(strong);
    for (int i = 0; i < n; i++) {
      weak[i] = in.getInt();
      Arrays.fill(strong, (byte) 0);
      in.get(strong, 0, strongLength);
      high[i] = strongView.getLong(0);
      low[i] = strongView.getLong(8);
    }
    return new BlockSignature(blockSize, basisLength, strongLength, weak, high, low);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlockSignature s && s.blockSize == blockSize && s.basisLength == basisLength
        && s.strongLength == strongLength && Arrays.equals(s.weak, weak) && Arrays.equals(s.strongHigh, strongHigh)
        && Arrays.equals(s.strongLow, strongLow);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(basisLength) * 31 + Arrays.hashCode(weak);
  }

  @Override
  public String toString() {
    return "BlockSignature[" + basisLength + " bytes, " + weak.length + " blocks of " + blockSize + ", strong "
        + strongLength + " B]";
  }
}
