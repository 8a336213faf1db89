package io.tidemark.peer.it;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.tidemark.agent.cli.AgentTarget;
import io.tidemark.agent.service.BearerToken;
import io.tidemark.proto.v1.FlushRequest;
import io.tidemark.proto.v1.FlushResponse;
import io.tidemark.proto.v1.ReplicationServiceGrpc;
import io.tidemark.proto.v1.StatusRequest;
import io.tidemark.proto.v1.StatusResponse;
import io.tidemark.proto.v1.JournalServiceGrpc;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Direct gRPC calls to an agent child process (plaintext or TLS, with or without a token). */
public final class AgentCalls implements AutoCloseable {
  private final ManagedChannel channel;
  private final BearerToken token;

  private AgentCalls(ManagedChannel channel, String token) {
    this.channel = channel;
    this.token = token == null ? null : new BearerToken(token);
  }

  public static AgentCalls to(String target) throws IOException {
    return to(target, null, null);
  }

  public static AgentCalls to(String target, String token, Path tlsCa) throws IOException {
    AgentTarget t = AgentTarget.parse(target);
    ChannelCredentials credentials = tlsCa == null
        ? InsecureChannelCredentials.create()
        : TlsChannelCredentials.newBuilder().trustManager(tlsCa.toFile()).build();
    return new AgentCalls(Grpc.newChannelBuilderForAddress(t.host(), t.port(), credentials).build(), token);
  }

  public ReplicationServiceGrpc.ReplicationServiceBlockingStub replication() {
    var stub = ReplicationServiceGrpc.newBlockingStub(channel);
    return token == null ? stub : stub.withCallCredentials(token);
  }

  public ReplicationServiceGrpc.ReplicationServiceStub replicationAsync() {
    var stub = ReplicationServiceGrpc.newStub(channel);
    return token == null ? stub : stub.withCallCredentials(token);
  }

  /** Flush with a server-side timeout of {@code seconds}. */
  public FlushResponse flush(int seconds) {
    return flush(seconds, 0);
  }

  /** Flush that also waits for at least {@code minPeers} connected peers. */
  public FlushResponse flush(int seconds, int minPeers) {
    return replication().withDeadlineAfter(seconds + 10L, TimeUnit.SECONDS)
        .flush(FlushRequest.newBuilder().setTimeoutMs(seconds * 1000).setMinPeers(minPeers).build());
  }

  public StatusResponse status() {
    var stub = JournalServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    return (token == null ? stub : stub.withCallCredentials(token)).status(StatusRequest.getDefaultInstance());
  }

  /** Every change journalled after {@code since} (all pages). */
  public java.util.List<io.tidemark.proto.v1.Change> changesSince(String since) {
    var stub = JournalServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    stub = token == null ? stub : stub.withCallCredentials(token);
    java.util.List<io.tidemark.proto.v1.Change> all = new java.util.ArrayList<>();
    String cursor = since;
    while (true) {
      var page = stub.changes(io.tidemark.proto.v1.ChangesRequest.newBuilder().setSince(cursor).build());
      if (page.getFreshInstance()) {
        throw new AssertionError("fresh instance for " + since);
      }
      all.addAll(page.getChangesList());
      cursor = page.getCursor();
      if (!page.getMore()) {
        return all;
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
