package io.tidemark.peer.cli;

import io.grpc.Channel;

/** The channel a peer reaches its agent through, closed with the peer. */
interface PeerLink extends AutoCloseable {
  Channel channel();

  @Override
  void close();
}
