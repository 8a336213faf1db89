package io.tidemark.agent.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tidemark.agent.journal.Change;
import io.tidemark.proto.v1.ChangeBatch;
import io.tidemark.proto.v1.ChangeKind;
import io.tidemark.proto.v1.ChangesRequest;
import io.tidemark.proto.v1.ChangesResponse;
import io.tidemark.proto.v1.JournalServiceGrpc;
import io.tidemark.proto.v1.StatusRequest;
import io.tidemark.proto.v1.StatusResponse;
import io.tidemark.proto.v1.SubscribeRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tidemark.v1.JournalService}: validate the request, delegate to {@link JournalQueries},
 * map failures to a {@link Status}. Unexpected failures are logged here and answered as {@code
 * INTERNAL} with a one-line message; no stack trace reaches a client.
 */
final class JournalGrpcService extends JournalServiceGrpc.JournalServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(JournalGrpcService.class);

  private final JournalQueries journal;
  private final Executor journalReads;
  private final JournalFrontDoor.Settings settings;
  private final AtomicInteger subscribers = new AtomicInteger();

  JournalGrpcService(
      JournalQueries journal, Executor journalReads, JournalFrontDoor.Settings settings) {
    this.journal = journal;
    this.journalReads = journalReads;
    this.settings = settings;
  }

  int subscribers() {
    return subscribers.get();
  }

  @Override
  public void changes(ChangesRequest request, StreamObserver<ChangesResponse> out) {
    String prefix;
    try {
      prefix = PathPrefix.validate(request.getPathPrefix());
    } catch (IllegalArgumentException e) {
      out.onError(invalidArgument(e));
      return;
    }
    int limit = request.getLimit() == 0 ? settings.defaultLimit() : request.getLimit();
    limit = (int) Math.min(Integer.toUnsignedLong(limit), settings.maxLimit());
    int pageLimit = limit;
    CompletableFuture<Void> synced;
    try {
      synced =
          request.getSync()
              ? journal.syncToNow(settings.syncTimeout())
              : CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      out.onError(internal("Changes", e));
      return;
    }
    // Respond when the sync completes, on the journal-read executor: no gRPC thread waits.
    synced.whenCompleteAsync(
        (ignored, failure) -> {
          if (failure != null) {
            out.onError(syncFailed(failure));
            return;
          }
          try {
            out.onNext(answer(request.getSince(), prefix, pageLimit));
            out.onCompleted();
          } catch (StatusRuntimeException e) {
            out.onError(e);
          } catch (RuntimeException e) {
            out.onError(internal("Changes", e));
          }
        },
        journalReads);
  }

  private ChangesResponse answer(String since, String prefix, int limit) {
    if (since.isEmpty()) {
      return ChangesResponse.newBuilder().setCursor(journal.currentCursor()).build();
    }
    ChangesPage page;
    try {
      page = journal.changesSince(since, prefix, limit);
    } catch (IllegalArgumentException e) {
      throw invalidArgument(e);
    }
    ChangesResponse.Builder response =
        ChangesResponse.newBuilder()
            .setCursor(page.cursor())
            .setFreshInstance(page.freshInstance())
            .setMore(page.more());
    page.changes().forEach(c -> response.addChanges(toWire(c)));
    return response.build();
  }

  @Override
  public void subscribe(SubscribeRequest request, StreamObserver<ChangeBatch> out) {
    String prefix;
    try {
      prefix = PathPrefix.validate(request.getPathPrefix());
    } catch (IllegalArgumentException e) {
      out.onError(invalidArgument(e));
      return;
    }
    ServerCallStreamObserver<ChangeBatch> call = (ServerCallStreamObserver<ChangeBatch>) out;
    Subscription subscription =
        new Subscription(
            journal, call, journalReads, prefix, settings.batchLimit(), subscribers::decrementAndGet);
    subscribers.incrementAndGet();
    try {
      subscription.start(request.getSince());
    } catch (RuntimeException e) {
      subscription.fail(internal("Subscribe", e));
    }
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
    AgentStatus status;
    try {
      status = journal.status();
    } catch (RuntimeException e) {
      out.onError(internal("Status", e));
      return;
    }
    out.onNext(
        StatusResponse.newBuilder()
            .setRoot(status.root())
            .setEngine(status.engine())
            .setEpoch(status.epoch())
            .setHighSeq(status.highSeq())
            .setCursor(status.cursor())
            .setJournalEntries(status.journalEntries())
            .setIndexEntries(status.indexEntries())
            .setState(status.state())
            .setSubscribers(subscribers.get())
            .setStateDir(status.stateDir())
            .build());
    out.onCompleted();
  }

  static io.tidemark.proto.v1.Change toWire(NumberedChange numbered) {
    Change change = numbered.change();
    io.tidemark.proto.v1.Change.Builder wire =
        io.tidemark.proto.v1.Change.newBuilder()
            .setKind(toWire(change.kind()))
            .setPath(change.path())
            .setDir(change.dir())
            .setSeq(numbered.seq());
    if (change.from() != null) {
      wire.setFrom(change.from());
    }
    return wire.build();
  }

  private static ChangeKind toWire(io.tidemark.agent.journal.ChangeKind kind) {
    return switch (kind) {
      case CREATED -> ChangeKind.CHANGE_KIND_CREATED;
      case MODIFIED -> ChangeKind.CHANGE_KIND_MODIFIED;
      case DELETED -> ChangeKind.CHANGE_KIND_DELETED;
      case RENAMED -> ChangeKind.CHANGE_KIND_RENAMED;
      case ATTRIB -> ChangeKind.CHANGE_KIND_ATTRIB;
    };
  }

  static StatusRuntimeException invalidArgument(IllegalArgumentException e) {
    return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
  }

  private StatusRuntimeException syncFailed(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof TimeoutException) {
      return Status.DEADLINE_EXCEEDED
          .withDescription(
              "sync-to-now timed out after "
                  + human(settings.syncTimeout())
                  + ": the agent's pipeline is stalled or the root is not writable")
          .asRuntimeException();
    }
    if (cause instanceof StatusRuntimeException status) {
      return status;
    }
    return internal("sync-to-now", cause);
  }

  private static String human(java.time.Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Logs {@code e} with its stack trace and gives the client one line. */
  static StatusRuntimeException internal(String what, Throwable e) {
    log.error("{} failed", what, e);
    String message = e.getMessage();
    return Status.INTERNAL
        .withDescription(
            what
                + " failed in the agent: "
                + (message == null || message.isBlank() ? e.getClass().getSimpleName() : message)
                + " (see the agent's log)")
        .asRuntimeException();
  }
}
