package io.tidemark.proto.delta;

import java.util.HexFormat;

/**
 * What one delta carried: the new content's length and SHA-256, how many of its bytes were
 * copied from the basis or sent as literals, and the frames and bytes put on the wire.
 */
public record DeltaSummary(
    long newLength, byte[] sha256, long copiedBytes, long literalBytes, long wireBytes, int frames) {

  public String sha256Hex() {
    return HexFormat.of().formatHex(sha256);
  }

  @Override
  public String toString() {
    return "DeltaSummary[new " + newLength + " B, copied " + copiedBytes + " B, literal " + literalBytes
        + " B, wire " + wireBytes + " B in " + frames + " frame(s), sha256 " + sha256Hex() + "]";
  }
}
