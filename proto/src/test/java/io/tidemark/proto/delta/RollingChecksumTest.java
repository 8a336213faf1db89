package io.tidemark.proto.delta;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RollingChecksumTest {

  @Property
  void roll_anyWindowSlidAcrossData_equalsRecomputation(
      @ForAll @Size(min = 1, max = 600) byte[] data, @ForAll @IntRange(min = 1, max = 64) int window) {
    if (window > data.length) {
      window = data.length;
    }
    RollingChecksum rolling = new RollingChecksum().reset(data, 0, window);
    for (int start = 0; ; start++) {
      assertThat(rolling.value()).isEqualTo(RollingChecksum.of(data, start, window));
      if (start + window >= data.length) {
        break;
      }
      rolling.roll(data[start], data[start + window]);
    }
  }

  @Test
  void of_knownBytes_matchesRsyncFormula() {
    byte[] data = {1, 2, 3, (byte) 0xff};
    int s1 = 1 + 2 + 3 + 255;
    int s2 = 4 * 1 + 3 * 2 + 2 * 3 + 255;
    assertThat(RollingChecksum.of(data, 0, 4)).isEqualTo((s1 & 0xffff) | (s2 << 16));
  }

  @Test
  void of_highBytes_treatedAsUnsigned() {
    byte[] data = new byte[4096];
    java.util.Arrays.fill(data, (byte) 0xff);
    RollingChecksum rolling = new RollingChecksum().reset(data, 0, 1000);
    rolling.roll(data[0], data[1000]);
    assertThat(rolling.value()).isEqualTo(RollingChecksum.of(data, 1, 1000));
  }

  @Property
  void reset_eightBytesAtATime_equalsByteAtATime(
      @ForAll @Size(min = 1, max = 3000) byte[] data, @ForAll @IntRange(min = 0, max = 2999) int off,
      @ForAll @IntRange(min = 0, max = 3000) int len) {
    off = Math.min(off, data.length - 1);
    len = Math.min(len, data.length - off);
    int a = 0;
    int b = 0;
    for (int i = off; i < off + len; i++) {
      a += data[i] & 0xff;
      b += a;
    }
    assertThat(RollingChecksum.of(data, off, len)).isEqualTo((a & 0xffff) | (b << 16));
  }

  @Test
  void reset_longAllOnesWindow_wrapsLikeByteAtATime() {
    byte[] data = new byte[1 << 17];
    java.util.Arrays.fill(data, (byte) 0xff);
    int a = 0;
    int b = 0;
    for (int i = 3; i < data.length - 5; i++) {
      a += 0xff;
      b += a;
    }
    assertThat(RollingChecksum.of(data, 3, data.length - 8)).isEqualTo((a & 0xffff) | (b << 16));
  }
}
