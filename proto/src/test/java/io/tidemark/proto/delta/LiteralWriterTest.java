package io.tidemark.proto.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whole-file literals: random content goes raw without a zstd pass, compressible content shrinks. */
class LiteralWriterTest {
  private static final BlockSignature NOTHING = SignatureGenerator.of(new byte[0]);

  private static byte[] random(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] text(int length) {
    StringBuilder s = new StringBuilder();
    Random r = new Random(3);
    String[] words = {"replica", "journal", "cursor", "delta", "signature", "peer", "source", "file"};
    while (s.length() < length) {
      s.append(words[r.nextInt(words.length)]).append(r.nextInt(10) == 0 ? '\n' : ' ');
    }
    return s.substring(0, length).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void randomLike_randomSample_true_textZerosAndSkewed_false() {
    int[] h = new int[256];
    for (long seed = 0; seed < 50; seed++) {
      assertThat(LiteralWriter.randomLike(h, random(LiteralWriter.SAMPLE_BYTES, seed), 0)).isTrue();
    }
    assertThat(LiteralWriter.randomLike(h, text(LiteralWriter.SAMPLE_BYTES), 0)).isFalse();
    assertThat(LiteralWriter.randomLike(h, new byte[LiteralWriter.SAMPLE_BYTES], 0)).isFalse();
    byte[] sevenBits = random(LiteralWriter.SAMPLE_BYTES, 9);
    for (int i = 0; i < sevenBits.length; i++) {
      sevenBits[i] &= 0x7f; // random ASCII: zstd's entropy coder still gains 1/8
    }
    assertThat(LiteralWriter.randomLike(h, sevenBits, 0)).isFalse();
  }

  @Test
  void encode_wholeRandomFile_rawLiteralsAtAboutItsSize() throws Exception {
    byte[] content = random(3 << 20, 1);
    List<byte[]> frames = Deltas.encode(NOTHING, content);
    assertThat(Deltas.wireSize(frames)).isBetween((long) content.length, content.length + content.length / 500L);
    assertThat(Deltas.apply(new byte[0], frames)).isEqualTo(content);
  }

  @Test
  void encode_wholeTextFile_compressed() throws Exception {
    byte[] content = text(3 << 20);
    List<byte[]> frames = Deltas.encode(NOTHING, content);
    assertThat(Deltas.wireSize(frames)).isLessThan(content.length / 3);
    assertThat(Deltas.apply(new byte[0], frames)).isEqualTo(content);
  }

  /** Random at the start and middle of each chunk, text elsewhere: judged random, sent raw, still exact. */
  @Test
  void encode_mixedChunks_roundTripExactly() throws Exception {
    byte[] content = text(1 << 20);
    byte[] noise = random(content.length, 5);
    int chunk = DeltaFormat.MAX_LITERAL_BYTES;
    for (int c = 0; c < content.length; c += chunk) {
      System.arraycopy(noise, c, content, c, LiteralWriter.SAMPLE_BYTES);
      int mid = c + chunk / 2 - LiteralWriter.SAMPLE_BYTES / 2;
      System.arraycopy(noise, mid, content, mid, LiteralWriter.SAMPLE_BYTES);
    }
    List<byte[]> frames = Deltas.encode(NOTHING, content);
    assertThat(Deltas.apply(new byte[0], frames)).isEqualTo(content);
  }
}
