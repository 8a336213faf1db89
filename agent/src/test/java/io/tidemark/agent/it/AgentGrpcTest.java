package io.tidemark.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.tidemark.agent.engine.EngineKind;
import io.tidemark.proto.v1.ChangeBatch;
import io.tidemark.proto.v1.ChangesRequest;
import io.tidemark.proto.v1.StatusRequest;
import io.tidemark.proto.v1.SubscribeRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** JournalService over loopback against the real agent: bad cursors, slow and leaving clients. */
@Timeout(180)
class AgentGrpcTest {
  private static final int MANY = 100_000;

  @TempDir Path tmp;
  private AgentProcess agent;
  private AgentProcess other;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (other != null) {
      other.close();
    }
  }

  private Path root(String name) throws Exception {
    return Files.createDirectory(tmp.toRealPath().resolve(name));
  }

  @Test
  void changes_malformedCursor_invalidArgumentSayingWhatACursorLooksLike() throws Exception {
    agent = AgentProcess.start(root("root"), tmp.resolve("state"), EngineKind.AUTO);
    try (JournalClient c = agent.client()) {
      for (String bad : List.of("last-tuesday", "tm1:", "tm1:zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
          corruptLastCharacter(agent.readyCursor()))) {
        assertThatThrownBy(() -> c.stub().changes(ChangesRequest.newBuilder().setSince(bad).build()))
            .as(bad)
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("a cursor looks like");
            });
      }
    }
  }

  @Test
  void changes_cursorOfAnotherEpoch_freshInstance() throws Exception {
    Path root = root("root");
    Path state = tmp.resolve("state");
    agent = AgentProcess.start(root, state, EngineKind.AUTO);
    String old = agent.readyCursor();
    other = AgentProcess.start(root("other"), tmp.resolve("other-state"), EngineKind.AUTO);
    try (JournalClient c = other.client()) {
      JournalClient.Answer answer = c.changes(old, true);
      assertThat(answer.freshInstance()).as("another agent's cursor").isTrue();
      assertThat(answer.changes()).isEmpty();
    }
    assertThat(agent.terminate()).isZero();
    deleteTree(state);
    Files.writeString(root.resolve("x"), "x");
    agent = AgentProcess.start(root, state, EngineKind.AUTO);
    try (JournalClient c = agent.client()) {
      JournalClient.Answer answer = c.changes(old, true);
      assertThat(answer.freshInstance()).as("cursor from before the state dir was wiped").isTrue();
      assertThat(c.changes(answer.cursor(), false).freshInstance()).isFalse();
    }
  }

  @Test
  void subscribe_clientThatNeverReads_agentStaysResponsiveAndLosesNothing() throws Exception {
    Path root = root("root");
    agent = AgentProcess.start(List.of("-Xmx128m"), root, tmp.resolve("state"), EngineKind.FANOTIFY);
    try (JournalClient stalled = agent.client(); JournalClient second = agent.client()) {
      AtomicReference<ClientCallStreamObserver<SubscribeRequest>> call = new AtomicReference<>();
      AtomicLong received = new AtomicLong();
      CompletableFuture<Throwable> ended = new CompletableFuture<>();
      stalled.async().subscribe(
          SubscribeRequest.newBuilder().setSince(agent.readyCursor()).build(),
          new ClientResponseObserver<SubscribeRequest, ChangeBatch>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
              call.set(requestStream);
              requestStream.disableAutoRequestWithInitial(0); // reads nothing until told
            }

            @Override
            public void onNext(ChangeBatch batch) {
              received.addAndGet(batch.getChangesCount());
            }

            @Override
            public void onError(Throwable t) {
              ended.complete(t);
            }

            @Override
            public void onCompleted() {
              ended.complete(null);
            }
          });

      // 100k files made by a shell (a foreign pid), 10 directories of 10k
      Process sh = new ProcessBuilder("sh", "-c",
          "for d in 0 1 2 3 4 5 6 7 8 9; do mkdir d$d && (cd d$d && seq 1 " + MANY / 10
              + " | xargs touch); done").directory(root.toFile()).inheritIO().start();
      assertThat(sh.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(sh.exitValue()).isZero();

      JournalClient.Answer all = second.changes(agent.readyCursor(), true);
      assertThat(all.changes().size()).as("second client sees everything").isGreaterThanOrEqualTo(MANY);
      assertThat(second.stub().status(StatusRequest.getDefaultInstance()).getSubscribers())
          .isEqualTo(1);
      assertThat(agent.process().isAlive()).as("agent alive with -Xmx128m").isTrue();
      assertThat(ended).isNotDone();

      call.get().request(Integer.MAX_VALUE);
      Awaitility.await("the slow subscriber gets every change once it reads")
          .atMost(Duration.ofSeconds(90))
          .until(() -> received.get() >= all.changes().size());
      assertThat(ended).isNotDone();
    }
    assertThat(agent.terminate()).isZero();
  }

  @Test
  void subscribe_clientCancels_agentForgetsItAndGoesOn() throws Exception {
    Path root = root("root");
    agent = AgentProcess.start(root, tmp.resolve("state"), EngineKind.AUTO);
    try (JournalClient c = agent.client()) {
      AtomicReference<ClientCallStreamObserver<SubscribeRequest>> call = new AtomicReference<>();
      AtomicLong received = new AtomicLong();
      CompletableFuture<Throwable> ended = new CompletableFuture<>();
      c.async().subscribe(
          SubscribeRequest.newBuilder().setSince(agent.readyCursor()).build(),
          new ClientResponseObserver<SubscribeRequest, ChangeBatch>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
              call.set(requestStream);
            }

            @Override
            public void onNext(ChangeBatch batch) {
              received.addAndGet(batch.getChangesCount());
            }

            @Override
            public void onError(Throwable t) {
              ended.complete(t);
            }

            @Override
            public void onCompleted() {
              ended.complete(null);
            }
          });
      Files.writeString(root.resolve("one"), "1");
      Awaitility.await("first change streamed").atMost(Duration.ofSeconds(30))
          .until(() -> received.get() >= 1);
      assertThat(c.stub().status(StatusRequest.getDefaultInstance()).getSubscribers()).isEqualTo(1);

      call.get().cancel("client leaves", null);

      Awaitility.await("the agent drops the subscription").atMost(Duration.ofSeconds(30))
          .until(() -> c.stub().status(StatusRequest.getDefaultInstance()).getSubscribers() == 0);
      Files.writeString(root.resolve("two"), "2");
      assertThat(c.changes(agent.readyCursor(), true).changes())
          .extracting(ch -> ch.getPath()).contains("one", "two");
      assertThat(ended.get(10, TimeUnit.SECONDS)).isInstanceOf(StatusRuntimeException.class);
    }
  }

  @Test
  void sigterm_withAStalledSubscriberAttached_exits0AndTheStreamEnds() throws Exception {
    Path root = root("root");
    agent = AgentProcess.start(root, tmp.resolve("state"), EngineKind.AUTO);
    try (JournalClient c = agent.client()) {
      CompletableFuture<Throwable> ended = new CompletableFuture<>();
      AtomicReference<ClientCallStreamObserver<SubscribeRequest>> call = new AtomicReference<>();
      c.async().subscribe(
          SubscribeRequest.newBuilder().setSince(agent.readyCursor()).build(),
          new ClientResponseObserver<SubscribeRequest, ChangeBatch>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
              call.set(requestStream);
              requestStream.disableAutoRequestWithInitial(0);
            }

            @Override
            public void onNext(ChangeBatch batch) {}

            @Override
            public void onError(Throwable t) {
              ended.complete(t);
            }

            @Override
            public void onCompleted() {
              ended.complete(null);
            }
          });
      for (int i = 0; i < 2_000; i++) {
        Files.writeString(root.resolve("f" + i), "x");
      }
      c.changes(agent.readyCursor(), true);
      assertThat(c.stub().status(StatusRequest.getDefaultInstance()).getSubscribers()).isEqualTo(1);

      assertThat(agent.terminate()).as("exit code on SIGTERM").isZero();
      // grpc-java delivers the end of a stream after the messages already buffered, so read them
      call.get().request(Integer.MAX_VALUE);
      ended.get(30, TimeUnit.SECONDS); // the stream ends instead of hanging
    }
  }

  private static void deleteTree(Path dir) throws Exception {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The cursor with its last character changed (to another one: 'x' when it already was 'x' is no corruption). */
  private static String corruptLastCharacter(String cursor) {
    char last = cursor.charAt(cursor.length() - 1);
    return cursor.substring(0, cursor.length() - 1) + (last == 'x' ? 'y' : 'x');
  }
}
