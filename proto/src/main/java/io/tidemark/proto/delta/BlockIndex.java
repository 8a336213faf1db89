package io.tidemark.proto.delta;

import com.dynatrace.hash4j.hashing.HashValue128;

/**
 * Finds basis blocks by weak checksum, then confirms them by strong hash: an open hash table of
 * chains over the full-size blocks of a {@link BlockSignature} (the short last block is matched
 * separately, only at the end of the new content, as rsync does).
 */
final class BlockIndex {
  private final BlockSignature signature;
  private final int fullBlocks;
  private final int[] head;
  private final int[] next;
  private final int shift;
  private final long lowMask;

  BlockIndex(BlockSignature signature) {
    this.signature = signature;
    int count = signature.blockCount();
    this.fullBlocks = signature.blockLength(Math.max(0, count - 1)) == signature.blockSize() ? count : count - 1;
    int size = Integer.highestOneBit(Math.max(16, fullBlocks * 2 - 1)) << 1;
    this.head = new int[size];
    this.next = new int[Math.max(0, fullBlocks)];
    this.shift = 32 - Integer.numberOfTrailingZeros(size);
    this.lowMask = StrongHash.lowMask(signature.strongLength());
    java.util.Arrays.fill(head, -1);
    // insert in reverse so each chain lists lower block indices first
    for (int i = fullBlocks - 1; i >= 0; i--) {
      int slot = slot(signature.weak(i));
      next[i] = head[slot];
      head[slot] = i;
    }
  }

  /** True when no full-size block has this weak checksum: the common case while scanning. */
  boolean mayContain(int weak) {
    int i = head[slot(weak)];
    while (i >= 0) {
      if (signature.weak(i) == weak) {
        return true;
      }
      i = next[i];
    }
    return false;
  }

  /**
   * The index of a full block equal to {@code buf[off, off+blockSize)} whose weak checksum is
   * {@code weak}, preferring {@code preferred} (the block after the previous match, so copies
   * stay contiguous), or -1.
   */
  int find(int weak, byte[] buf, int off, int preferred) {
    HashValue128 strong = StrongHash.of(buf, off, signature.blockSize());
    long high = strong.getMostSignificantBits();
    long low = strong.getLeastSignificantBits() & lowMask;
    if (preferred >= 0 && preferred < fullBlocks && equal(preferred, weak, high, low)) {
      return preferred;
    }
    for (int i = head[slot(weak)]; i >= 0; i = next[i]) {
      if (equal(i, weak, high, low)) {
        return i;
      }
    }
    return -1;
  }

  /** True when {@code buf[off, off+len)} equals the short last block of the basis. */
  boolean matchesTail(byte[] buf, int off, int len) {
    int last = signature.blockCount() - 1;
    if (last < fullBlocks || last < 0 || signature.blockLength(last) != len) {
      return false;
    }
    if (signature.weak(last) != RollingChecksum.of(buf, off, len)) {
      return false;
    }
    HashValue128 strong = StrongHash.of(buf, off, len);
    return strong.getMostSignificantBits() == signature.strongHigh(last)
        && (strong.getLeastSignificantBits() & lowMask) == signature.strongLow(last);
  }

  int tailBlock() {
    return signature.blockCount() - 1;
  }

  private boolean equal(int block, int weak, long high, long low) {
    return signature.weak(block) == weak && signature.strongHigh(block) == high && signature.strongLow(block) == low;
  }

  private int slot(int weak) {
    return (weak * 0x9E3779B9) >>> shift;
  }
}
