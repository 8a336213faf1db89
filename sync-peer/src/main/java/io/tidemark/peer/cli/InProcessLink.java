package io.tidemark.peer.cli;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.tidemark.agent.replication.ReplicationService;
import io.tidemark.peer.sync.ReplicaClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * An in-process gRPC server for one {@link ReplicationService} and a channel to it: messages are
 * handed over as objects. Streams opened through it are the service's peers like any other
 * (counted by {@code Flush}).
 */
final class InProcessLink implements PeerLink {
  private final Server server;
  private final ManagedChannel channel;

  private InProcessLink(Server server, ManagedChannel channel) {
    this.server = server;
    this.channel = channel;
  }

  static InProcessLink start(ReplicationService replication) {
    String name = "tidemark-sync-" + UUID.randomUUID();
    try {
      Server server = InProcessServerBuilder.forName(name)
          .addService(replication.service())
          .build()
          .start();
      ManagedChannel channel = InProcessChannelBuilder.forName(name)
          .maxInboundMessageSize(ReplicaClient.MAX_MESSAGE_BYTES)
          .build();
      return new InProcessLink(server, channel);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the in-process replication link", e);
    }
  }

  @Override
  public ManagedChannel channel() {
    return channel;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
