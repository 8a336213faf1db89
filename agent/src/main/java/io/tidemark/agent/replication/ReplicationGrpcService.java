package io.tidemark.agent.replication;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tidemark.proto.v1.FlushRequest;
import io.tidemark.proto.v1.FlushResponse;
import io.tidemark.proto.v1.PeerMessage;
import io.tidemark.proto.v1.ReplicationServiceGrpc;
import io.tidemark.proto.v1.SourceMessage;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** The gRPC binding: validate, delegate to {@link ReplicationService}, map errors to Status. */
final class ReplicationGrpcService extends ReplicationServiceGrpc.ReplicationServiceImplBase {
  private static final Duration DEFAULT_FLUSH_TIMEOUT = Duration.ofSeconds(30);

  private final ReplicationService replication;

  ReplicationGrpcService(ReplicationService replication) {
    this.replication = replication;
  }

  @Override
  public StreamObserver<PeerMessage> replicate(StreamObserver<SourceMessage> responses) {
    return replication.open((ServerCallStreamObserver<SourceMessage>) responses);
  }

  @Override
  public void flush(FlushRequest request, StreamObserver<FlushResponse> responses) {
    Duration timeout =
        request.getTimeoutMs() == 0 ? DEFAULT_FLUSH_TIMEOUT : Duration.ofMillis(request.getTimeoutMs());
    replication
        .flush(timeout, request.getMinPeers())
        .whenComplete(
            (answer, failure) -> {
              if (failure == null) {
                responses.onNext(answer);
                responses.onCompleted();
                return;
              }
              Throwable cause =
                  failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
              Status status =
                  cause instanceof TimeoutException
                      ? Status.DEADLINE_EXCEEDED.withDescription(cause.getMessage())
                      : Status.INTERNAL.withDescription("flush failed: " + cause);
              responses.onError(status.asRuntimeException());
            });
  }
}
