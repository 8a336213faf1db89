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

  /** Starts over on {@code len} bytes of {@code buf} from {@code off}. */
  public RollingChecksum reset(byte[] buf, int off, int len) {
    int a = 0;
    int b = 0;
    for (int i = off, end = off + len; i < end; i++) {
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
