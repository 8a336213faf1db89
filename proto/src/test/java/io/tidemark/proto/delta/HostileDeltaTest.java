package io.tidemark.proto.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-crafted hostile deltas, built byte by byte as in {@link DeltaFormat}. */
class HostileDeltaTest {
  private static final byte[] BASIS = "0123456789abcdef".repeat(64).getBytes();

  /** A frame builder: frame 0 with the stream header for {@code basisLength}. */
  private static final class Frame {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Frame(long sequence) {
      varint(sequence);
    }

    static Frame first(long basisLength) {
      Frame f = new Frame(0);
      f.raw('T', 'M', 'D', 1);
      f.varint(basisLength);
      return f;
    }

    Frame raw(int... values) {
      for (int v : values) {
        bytes.write(v);
      }
      return this;
    }

    Frame bytes(byte[] b) {
      bytes.writeBytes(b);
      return this;
    }

    Frame varint(long v) {
      byte[] buf = new byte[10];
      bytes.write(buf, 0, Varint.write(buf, 0, v));
      return this;
    }

    Frame end(byte[] content) throws Exception {
      raw(DeltaFormat.OP_END).varint(content.length);
      return bytes(MessageDigest.getInstance("SHA-256").digest(content));
    }

    byte[] build() {
      return bytes.toByteArray();
    }
  }

  private static CorruptDeltaException corrupt(byte[]... frames) {
    try {
      Deltas.apply(BASIS, List.of(frames), 1 << 20);
    } catch (CorruptDeltaException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected CorruptDeltaException, got " + e, e);
    }
    throw new AssertionError("hostile delta accepted");
  }

  @Test
  void apply_wellFormedHandmadeDelta_rebuildsContent() throws Exception {
    byte[] expected = "0123XY".getBytes();
    byte[] frame = Frame.first(BASIS.length).raw(DeltaFormat.OP_COPY).varint(0).varint(4)
        .raw(DeltaFormat.OP_LITERAL_RAW).varint(2).raw('X', 'Y').end(expected).build();
    assertThat(Deltas.apply(BASIS, List.of(frame))).isEqualTo(expected);
  }

  @Test
  void apply_copyPastBasisEnd_rejected() {
    byte[] frame = Frame.first(BASIS.length).raw(DeltaFormat.OP_COPY).varint(BASIS.length - 3).varint(4).build();
    assertThat(corrupt(frame)).hasMessageContaining("outside the basis");
  }

  @Test
  void apply_copyOffsetNearLongMax_rejectedWithoutOverflow() {
    byte[] frame = Frame.first(BASIS.length).raw(DeltaFormat.OP_COPY).varint(Long.MAX_VALUE).varint(Long.MAX_VALUE).build();
    assertThat(corrupt(frame)).hasMessageContaining("outside the basis");
  }

  @Test
  void apply_zeroLengthCopy_rejected() {
    byte[] frame = Frame.first(BASIS.length).raw(DeltaFormat.OP_COPY).varint(0).varint(0).build();
    assertThat(corrupt(frame)).hasMessageContaining("COPY of 0 bytes");
  }

  @Test
  void apply_overlongVarint_rejected() {
    byte[] frame = Frame.first(BASIS.length).raw(DeltaFormat.OP_COPY, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01).build();
    assertThat(corrupt(frame)).hasMessageContaining("longer than 9 bytes");
  }

  @Test
  void apply_hugeLiteralLength_rejectedBeforeAllocating() {
    byte[] frame = Frame.first(BASIS.length).raw(DeltaFormat.OP_LITERAL_RAW).varint(1L << 40).build();
    assertThat(corrupt(frame)).hasMessageContaining("outside 1..131072");
  }

  @Test
  void apply_literalLongerThanFrame_rejectedAsTruncated() {
    byte[] frame = Frame.first(BASIS.length).raw(DeltaFormat.OP_LITERAL_RAW).varint(1000).raw(1, 2, 3).build();
    assertThat(corrupt(frame)).hasMessageContaining("truncated");
  }

  @Test
  void apply_zstdBomb_rejectedWithinTheDeclaredBound() {
    byte[] bomb = Zstd.compress(new byte[64 << 20], 19); // 64 MiB of zeros in a few KiB
    byte[] frame = Frame.first(BASIS.length).raw(DeltaFormat.OP_LITERAL_ZSTD).varint(DeltaFormat.MAX_LITERAL_BYTES)
        .varint(bomb.length).bytes(bomb).build();
    assertThat(frame.length).isLessThan(DeltaFormat.MAX_FRAME_BYTES);
    assertThat(corrupt(frame)).hasMessageContaining("LITERAL_ZSTD");
  }

