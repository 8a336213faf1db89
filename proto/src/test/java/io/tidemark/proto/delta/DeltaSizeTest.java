package io.tidemark.proto.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Small edits in large files must cost a small delta: about one block of literal. */
class DeltaSizeTest {
  private static final int SIXTEEN_MB = 16 << 20;

  private static byte[] generated(int length) {
    byte[] bytes = new byte[length];
    new Random(42).nextBytes(bytes); // incompressible: the worst case for the literal
    return bytes;
  }

  @Test
  void encode_oneByteEditIn16MB_deltaUnderOnePercent() throws Exception {
    byte[] basis = generated(SIXTEEN_MB);
    byte[] content = basis.clone();
    content[content.length / 3] ^= 0x5a;
    BlockSignature signature = SignatureGenerator.of(basis, BlockSignature.blockSizeFor(basis.length));
    List<byte[]> frames = Deltas.encode(signature, content);
    long wire = Deltas.wireSize(frames);
    System.out.printf("1-byte edit in 16 MiB: block %d B, delta %d B (%.4f%%), signature %d B%n",
        signature.blockSize(), wire, 100.0 * wire / content.length, signature.serializedSize());
    assertThat(wire).isLessThan(content.length / 100).isLessThan(signature.blockSize() + 200L);
    assertThat(Deltas.apply(basis, frames)).isEqualTo(content);
  }

  /** The source's cached signature (never uploaded) has quarter-size blocks: a quarter of the delta. */
  @Test
  void encode_editsAgainstCachedSignature_aboutOneCachedBlock() throws Exception {
    byte[] basis = generated(SIXTEEN_MB);
    SignatureGenerator generator = SignatureGenerator.forCache(basis.length);
    generator.update(basis, 0, basis.length);
    BlockSignature cached = generator.finish();
    assertThat(cached.blockSize()).isEqualTo(BlockSignature.blockSizeFor(basis.length) / 4);
    byte[] edited = basis.clone();
    edited[edited.length / 3] ^= 0x5a;
    byte[] inserted = DeltaRoundTripProperties.applyEdits(basis,
        List.of(new DeltaRoundTripProperties.Edit(0, 5_000_011, "fourteen bytes".getBytes())));
    for (byte[] content : List.of(edited, inserted)) {
      List<byte[]> frames = Deltas.encode(cached, content);
      assertThat(Deltas.wireSize(frames)).isLessThan(cached.blockSize() + 200L);
      assertThat(Deltas.apply(basis, frames)).isEqualTo(content);
    }
  }

  @Test
  void encode_fourteenByteInsertIn16MB_deltaUnderOnePercent() throws Exception {
    byte[] basis = generated(SIXTEEN_MB);
    byte[] content = DeltaRoundTripProperties.applyEdits(basis,
        List.of(new DeltaRoundTripProperties.Edit(0, 5_000_011, "fourteen bytes".getBytes())));
    assertThat(content.length).isEqualTo(basis.length + 14);
    BlockSignature signature = SignatureGenerator.of(basis);
    List<byte[]> frames = Deltas.encode(signature, content);
    long wire = Deltas.wireSize(frames);
    System.out.printf("14-byte insert in 16 MiB: block %d B, delta %d B (%.4f%%)%n",
        signature.blockSize(), wire, 100.0 * wire / content.length);
    assertThat(wire).isLessThan(content.length / 100).isLessThan(signature.blockSize() + 200L);
    assertThat(Deltas.apply(basis, frames)).isEqualTo(content);
  }

  @Test
  void encode_oneByteEditIn100MB_underTwelveKilobytesAndFast() throws Exception {
    byte[] basis = generated(100 << 20);
    byte[] content = basis.clone();
    content[77_777_777] ^= 1;
    long t0 = System.nanoTime();
    BlockSignature signature = SignatureGenerator.of(basis);
    long t1 = System.nanoTime();
    List<byte[]> frames = Deltas.encode(signature, content); // first run includes JIT warm-up
    long t2 = System.nanoTime();
    frames = Deltas.encode(signature, content);
    long t3 = System.nanoTime();
    long wire = Deltas.wireSize(frames);
    System.out.printf("1-byte edit in 100 MiB: block %d B, delta %d B, signature %d B; sign %d ms, "
            + "encode %d ms (cold) / %d ms (warm)%n", signature.blockSize(), wire, signature.serializedSize(),
        (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
    assertThat(wire).isLessThanOrEqualTo(12 * 1024);
    assertThat(Deltas.apply(basis, frames)).isEqualTo(content);
  }
}
