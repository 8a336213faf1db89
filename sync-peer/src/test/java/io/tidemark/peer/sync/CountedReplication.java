package io.tidemark.peer.sync;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.tidemark.agent.replication.ReplicationService;
import io.tidemark.peer.replica.FsyncPolicy;
import io.tidemark.peer.replica.ReplicaWriter;
import io.tidemark.proto.cursor.Cursor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One run of a source (a fresh ReplicationService over {@code journal}, as after an agent
 * (re)start) served in-process behind a {@link Wire} that counts what crosses, and a peer on DST.
 */
final class CountedReplication implements AutoCloseable {
  final Wire wire = new Wire();
  private final ReplicationService service;
  private final Server server;
  private final ManagedChannel channel;
  private final ReplicaClient client;
  private final PeerState state;

  /** {@code agentState} null for a source that keeps nothing on disk. */
  CountedReplication(RecordingJournal journal, Path src, Path dst, Path agentState, Path peerState,
      FsyncPolicy fsync) throws IOException {
    service = agentState == null ? ReplicationService.create(journal, src)
        : ReplicationService.create(journal, src, agentState);
    String name = "counted-" + System.nanoTime();
    server = InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(service.service(), wire)).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    state = PeerState.open(peerState, dst);
    client = ReplicaClient.start(channel, new ReplicaWriter(dst, fsync), state, "peer", null);
  }

  void awaitPeerAt(String cursor) {
    long seq = Cursor.parse(cursor).seq();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
        .until(() -> !state.cursor().isEmpty() && Cursor.parse(state.cursor()).seq() >= seq);
  }

  @Override
  public void close() {
    client.close();
    channel.shutdownNow();
    server.shutdownNow();
    service.close();
  }
}
