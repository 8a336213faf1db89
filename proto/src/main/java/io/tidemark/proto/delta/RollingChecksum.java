package io.tidemark.proto.delta;

/**
 * rsync's weak checksum ({@code get_checksum1} in checksum.c, with unsigned bytes and no char
 * offset) over a window of {@code n} bytes x<sub>0</sub>..x<sub>n-1</sub>:
 *
 * <pre>
 *   s1 = sum x_i             s2 = sum (n - i) * x_i        value = (s1 &amp; 0xffff) | (s2 &lt;&lt; 16)
 * </pre>
 *
 * Sliding the window one byte costs O(1) ({@link #roll}). Mutable and not thread-safe; one per
 * scanning thread.
 */
public final class RollingChecksum {
  private int s1;
  private int s2;
  private int length;

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long LOW_BYTES = 0x00ff00ff00ff00ffL;
  /** 16-bit lanes summed into the top lane by one multiply. */
  private static final long ONES = 0x0001000100010001L;
  /** Weights 8, 6, 4, 2 for bytes 0, 2, 4, 6 of a group, lanes reversed so the dot product lands on top. */
  private static final long EVEN_WEIGHTS = (8L << 48) | (6L << 32) | (4L << 16) | 2L;
  /** Weights 7, 5, 3, 1 for bytes 1, 3, 5, 7. */
  private static final long ODD_WEIGHTS = (7L << 48) | (5L << 32) | (3L << 16) | 1L;

  /**
   * Starts over on {@code len} bytes of {@code buf} from {@code off}. Eight bytes at a time: after
   * a group x0..x7, s1 grows by their sum and s2 by 8 s1 + sum (8 - k) x_k, both sums taken in
   * 16-bit lanes of one long (no lane can carry: at most 255 * 20 per lane). A byte-at-a-time loop
   * is one long dependency chain and cost as much as the XXH3 of the block when signing a file.
   */
  public RollingChecksum reset(byte[] buf, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, buf.length);
    int a = 0;
    int b = 0;
    int i = off;
    for (int groups = off + (len & ~7); i < groups; i += 8) {
      long v = (long) LONGS.get(buf, i);
      long even = v & LOW_BYTES;
      long odd = (v >>> 8) & LOW_BYTES;
      int sum = (int) (((even + odd) * ONES) >>> 48);
      int weighted = (int) ((even * EVEN_WEIGHTS) >>> 48) + (int) ((odd * ODD_WEIGHTS) >>> 48);
      b += 8 * a + weighted;
      a += sum;
    }
    for (int end = off + len; i < end; i++) {
      a += buf[i] & 0xff;
      b += a;
    }
    s1 = a;
    s2 = b;
    length = len;
    return this;
  }

  /** Slides the window by one byte: {@code out} leaves at the front, {@code in} enters at the back. */
  public void roll(byte out, byte in) {
    int o = out & 0xff;
    s1 += (in & 0xff) - o;
    s2 += s1 - length * o;
  }

  /** The 32-bit checksum of the current window. */
  public int value() {
    return (s1 & 0xffff) | (s2 << 16);
  }

  /** One-shot checksum of {@code len} bytes of {@code buf} from {@code off}. */
  public static int of(byte[] buf, int off, int len) {
    return new RollingChecksum().reset(buf, off, len).value();
  }
}
