package io.tidemark.proto.delta;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;

/** Test fixture: encode to a list of frames and apply a list of frames, all in memory. */
final class Deltas {
  private Deltas() {}

  static List<byte[]> encode(byte[] basis, int blockSize, byte[] content) throws IOException {
    return encode(SignatureGenerator.of(basis, blockSize), content);
  }

  static List<byte[]> encode(BlockSignature signature, byte[] content) throws IOException {
    List<byte[]> frames = new ArrayList<>();
    new DeltaEncoder().encode(signature, content, frame -> {
      byte[] copy = new byte[frame.remaining()];
      frame.get(copy);
      frames.add(copy);
    });
    return frames;
  }

  static byte[] apply(byte[] basis, List<byte[]> frames) throws IOException {
    return apply(basis, frames, BlockSignature.MAX_BASIS_LENGTH);
  }

  static byte[] apply(byte[] basis, List<byte[]> frames, long maxOutput) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeltaApplier applier = new DeltaApplier(DeltaBasis.of(basis), Channels.newChannel(out), maxOutput)) {
      for (byte[] frame : frames) {
        applier.accept(ByteBuffer.wrap(frame));
      }
      applier.finish();
    }
    return out.toByteArray();
  }

  static long wireSize(List<byte[]> frames) {
    return frames.stream().mapToLong(f -> f.length).sum();
  }
}
