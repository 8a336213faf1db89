package io.tidemark.proto.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class DeltaRoundTripProperties {

  /** An edit: kind 0 = insert, 1 = delete, 2 = overwrite, at a position scaled to the content. */
  record Edit(int kind, int position, byte[] bytes) {}

  @Provide
  Arbitrary<Edit> edits() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(0, Integer.MAX_VALUE),
            Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300))
        .as(Edit::new);
  }

  @Property
  void apply_unrelatedContent_rebuildsNewContent(
      @ForAll @Size(max = 4000) byte[] basis, @ForAll @Size(max = 4000) byte[] content,
      @ForAll @IntRange(min = 1, max = 1024) int blockSize) throws Exception {
    assertThat(Deltas.apply(basis, Deltas.encode(basis, blockSize, content))).isEqualTo(content);
  }

  @Property
  void apply_editedBasis_rebuildsNewContent(
      @ForAll @IntRange(min = 0, max = 20_000) int length, @ForAll long seed,
      @ForAll @Size(max = 8) List<@From("edits") Edit> edits, @ForAll @IntRange(min = 1, max = 2048) int blockSize)
      throws Exception {
    byte[] basis = randomBytes(length, seed, seed % 3 == 0);
    byte[] content = applyEdits(basis, edits);
    List<byte[]> frames = Deltas.encode(basis, blockSize, content);
    assertThat(Deltas.apply(basis, frames)).isEqualTo(content);
  }

  @Property
  void apply_sizesAroundBlockBoundaries_rebuildsNewContent(
      @ForAll @IntRange(min = 1, max = 700) int blockSize, @ForAll @IntRange(min = 0, max = 4) int basisBlocks,
      @ForAll @IntRange(min = -2, max = 2) int basisSlack, @ForAll @IntRange(min = 0, max = 4) int contentBlocks,
      @ForAll @IntRange(min = -2, max = 2) int contentSlack, @ForAll long seed) throws Exception {
    byte[] basis = randomBytes(Math.max(0, basisBlocks * blockSize + basisSlack), seed, false);
    byte[] content = randomBytes(Math.max(0, contentBlocks * blockSize + contentSlack), seed, false);
    assertThat(Deltas.apply(basis, Deltas.encode(basis, blockSize, content))).isEqualTo(content);
  }

  @Property(tries = 30)
  void apply_emptyBasis_isWholeFileLiterals(@ForAll @IntRange(min = 0, max = 400_000) int length, @ForAll long seed)
      throws Exception {
    byte[] content = randomBytes(length, seed, seed % 2 == 0);
    List<byte[]> frames = Deltas.encode(new byte[0], 700, content);
    assertThat(Deltas.apply(new byte[0], frames)).isEqualTo(content);
  }

  @Property(tries = 50)
  void encode_sameContent_copiesEverything(@ForAll @IntRange(min = 1, max = 100_000) int length, @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 4096) int blockSize) throws Exception {
    byte[] basis = randomBytes(length, seed, false);
    DeltaSummary summary = new DeltaEncoder().encode(SignatureGenerator.of(basis, blockSize), basis, f -> {});
    assertThat(summary.literalBytes()).isZero();
    assertThat(summary.copiedBytes()).isEqualTo(length);
  }

  @Property(tries = 30)
  void encode_withNewSignature_equalsSigningTheNewContent(
      @ForAll @IntRange(min = 0, max = 300_000) int length, @ForAll long seed) throws Exception {
    byte[] content = randomBytes(length, seed, true);
    SignatureGenerator generator = new SignatureGenerator(1000);
    new DeltaEncoder().encode(SignatureGenerator.of(new byte[0], 700),
        java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(content)), f -> {}, generator);
    assertThat(generator.finish()).isEqualTo(SignatureGenerator.of(content, 1000));
  }

  static byte[] randomBytes(int length, long seed, boolean text) {
    byte[] bytes = new byte[length];
    Random random = new Random(seed);
    if (text) {
      for (int i = 0; i < length; i++) {
        bytes[i] = (byte) ("the quick brown fox jumps\n".charAt(random.nextInt(26)));
      }
    } else {
      random.nextBytes(bytes);
    }
    return bytes;
  }

  static byte[] applyEdits(byte[] basis, List<Edit> edits) {
    byte[] current = basis;
    for (Edit edit : edits) {
      int at = current.length == 0 ? 0 : edit.position() % (current.length + 1);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(current, 0, at);
      switch (edit.kind()) {
        case 0 -> {
          out.writeBytes(edit.bytes());
          out.write(current, at, current.length - at);
        }
        case 1 -> {
          int skip = Math.min(edit.bytes().length, current.length - at);
          out.write(current, at + skip, current.length - at - skip);
        }
        default -> {
          int over = Math.min(edit.bytes().length, current.length - at);
          out.write(edit.bytes(), 0, over);
          out.write(current, at + over, current.length - at - over);
        }
      }
      current = out.toByteArray();
    }
    return current;
  }
}
