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
}
