package io.tidemark.agent.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.ChangeKind;
import io.tidemark.proto.v1.ChangesRequest;
import io.tidemark.proto.v1.JournalServiceGrpc;
import io.tidemark.proto.v1.StatusRequest;
import io.tidemark.proto.v1.SubscribeRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** AgentServer over a real Netty loopback socket. */
class AgentServerServiceTest {
  private final InMemoryJournal journal = new InMemoryJournal(5);
  private AgentServer server;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  private ManagedChannel connect() {
    channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), InsecureChannelCredentials.create())
            .build();
    return channel;
  }

  @Test
  void start_anyAddressWithoutToken_isRefusedSayingWhatToPass() {
    assertThatThrownBy(() -> AgentServer.builder(journal).host("0.0.0.0").port(0).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("listening on 0.0.0.0 needs --token");
  }

  @Test
  void start_portZero_bindsAnEphemeralLoopbackPortAndServes() throws Exception {
    journal.append(Change.of(ChangeKind.CREATED, "a", false));
    server = AgentServer.builder(journal).port(0).start();

    assertThat(server.port()).isPositive();
    assertThat(server.target()).isEqualTo("127.0.0.1:" + server.port());
    var answer =
        JournalServiceGrpc.newBlockingStub(connect())
            .changes(ChangesRequest.newBuilder().setSince(journal.cursorAt(0)).build());
    assertThat(answer.getChangesList()).extracting(c -> c.getPath()).containsExactly("a");
  }

  @Test
  void start_withToken_refusesCallsWithoutItAndServesCallsWithIt() throws Exception {
    server = AgentServer.builder(journal).host("0.0.0.0").port(0).token("tok").start();
    JournalServiceGrpc.JournalServiceBlockingStub stub =
        JournalServiceGrpc.newBlockingStub(connect());

    assertThatThrownBy(() -> stub.status(StatusRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThat(
            stub.withCallCredentials(new BearerToken("tok"))
                .status(StatusRequest.getDefaultInstance())
                .getEngine())
        .isEqualTo("fake");
  }

  @Test
  void subscribe_overNetty_aSubscriberThatStopsReadingStopsTheReads() throws Exception {
    server =
        AgentServer.builder(journal)
            .port(0)
            .settings(JournalFrontDoor.Settings.DEFAULTS.withBatchLimit(100))
            .start();
    String dir = "a/fairly/deep/directory/tree/so/that/each/change/weighs/about/a/hundred/bytes/";
    int total = 200_000; // ~20 MB of batches; the transport holds a few MB at most
    RecordingSubscriber subscriber = RecordingSubscriber.requestingNothing();
    JournalServiceGrpc.newStub(connect())
        .subscribe(SubscribeRequest.newBuilder().setSince(journal.cursorAt(0)).build(), subscriber);

    for (int i = 0; i < total; i += 1_000) {
      Change[] block = new Change[1_000];
      for (int j = 0; j < block.length; j++) {
        block[j] = Change.of(ChangeKind.MODIFIED, dir + (i + j), false);
      }
      journal.append(block);
    }
    // Wait until the reads stall (two polls 300 ms apart agree): the transport is full.
    AtomicInteger previous = new AtomicInteger(-1);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> previous.getAndSet(journal.pagesRead()) == journal.pagesRead());
    assertThat(journal.pagesRead() * 100).isLessThan(total / 4);

    subscriber.request(Integer.MAX_VALUE);
    await().atMost(Duration.ofSeconds(30)).until(() -> subscriber.changeCount() == total);
    assertThat(server.journal().subscribers()).isEqualTo(1);
  }
}
