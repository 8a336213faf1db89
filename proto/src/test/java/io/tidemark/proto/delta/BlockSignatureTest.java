package io.tidemark.proto.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class BlockSignatureTest {

  @Property
  void parse_ofToBytes_equalsOriginal(
      @ForAll @Size(max = 3000) byte[] basis, @ForAll @IntRange(min = 1, max = 700) int blockSize) throws Exception {
    BlockSignature signature = SignatureGenerator.of(basis, blockSize);
    assertThat(BlockSignature.parse(signature.toBytes())).isEqualTo(signature);
    assertThat(signature.blockCount()).isEqualTo((basis.length + blockSize - 1) / blockSize);
  }

  @Property
  void update_inArbitraryPieces_equalsOneShot(
      @ForAll @Size(max = 3000) byte[] basis, @ForAll @IntRange(min = 1, max = 300) int blockSize,
      @ForAll @IntRange(min = 1, max = 500) int piece) {
    SignatureGenerator generator = new SignatureGenerator(blockSize);
    for (int off = 0; off < basis.length; off += piece) {
      generator.update(basis, off, Math.min(piece, basis.length - off));
    }
    assertThat(generator.finish()).isEqualTo(SignatureGenerator.of(basis, blockSize));
  }

  @Property
  void parse_anyTruncationOrFlip_throwsCorruptSignatureOrParsesSameShape(
      @ForAll @Size(min = 1, max = 2000) byte[] basis, @ForAll @IntRange(min = 0, max = 100_000) int where,
      @ForAll byte flip) {
    byte[] bytes = SignatureGenerator.of(basis, 64).toBytes();
    byte[] truncated = Arrays.copyOf(bytes, where % bytes.length);
    assertThatThrownBy(() -> BlockSignature.parse(truncated)).isInstanceOf(CorruptSignatureException.class);
    bytes[where % bytes.length] ^= (byte) (flip == 0 ? 1 : flip);
    try {
      BlockSignature parsed = BlockSignature.parse(bytes);
      assertThat(parsed.blockCount()).isEqualTo((int) ((parsed.basisLength() + parsed.blockSize() - 1) / parsed.blockSize()));
    } catch (CorruptSignatureException expected) {
      assertThat(expected).hasMessageNotContaining("null");
    }
  }

  @Test
  void parse_trailingByte_rejected() {
    byte[] bytes = SignatureGenerator.of(new byte[1000], 100).toBytes();
    assertThatThrownBy(() -> BlockSignature.parse(Arrays.copyOf(bytes, bytes.length + 1)))
        .isInstanceOf(CorruptSignatureException.class).hasMessageContaining("trailing");
  }

  @Test
  void parse_hugeDeclaredCount_rejectedWithoutAllocating() {
    ByteBuffer header = ByteBuffer.allocate(BlockSignature.HEADER_BYTES);
    header.putInt(BlockSignature.MAGIC).put((byte) 1).put((byte) 16).putInt(1).putLong(1L << 40).putInt(-1);
    assertThatThrownBy(() -> BlockSignature.parse(header.array()))
        .isInstanceOf(CorruptSignatureException.class).hasMessageContaining("block count");
  }

  @Test
  void parse_otherVersion_rejectedWithVersionInMessage() {
    byte[] bytes = SignatureGenerator.of(new byte[10], 4).toBytes();
    bytes[4] = 2;
    assertThatThrownBy(() -> BlockSignature.parse(bytes))
        .isInstanceOf(CorruptSignatureException.class).hasMessageContaining("version 2");
  }

  @Test
  void parse_truncatedStrongLength_keepsMatchingBehaviour() throws Exception {
    byte[] basis = new byte[5000];
    new Random(1).nextBytes(basis);
    BlockSignature full = SignatureGenerator.of(basis, 500);
    byte[] bytes = full.toBytes();
    // rewrite as an 8-byte strong hash signature
    ByteBuffer in = ByteBuffer.wrap(bytes);
    ByteBuffer out = ByteBuffer.allocate(BlockSignature.HEADER_BYTES + full.blockCount() * 12);
    out.put(bytes, 0, BlockSignature.HEADER_BYTES).put(5, (byte) 8);
    for (int i = 0; i < full.blockCount(); i++) {
      int base = BlockSignature.HEADER_BYTES + i * 20;
      out.putInt(in.getInt(base)).put(bytes, base + 4, 8);
    }
    BlockSignature shortSig = BlockSignature.parse(out.array());
    assertThat(shortSig.strongLength()).isEqualTo(8);
    assertThat(Deltas.apply(basis, Deltas.encode(shortSig, basis))).isEqualTo(basis);
    assertThat(Deltas.wireSize(Deltas.encode(shortSig, basis))).isLessThan(100);
  }

  @Test
  void cachedBlockSizeFor_aQuarterOfRsyncsRuleAtLeast700() {
    assertThat(BlockSignature.cachedBlockSizeFor(0)).isEqualTo(700);
    assertThat(BlockSignature.cachedBlockSizeFor(8L << 20)).isEqualTo(720);
    assertThat(BlockSignature.cachedBlockSizeFor(100L << 20)).isEqualTo(2560);
    assertThat(BlockSignature.cachedBlockSizeFor(1L << 40)).isEqualTo(BlockSignature.MAX_BLOCK_SIZE / 4);
    for (long len = 1; len < (1L << 36); len = len * 3 + 1) {
      assertThat(BlockSignature.cachedBlockSizeFor(len) % 8 == 0 || BlockSignature.cachedBlockSizeFor(len) == 700).isTrue();
    }
  }

  @Test
  void blockSizeFor_followsRsyncSquareRootRule() {
    assertThat(BlockSignature.blockSizeFor(0)).isEqualTo(700);
    assertThat(BlockSignature.blockSizeFor(490_000)).isEqualTo(700);
    assertThat(BlockSignature.blockSizeFor(16L << 20)).isEqualTo(4096);
    assertThat(BlockSignature.blockSizeFor(100L << 20)).isEqualTo(10240);
    assertThat(BlockSignature.blockSizeFor(100_000_000L)).isEqualTo(10000);
    assertThat(BlockSignature.blockSizeFor(1L << 40)).isEqualTo(BlockSignature.MAX_BLOCK_SIZE);
    for (long len = 490_001; len < 1L << 34; len = len * 3 / 2) {
      int b = BlockSignature.blockSizeFor(len);
      assertThat(b % 8 == 0 || b == 700).as("multiple of 8 or 700: %d", b).isTrue();
      assertThat((long) b * b).isLessThanOrEqualTo(len);
    }
  }
}
