package io.tidemark.peer.sync;

import io.grpc.Channel;
import io.grpc.Status;
import io.tidemark.peer.replica.ReplicaWriter;
import io.tidemark.proto.v1.ReplicationServiceGrpc;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a replica following its source: opens a {@code Replicate} stream with the cursor from
 * {@link PeerState}, applies it through a {@link ReplicaSession}, and when the stream ends for any
 * reason reconnects with exponential backoff ({@value #MIN_BACKOFF_MS} ms doubling to {@value
 * #MAX_BACKOFF_MS} ms, reset after a stream that made progress), logging why.
 *
 * <pre>{@code
 * try (ReplicaClient client = ReplicaClient.start(channel, writer, state, "laptop", listener)) {
 *   ...
 * }
 * }</pre>
 */
public final class ReplicaClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaClient.class);
  static final long MIN_BACKOFF_MS = 100;
  static final long MAX_BACKOFF_MS = 5_000;
  /** Stream ends that retrying cannot fix: the source refused the credentials or does not replicate. */
  private static final Set<Status.Code> REFUSALS =
      EnumSet.of(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED, Status.Code.UNIMPLEMENTED);
  /** Big enough for the signature of a very large basis file in a Want. */
  public static final int MAX_MESSAGE_BYTES = 64 << 20;

  private final ReplicationServiceGrpc.ReplicationServiceStub stub;
  private final ReplicaWriter writer;
  private final PeerState state;
  private final String peerName;
  private final ReplicaListener listener;
  private final Thread loop;
  private final CompletableFuture<Status> refused = new CompletableFuture<>();
  private volatile boolean closed;
  private volatile ReplicaSession session;

  private ReplicaClient(Channel channel, ReplicaWriter writer, PeerState state, String peerName,
      ReplicaListener listener) {
    this.stub = ReplicationServiceGrpc.newStub(channel).withMaxInboundMessageSize(MAX_MESSAGE_BYTES)
        .withMaxOutboundMessageSize(MAX_MESSAGE_BYTES);
    this.writer = writer;
    this.state = state;
    this.peerName = peerName;
    this.listener = listener;
    this.loop = Thread.ofPlatform().daemon().name("tidemark-replica-" + peerName).unstarted(this::run);
  }

  /** Starts following in the background; credentials (a bearer token) belong on {@code channel}. */
  public static ReplicaClient start(Channel channel, ReplicaWriter writer, PeerState state,
      String peerName, ReplicaListener listener) {
    ReplicaClient client = new ReplicaClient(Objects.requireNonNull(channel), writer, state,
        peerName, listener == null ? new ReplicaListener() {} : listener);
    client.loop.start();
    return client;
  }

  private void run() {
    if (state.lastRunDied()) {
      try {
        int removed = writer.removeTempFiles();
        log.info("the last run on {} did not stop cleanly; removed {} temp file(s) it left in {}",
            state.dir(), removed, writer.root());
      } catch (IOException e) {
        log.warn("could not look for temp files left in {}: {}", writer.root(), e.toString());
      }
    }
    long backoff = MIN_BACKOFF_MS;
    while (!closed) {
      ReplicaSession s = new ReplicaSession(writer, state, listener, peerName);
      session = s;
      Throwable why;
      try {
        var requests = stub.replicate(s);
        s.hello();
        why = s.ended().join();
        try {
          requests.onCompleted();
        } catch (RuntimeException ignored) {
          // already closed
        }
      } catch (RuntimeException e) {
        why = e;
      }
      if (closed) {
        return;
      }
      Status status = why == null ? null : Status.fromThrowable(why);
      if (status != null && REFUSALS.contains(status.getCode())) {
        log.error("the source refused this replica ({}); not retrying", status);
        refused.complete(status);
        return;
      }
      if (s.ackedAnything()) {
        backoff = MIN_BACKOFF_MS;
      }
      String reason = status == null ? "the source ended the stream" : status.toString();
      log.info("replication stream ended ({}); reconnecting in {} ms from {}", reason, backoff,
          state.cursor().isEmpty() ? "the start" : state.cursor());
      listener.disconnected(reason, backoff);
      try {
        Thread.sleep(Duration.ofMillis(backoff));
      } catch (InterruptedException e) {
        return;
      }
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
  }

  /**
   * Completes, and the client stops, when the source refuses this replica for good: {@code
   * UNAUTHENTICATED} (missing or wrong token), {@code PERMISSION_DENIED}, or {@code UNIMPLEMENTED}
   * (no replication there). Every other end of a stream is retried with backoff.
   */
  public CompletableFuture<Status> refused() {
    return refused;
  }

  /** Stops the stream (the source sees a cancel) and the reconnect loop. */
  @Override
  public void close() {
    closed = true;
    ReplicaSession s = session;
    if (s != null) {
      s.cancel("replica closing");
      s.ended().join();
    }
    loop.interrupt();
    try {
      if (loop.join(Duration.ofSeconds(10))) {
        state.stoppedCleanly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      log.warn("could not mark {} as stopped cleanly: {}", state.dir(), e.toString());
    }
  }
}
