package io.tidemark.agent.service;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.tidemark.proto.v1.Change;
import io.tidemark.proto.v1.ChangeBatch;
import io.tidemark.proto.v1.SubscribeRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A Subscribe client that records batches; with manual flow control it reads only on request. */
final class RecordingSubscriber implements ClientResponseObserver<SubscribeRequest, ChangeBatch> {
  private final Integer initialRequest;
  private volatile ClientCallStreamObserver<SubscribeRequest> call;
  final List<ChangeBatch> batches = new CopyOnWriteArrayList<>();
  final CompletableFuture<Status> closed = new CompletableFuture<>();

  private RecordingSubscriber(Integer initialRequest) {
    this.initialRequest = initialRequest;
  }

  static RecordingSubscriber autoRequesting() {
    return new RecordingSubscriber(null);
  }

  /** Reads nothing until {@link #request(int)}. */
  static RecordingSubscriber requestingNothing() {
    return new RecordingSubscriber(0);
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<SubscribeRequest> call) {
    this.call = call;
    if (initialRequest != null) {
      call.disableAutoRequestWithInitial(initialRequest);
    }
  }

  void request(int batches) {
    call.request(batches);
  }

  void cancel() {
    call.cancel("test is done", null);
  }

  List<String> paths() {
    return batches.stream().flatMap(b -> b.getChangesList().stream()).map(Change::getPath).toList();
  }

  int changeCount() {
    return batches.stream().mapToInt(ChangeBatch::getChangesCount).sum();
  }

  @Override
  public void onNext(ChangeBatch batch) {
    batches.add(batch);
  }

  @Override
  public void onError(Throwable t) {
    closed.complete(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    closed.complete(Status.OK);
  }
}
