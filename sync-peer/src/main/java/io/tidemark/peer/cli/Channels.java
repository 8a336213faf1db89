package io.tidemark.peer.cli;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.TlsChannelCredentials;
import io.tidemark.agent.cli.AgentTarget;
import io.tidemark.agent.service.BearerToken;
import io.tidemark.peer.sync.ReplicaClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** A Netty channel to an agent: plaintext unless a CA is given, a bearer token on every call. */
final class Channels implements PeerLink {
  final ManagedChannel managed;
  final Channel channel;

  private Channels(ManagedChannel managed, Channel channel) {
    this.managed = managed;
    this.channel = channel;
  }

  /** gRPC clamps client pings to at most one per 10 s; the agent permits one per 5 s. */
  static final long KEEPALIVE_SECONDS = Math.max(10, Long.getLong("tidemark.keepaliveSeconds", 30));

  static Channels open(CommandSpec spec, AgentTarget target, String token, Path tlsCa) {
    ChannelCredentials credentials;
    if (tlsCa == null) {
      credentials = InsecureChannelCredentials.create();
    } else {
      try {
        credentials = TlsChannelCredentials.newBuilder().trustManager(tlsCa.toFile()).build();
      } catch (IOException e) {
        throw new ParameterException(
            spec.commandLine(), "cannot read --tls-ca " + tlsCa + ": " + e.getMessage());
      }
    }
    ManagedChannel managed =
        Grpc.newChannelBuilderForAddress(target.host(), target.port(), credentials)
            .maxInboundMessageSize(ReplicaClient.MAX_MESSAGE_BYTES)
            // A link that dies silently (a NAT or firewall dropping the flow, a cable pulled) never
            // errors on an idle stream: pings find it, the stream fails, the peer reconnects.
            .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
            .keepAliveTimeout(Math.max(5, KEEPALIVE_SECONDS / 2), TimeUnit.SECONDS)
            .build();
    Channel channel = managed;
    if (token != null && !token.isEmpty()) {
      BearerToken bearer = new BearerToken(token);
      channel = ClientInterceptors.intercept(managed, new ClientInterceptor() {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(
            MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
          return next.newCall(method, options.withCallCredentials(bearer));
        }
      });
    }
    return new Channels(managed, channel);
  }

  @Override
  public Channel channel() {
    return channel;
  }

  @Override
  public void close() {
    managed.shutdownNow();
    try {
      managed.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
