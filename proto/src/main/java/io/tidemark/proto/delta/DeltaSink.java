package io.tidemark.proto.delta;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Receives the frames of a delta in order. The buffer is only valid during the call (the encoder
 * reuses it): copy it out, e.g. with {@code ByteString.copyFrom(frame)} (a gRPC message may be
 * kept unserialised, by an in-process transport for one). Do not modify it.
 */
@FunctionalInterface
public interface DeltaSink {
  void accept(ByteBuffer frame) throws IOException;
}
