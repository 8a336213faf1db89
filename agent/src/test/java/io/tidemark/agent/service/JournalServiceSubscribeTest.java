package io.tidemark.agent.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.ChangeKind;
import io.tidemark.proto.v1.ChangeBatch;
import io.tidemark.proto.v1.JournalServiceGrpc;
import io.tidemark.proto.v1.StatusRequest;
import io.tidemark.proto.v1.SubscribeRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Subscribe: history, live appends, flow control and cleanup, over in-process gRPC. */
class JournalServiceSubscribeTest {
  private static final int BATCH = 1_000;

  private final InMemoryJournal journal = new InMemoryJournal(7);
  private final JournalFrontDoor frontDoor =
      JournalFrontDoor.create(
          journal, Runnable::run, JournalFrontDoor.Settings.DEFAULTS.withBatchLimit(BATCH));
  @RegisterExtension final InProcessGrpc grpc = new InProcessGrpc();
  private ManagedChannel channel;
  private JournalServiceGrpc.JournalServiceStub stub;

  @BeforeEach
  void start() throws Exception {
    channel = grpc.serve(frontDoor.service().bindService());
    stub = JournalServiceGrpc.newStub(channel);
  }

  private void appendCreated(String... paths) {
    for (String p : paths) {
      journal.append(Change.of(ChangeKind.CREATED, p, false));
    }
  }

  private static SubscribeRequest since(String cursor) {
    return SubscribeRequest.newBuilder().setSince(cursor).build();
  }

  @Test
  void subscribe_deliversHistoryThenLiveAppendsInOrder() {
    appendCreated("h1", "h2", "h3");
    RecordingSubscriber subscriber = RecordingSubscriber.autoRequesting();

    stub.subscribe(since(journal.cursorAt(1)), subscriber);
    await().until(() -> subscriber.changeCount() == 2);
    appendCreated("l1");
    appendCreated("l2", "l3");

    await().until(() -> subscriber.changeCount() == 5);
    assertThat(subscriber.paths()).containsExactly("h2", "h3", "l1", "l2", "l3");
    assertThat(subscriber.batches.getLast().getCursor()).isEqualTo(journal.currentCursor());
    assertThat(subscriber.batches).noneMatch(ChangeBatch::getFreshInstance);
  }

  @Test
  void subscribe_withoutSince_startsFromNow() {
    appendCreated("old");
    RecordingSubscriber subscriber = RecordingSubscriber.autoRequesting();

    stub.subscribe(SubscribeRequest.getDefaultInstance(), subscriber);
    appendCreated("new");

    await().until(() -> subscriber.changeCount() == 1);
    assertThat(subscriber.paths()).containsExactly("new");
  }

  @Test
  void subscribe_foreignCursor_sendsFreshInstanceThenContinuesFromNow() {
    appendCreated("a", "b");
    RecordingSubscriber subscriber = RecordingSubscriber.autoRequesting();

    stub.subscribe(since("fake:1:1"), subscriber);
    await().until(() -> subscriber.batches.size() == 1);
    appendCreated("c");

    await().until(() -> subscriber.batches.size() == 2);
    ChangeBatch fresh = subscriber.batches.get(0);
    assertThat(fresh.getFreshInstance()).isTrue();
    assertThat(fresh.getCursor()).isEqualTo("fake:7:2");
    assertThat(subscriber.batches.get(1).getFreshInstance()).isFalse();
    assertThat(subscriber.paths()).containsExactly("c");
  }

  @Test
  void subscribe_malformedCursor_endsWithInvalidArgumentAndStopsListening() throws Exception {
    RecordingSubscriber subscriber = RecordingSubscriber.autoRequesting();

    stub.subscribe(since("nonsense"), subscriber);

    Status status = subscriber.closed.get(5, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("a cursor looks like");
    assertThat(journal.openListeners()).isZero();
    assertThat(frontDoor.subscribers()).isZero();
  }

  @Test
  void subscribe_hostilePrefix_isInvalidArgument() throws Exception {
    RecordingSubscriber subscriber = RecordingSubscriber.autoRequesting();

    stub.subscribe(
        since(journal.cursorAt(0)).toBuilder().setPathPrefix("../etc").build(), subscriber);

    assertThat(subscriber.closed.get(5, TimeUnit.SECONDS).getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(journal.openListeners()).isZero();
  }

  @Test
  void subscribe_clientThatNeverReads_costsACursorNotABacklog_thenGetsEverything() {
    RecordingSubscriber subscriber = RecordingSubscriber.requestingNothing();
    stub.subscribe(since(journal.cursorAt(0)), subscriber);

    int total = 200_000;
    for (int i = 0; i < total; i++) {
      journal.append(Change.of(ChangeKind.MODIFIED, "f" + i, false));
    }

    // 200k appends woke the subscription 200k times; it read nothing it could not send.
    assertThat(journal.pagesRead()).isLessThanOrEqualTo(1);
    assertThat(subscriber.batches).isEmpty();

    subscriber.request(5);
    await().until(() -> subscriber.batches.size() == 5);
    assertThat(journal.pagesRead()).isLessThanOrEqualTo(5 + 1);

    subscriber.request(Integer.MAX_VALUE);
    await().atMost(Duration.ofSeconds(30)).until(() -> subscriber.changeCount() == total);
    // isEqualTo, not containsExactly: the latter takes seconds on 200k elements.
    assertThat(subscriber.paths())
        .isEqualTo(IntStream.range(0, total).mapToObj(i -> "f" + i).toList());
    assertThat(subscriber.batches).allMatch(b -> b.getChangesCount() <= BATCH);
  }

  @Test
  void subscribe_clientCancels_closesTheAppendHandleAndTheCount() {
    appendCreated("a");
    RecordingSubscriber subscriber = RecordingSubscriber.autoRequesting();
    stub.subscribe(since(journal.cursorAt(0)), subscriber);
    await().until(() -> subscriber.changeCount() == 1);
    assertThat(journal.openListeners()).isEqualTo(1);
    assertThat(
            JournalServiceGrpc.newBlockingStub(channel)
                .status(StatusRequest.getDefaultInstance())
                .getSubscribers())
        .isEqualTo(1);

    subscriber.cancel();

    await().until(() -> journal.openListeners() == 0);
    assertThat(journal.closedListeners()).isEqualTo(1);
    assertThat(frontDoor.subscribers()).isZero();
    appendCreated("after"); // nobody listens; nothing is read for a gone subscriber
    assertThat(subscriber.changeCount()).isEqualTo(1);
  }

  @Test
  void subscribe_serverShutdown_closesTheAppendHandle() throws Exception {
    RecordingSubscriber subscriber = RecordingSubscriber.autoRequesting();
    stub.subscribe(since(journal.cursorAt(0)), subscriber);
    await().until(() -> journal.openListeners() == 1);

    grpc.shutDownServer();

    await().until(() -> journal.openListeners() == 0);
    assertThat(subscriber.closed.get(5, TimeUnit.SECONDS).isOk()).isFalse();
  }
}
