package io.tidemark.proto.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Damaged deltas end in {@link CorruptDeltaException} or {@link DeltaMismatchException} — never
 * another exception — and a delta that is accepted always rebuilt exactly the new content.
 */
class DeltaCorruptionProperties {

  @Property(tries = 2000)
  void apply_flippedBytes_rejectedOrStillExact(
      @ForAll @IntRange(min = 0, max = 30_000) int length, @ForAll long seed,
      @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> positions,
      @ForAll byte mask) throws Exception {
    byte[] basis = DeltaRoundTripProperties.randomBytes(length, seed, seed % 2 == 0);
    byte[] content = DeltaRoundTripProperties.applyEdits(basis,
        List.of(new DeltaRoundTripProperties.Edit((int) Math.floorMod(seed, 3), (int) (seed >>> 33), new byte[] {1, 2, 3})));
    List<byte[]> frames = Deltas.encode(basis, 512, content);
    byte[] frame = frames.get(0);
    for (int p : positions) {
      frame[p % frame.length] ^= (byte) (mask == 0 ? 0x40 : mask);
    }
    assertRejectedOrExact(basis, frames, content);
  }

  @Property(tries = 1000)
  void apply_truncatedDelta_rejected(
      @ForAll @IntRange(min = 0, max = 30_000) int length, @ForAll long seed, @ForAll @IntRange(min = 0) int cut)
      throws Exception {
    byte[] basis = DeltaRoundTripProperties.randomBytes(length, seed, true);
    byte[] content = DeltaRoundTripProperties.randomBytes(length / 2, seed + 1, true);
    List<byte[]> frames = Deltas.encode(basis, 300, content);
    byte[] frame = frames.get(0);
    List<byte[]> truncated = new ArrayList<>(List.of(Arrays.copyOf(frame, cut % frame.length)));
    try {
      Deltas.apply(basis, truncated);
      throw new AssertionError("a truncated delta was accepted");
    } catch (CorruptDeltaException | DeltaMismatchException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Property(tries = 2000)
  void apply_randomGarbage_rejected(@ForAll @Size(max = 200) byte[] garbage, @ForAll @Size(max = 3000) byte[] basis)
      throws Exception {
    try {
      Deltas.apply(basis, List.of(garbage));
      throw new AssertionError("garbage was accepted as a delta");
    } catch (CorruptDeltaException | DeltaMismatchException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Property(tries = 300)
  void apply_otherBasis_mismatchOrExact(
      @ForAll @IntRange(min = 0, max = 20_000) int length, @ForAll long seed, @ForAll @IntRange(min = 0) int at)
      throws Exception {
    byte[] basis = DeltaRoundTripProperties.randomBytes(length, seed, false);
    byte[] content = DeltaRoundTripProperties.randomBytes(length, seed + 7, false);
    System.arraycopy(basis, 0, content, 0, length / 2);
    List<byte[]> frames = Deltas.encode(basis, 256, content);
    byte[] otherBasis = basis.clone();
    if (length > 0) {
      otherBasis[at % length] ^= 1;
    }
    assertRejectedOrExact(otherBasis, frames, content);
  }

  static void assertRejectedOrExact(byte[] basis, List<byte[]> frames, byte[] content) throws Exception {
    byte[] out;
    try {
      out = Deltas.apply(basis, frames);
    } catch (CorruptDeltaException | DeltaMismatchException expected) {
      assertThat(expected.getMessage()).isNotBlank();
      return;
    }
    assertThat(out).isEqualTo(content);
  }
}