  @Test
  void apply_zstdInflatingToLessThanDeclared_rejected() {
    byte[] small = Zstd.compress(new byte[10]);
    byte[] frame = Frame.first(BASIS.length).raw(DeltaFormat.OP_LITERAL_ZSTD).varint(100).varint(small.length)
        .bytes(small).build();
    assertThat(corrupt(frame)).hasMessageContaining("LITERAL_ZSTD");
  }

  @Test
  void apply_unknownOpcode_rejectedNamingIt() {
    byte[] frame = Frame.first(BASIS.length).raw(0x7f).build();
    assertThat(corrupt(frame)).hasMessageContaining("unknown opcode 0x7f");
  }

  @Test
  void apply_bytesAfterEnd_rejectedAsTrailing() throws Exception {
    byte[] frame = Frame.first(BASIS.length).raw(DeltaFormat.OP_COPY).varint(0).varint(1)
        .end(new byte[] {'0'}).raw(0).build();
    assertThat(corrupt(frame)).hasMessageContaining("trailing");
  }

  @Test
  void apply_frameAfterEnd_rejectedAsTrailing() throws Exception {
    byte[] first = Frame.first(BASIS.length).raw(DeltaFormat.OP_COPY).varint(0).varint(1).end(new byte[] {'0'}).build();
    byte[] second = new Frame(1).raw(DeltaFormat.OP_COPY).varint(0).varint(1).build();
    assertThat(corrupt(first, second)).hasMessageContaining("after END");
  }

  @Test
  void apply_missingEnd_rejectedAtFinish() {
    byte[] frame = Frame.first(BASIS.length).raw(DeltaFormat.OP_COPY).varint(0).varint(1).build();
    assertThat(corrupt(frame)).hasMessageContaining("truncated");
  }

  @Test
  void apply_otherVersion_rejected() {
    byte[] frame = new Frame(0).raw('T', 'M', 'D', 2).varint(BASIS.length).raw(DeltaFormat.OP_COPY).varint(0).varint(1).build();
    assertThat(corrupt(frame)).hasMessageContaining("version 2");
  }

  @Test
  void apply_frameOutOfOrder_rejected() {
    byte[] first = Frame.first(BASIS.length).raw(DeltaFormat.OP_COPY).varint(0).varint(1).build();
    byte[] third = new Frame(2).raw(DeltaFormat.OP_COPY).varint(0).varint(1).build();
    assertThat(corrupt(first, third)).hasMessageContaining("frame 2 arrived where frame 1");
  }

  @Test
  void apply_oversizedFrame_rejected() {
    byte[] frame = new byte[DeltaFormat.MAX_FRAME_BYTES + 1];
    assertThat(corrupt(frame)).hasMessageContaining("exceeds the limit");
  }

  @Test
  void apply_copiesBeyondOutputLimit_rejected() {
    Frame frame = Frame.first(BASIS.length);
    for (int i = 0; i < 2000; i++) {
      frame.raw(DeltaFormat.OP_COPY).varint(0).varint(BASIS.length);
    }
    assertThat(corrupt(frame.build())).hasMessageContaining("more than the limit");
  }

  @Test
  void apply_endLengthDisagreesWithOutput_rejected() throws Exception {
    byte[] frame = Frame.first(BASIS.length).raw(DeltaFormat.OP_COPY).varint(0).varint(2).end(new byte[] {'0'}).build();
    assertThat(corrupt(frame)).hasMessageContaining("END announces 1 bytes");
  }

  @Test
  void apply_wrongBasisLength_throwsMismatch() {
    byte[] frame = Frame.first(BASIS.length + 1).raw(DeltaFormat.OP_COPY).varint(0).varint(1).build();
    assertThatThrownBy(() -> Deltas.apply(BASIS, List.of(frame)))
        .isInstanceOf(DeltaMismatchException.class).hasMessageContaining("basis of " + (BASIS.length + 1));
  }

  @Test
  void apply_wrongSha256_throwsMismatch() throws Exception {
    byte[] frame = Frame.first(BASIS.length).raw(DeltaFormat.OP_COPY).varint(0).varint(1).end(new byte[] {'1'}).build();
    assertThatThrownBy(() -> Deltas.apply(BASIS, List.of(frame))).isInstanceOf(DeltaMismatchException.class)
        .hasMessageContaining("SHA-256");
  }
}
