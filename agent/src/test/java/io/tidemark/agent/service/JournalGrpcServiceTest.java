package io.tidemark.agent.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.ChangeKind;
import io.tidemark.proto.v1.ChangesRequest;
import io.tidemark.proto.v1.ChangesResponse;
import io.tidemark.proto.v1.JournalServiceGrpc;
import io.tidemark.proto.v1.StatusRequest;
import io.tidemark.proto.v1.StatusResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Changes and Status over in-process gRPC with direct executors (bazel's GrpcCacheClientTest). */
class JournalGrpcServiceTest {
  private static final JournalFrontDoor.Settings SETTINGS =
      new JournalFrontDoor.Settings(Duration.ofSeconds(7), 3, 5, 2);

  private final InMemoryJournal journal = new InMemoryJournal(7);
  private final JournalFrontDoor frontDoor = JournalFrontDoor.create(journal, Runnable::run, SETTINGS);
  @RegisterExtension final InProcessGrpc grpc = new InProcessGrpc();
  private ManagedChannel channel;
  private JournalServiceGrpc.JournalServiceBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    channel = grpc.serve(frontDoor.service().bindService());
    stub = JournalServiceGrpc.newBlockingStub(channel);
  }

  private static ChangesRequest since(String cursor) {
    return ChangesRequest.newBuilder().setSince(cursor).build();
  }

  private void appendCreated(String... paths) {
    for (String p : paths) {
      journal.append(Change.of(ChangeKind.CREATED, p, false));
    }
  }

  @Test
  void changes_withoutSince_answersTheCurrentCursorOnly() {
    appendCreated("a", "b");

    ChangesResponse answer = stub.changes(ChangesRequest.getDefaultInstance());

    assertThat(answer.getCursor()).isEqualTo("fake:7:2");
    assertThat(answer.getChangesList()).isEmpty();
    assertThat(answer.getFreshInstance()).isFalse();
  }

  @Test
  void changes_sinceCursor_mapsEveryField() {
    journal.append(
        Change.of(ChangeKind.CREATED, "src/a.c", false),
        Change.renamed("src/old", "src/new", true),
        Change.of(ChangeKind.ATTRIB, "b", false));

    ChangesResponse answer = stub.changes(since(journal.cursorAt(0)));

    assertThat(answer.getChangesList())
        .extracting(c -> c.getKind() + " " + c.getFrom() + ">" + c.getPath() + " " + c.getDir() + " " + c.getSeq())
        .containsExactly(
            "CHANGE_KIND_CREATED >src/a.c false 1",
            "CHANGE_KIND_RENAMED src/old>src/new true 2",
            "CHANGE_KIND_ATTRIB >b false 3");
    assertThat(answer.getCursor()).isEqualTo("fake:7:3");
    assertThat(answer.getMore()).isFalse();
  }

  @Test
  void changes_malformedCursor_isInvalidArgumentSayingWhatACursorLooksLike() {
    assertThatThrownBy(() -> stub.changes(since("yesterday")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("'yesterday'")
                  .contains("a cursor looks like");
            });
  }

  @Test
  void changes_cursorFromAnotherEpoch_answersFreshInstanceWithTheCurrentCursor() {
    appendCreated("a");

    ChangesResponse answer = stub.changes(since("fake:99:1"));

    assertThat(answer.getFreshInstance()).isTrue();
    assertThat(answer.getChangesList()).isEmpty();
    assertThat(answer.getCursor()).isEqualTo("fake:7:1");
  }

  @Test
  void changes_limit_cutsTheAnswerAndTheCursorResumesWhereItStopped() {
    appendCreated("a", "b", "c");

    ChangesResponse first = stub.changes(since(journal.cursorAt(0)).toBuilder().setLimit(2).build());
    ChangesResponse rest = stub.changes(since(first.getCursor()).toBuilder().setLimit(2).build());

    assertThat(first.getChangesList()).extracting(c -> c.getPath()).containsExactly("a", "b");
    assertThat(first.getMore()).isTrue();
    assertThat(rest.getChangesList()).extracting(c -> c.getPath()).containsExactly("c");
    assertThat(rest.getMore()).isFalse();
  }

  @Test
  void changes_limitZero_usesTheDefaultAndALargeLimitIsCapped() {
    appendCreated("1", "2", "3", "4", "5", "6", "7");

    ChangesResponse byDefault = stub.changes(since(journal.cursorAt(0)));
    ChangesResponse capped =
        stub.changes(since(journal.cursorAt(0)).toBuilder().setLimit(-1 /* 2^32-1 */).build());

    assertThat(byDefault.getChangesCount()).isEqualTo(SETTINGS.defaultLimit());
    assertThat(capped.getChangesCount()).isEqualTo(SETTINGS.maxLimit());
    assertThat(capped.getMore()).isTrue();
  }

  @Test
  void changes_prefix_onlyPathsUnderIt() {
    journal.append(
        Change.of(ChangeKind.CREATED, "src/a", false),
        Change.of(ChangeKind.CREATED, "srcx", false),
        Change.renamed("src/b", "docs/b", false),
        Change.of(ChangeKind.MODIFIED, "docs/c", false));

    ChangesResponse answer =
        stub.changes(since(journal.cursorAt(0)).toBuilder().setPathPrefix("src/").build());

    assertThat(answer.getChangesList()).extracting(c -> c.getPath()).containsExactly("src/a", "docs/b");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "a/../../b", "/etc", "a\0b", "a//b", "./a"})
  void changes_hostilePrefix_isInvalidArgumentSayingWhy(String prefix) {
    assertThatThrownBy(
            () -> stub.changes(since(journal.cursorAt(0)).toBuilder().setPathPrefix(prefix).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .startsWith("path_prefix '")
                  .containsAnyOf("'..'", "absolute", "NUL", "normalised");
            });
    assertThat(journal.pagesRead()).isZero();
  }

  @Test
  void changes_sync_answersOnlyOnceTheSyncCompletes_withoutBlockingTheCaller() throws Exception {
    CompletableFuture<Void> synced = new CompletableFuture<>();
    journal.answerSyncWith(timeout -> synced);
    appendCreated("before");

    Future<ChangesResponse> answer =
        JournalServiceGrpc.newFutureStub(channel)
            .changes(since(journal.cursorAt(0)).toBuilder().setSync(true).build());
    // With direct executors a blocking wait would have run on this very thread.
    assertThat(answer.isDone()).isFalse();
    appendCreated("cookie-era");
    synced.complete(null);

    assertThat(answer.get(5, TimeUnit.SECONDS).getChangesList())
        .extracting(c -> c.getPath())
        .containsExactly("before", "cookie-era");
  }

  @Test
  void changes_syncTimesOut_isDeadlineExceededSayingWhatIsStalled() {
    journal.answerSyncWith(timeout -> CompletableFuture.failedFuture(new TimeoutException()));

    assertThatThrownBy(
            () -> stub.changes(since(journal.cursorAt(0)).toBuilder().setSync(true).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo(
                      "sync-to-now timed out after 7s: the agent's pipeline is stalled or the"
                          + " root is not writable");
            });
  }

  @Test
  void changes_journalFails_isInternalWithAMessageAndNoStackTrace() {
    journal.failReadsWith(new IllegalStateException("RocksDB: IO error: disk full"));

    assertThatThrownBy(() -> stub.changes(since(journal.cursorAt(0))))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
              assertThat(e.getStatus().getDescription())
                  .contains("disk full")
                  .doesNotContain("at io.tidemark")
                  .doesNotContain("Exception");
              assertThat(e.getStatus().getCause()).isNull();
            });
  }

  @Test
  void status_mapsTheAgentStatus() {
    appendCreated("a", "b");

    StatusResponse status = stub.status(StatusRequest.getDefaultInstance());

    assertThat(status.getRoot()).isEqualTo("/srv/root");
    assertThat(status.getEngine()).isEqualTo("fake");
    assertThat(status.getEpoch()).isEqualTo(7);
    assertThat(status.getHighSeq()).isEqualTo(2);
    assertThat(status.getCursor()).isEqualTo("fake:7:2");
    assertThat(status.getIndexEntries()).isEqualTo(3);
    assertThat(status.getState()).isEqualTo("watching");
    assertThat(status.getSubscribers()).isZero();
  }

  @Test
  void changes_syncThrowsSynchronously_isInternal() {
    journal.answerSyncWith(
        timeout -> {
          throw new IllegalStateException("cookie file not writable");
        });

    assertThatThrownBy(
            () -> stub.changes(since(journal.cursorAt(0)).toBuilder().setSync(true).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL));
  }

}
