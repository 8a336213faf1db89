package io.tidemark.proto.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files end to end: sign a file, stream the new file through the encoder, apply into a temp file. */
class DeltaFileTest {
  @TempDir Path dir;

  @Test
  void apply_fileBasisAndStreamedContent_rebuildsFileAcrossManyFrames() throws Exception {
    byte[] old = new byte[6 << 20];
    new Random(7).nextBytes(old);
    byte[] fresh = new byte[old.length + (3 << 20)];
    System.arraycopy(old, 0, fresh, 0, 2 << 20);
    new Random(8).nextBytes(fresh); // all new, so literals span several frames
    System.arraycopy(old, 1 << 20, fresh, 5 << 20, 4 << 20); // plus a moved region
    Path basis = Files.write(dir.resolve("basis"), old);
    Path source = Files.write(dir.resolve("source"), fresh);
    Path target = dir.resolve("target.tmp");

    BlockSignature signature = SignatureGenerator.of(basis);
    List<ByteBuffer> frames = new ArrayList<>();
    DeltaSummary sent;
    try (FileChannel in = FileChannel.open(source)) {
      sent = new DeltaEncoder().encode(signature, in, frame -> frames.add(copy(frame)));
    }
    assertThat(frames).hasSizeGreaterThan(1).allSatisfy(f -> assertThat(f.remaining()).isLessThanOrEqualTo(1 << 20));
    assertThat(sent.copiedBytes()).isGreaterThanOrEqualTo((4 << 20) - 2L * signature.blockSize());

    DeltaSummary applied;
    try (FileChannel basisChannel = FileChannel.open(basis);
        FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        DeltaApplier applier = new DeltaApplier(DeltaBasis.of(basisChannel), out)) {
      for (ByteBuffer frame : frames) {
        applier.accept(frame);
      }
      applied = applier.finish();
    }
    assertThat(Files.readAllBytes(target)).isEqualTo(fresh);
    assertThat(applied.sha256()).isEqualTo(sent.sha256());
    assertThat(applied.newLength()).isEqualTo(fresh.length);
  }

  @Test
  void apply_basisFileChangedSinceSigning_throwsMismatch() throws Exception {
    byte[] old = new byte[200_000];
    new Random(1).nextBytes(old);
    byte[] fresh = old.clone();
    fresh[10] ^= 1;
    BlockSignature signature = SignatureGenerator.of(old);
    List<byte[]> frames = Deltas.encode(signature, fresh);
    byte[] changedBasis = old.clone();
    changedBasis[150_000] ^= 1;
    assertThatThrownBy(() -> Deltas.apply(changedBasis, frames)).isInstanceOf(DeltaMismatchException.class);
  }

  @Test
  void apply_deltaAgainstNothing_rebuildsContentWhateverTheBasis() throws Exception {
    byte[] fresh = new byte[300_000];
    new Random(3).nextBytes(fresh);
    List<byte[]> whole = Deltas.encode(SignatureGenerator.of(new byte[0]), fresh);
    byte[] unrelated = new byte[70_000];
    new Random(4).nextBytes(unrelated);
    assertThat(Deltas.apply(unrelated, whole)).isEqualTo(fresh);
    assertThat(Deltas.apply(new byte[0], whole)).isEqualTo(fresh);
  }

  @Test
  void accept_afterRejection_refusesFurtherFrames() throws Exception {
    try (DeltaApplier applier = new DeltaApplier(DeltaBasis.empty(), java.nio.channels.Channels.newChannel(
        java.io.OutputStream.nullOutputStream()))) {
      assertThatThrownBy(() -> applier.accept(new byte[] {0, 'X'})).isInstanceOf(CorruptDeltaException.class);
      assertThatThrownBy(() -> applier.accept(new byte[] {0})).isInstanceOf(CorruptDeltaException.class)
          .hasMessageContaining("already rejected");
    }
  }

  private static ByteBuffer copy(ByteBuffer frame) {
    ByteBuffer copy = ByteBuffer.allocate(frame.remaining());
    copy.put(frame).flip();
    return copy.asReadOnlyBuffer();
  }

  /** Buffers start small and grow: a large literal run still fills 1 MiB frames, no more frames. */
  @Test
  void encode_wholeLargeFile_framesGrowToTheLimit() throws Exception {
    byte[] content = new byte[5 << 20];
    new Random(9).nextBytes(content);
    BlockSignature empty = SignatureGenerator.of(new byte[0]);
    List<byte[]> frames = Deltas.encode(empty, content);
    assertThat(frames).hasSize(6);
    assertThat(frames.subList(0, 4)).allSatisfy(f -> assertThat(f.length).isGreaterThan((1 << 20) - 200_000));
    assertThat(Deltas.apply(new byte[0], frames)).isEqualTo(content);
  }

  @Test
  void encode_smallFile_oneSmallFrame() throws Exception {
    byte[] content = new byte[4096];
    new Random(10).nextBytes(content);
    List<byte[]> frames = Deltas.encode(SignatureGenerator.of(new byte[0]), content);
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0).length).isBetween(4096, 4096 + 64);
    assertThat(Deltas.apply(new byte[0], frames)).isEqualTo(content);
  }
}
