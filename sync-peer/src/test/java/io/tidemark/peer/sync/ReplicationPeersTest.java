package io.tidemark.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.ChangeKind;
import io.tidemark.agent.replication.ReplicationService;
import io.tidemark.agent.service.AgentServer;
import io.tidemark.peer.it.Tree;
import io.tidemark.peer.replica.FsyncPolicy;
import io.tidemark.peer.replica.ReplicaWriter;
import io.tidemark.proto.cursor.Cursor;
import io.tidemark.proto.v1.Hello;
import io.tidemark.proto.v1.PeerMessage;
import io.tidemark.proto.v1.ReplicationServiceGrpc;
import io.tidemark.proto.v1.SourceMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several peers on one source over real loopback gRPC (Netty, the agent's server): each stream
 * goes at its own peer's pace. A peer that stops reading holds the source to what the transport's
 * flow-control windows admit — the source does not queue what the peer has not taken — while the
 * other peers keep up; when it reads again it gets everything.
 */
class ReplicationPeersTest {
  private static final int FILES = 48;
  private static final int FILE_BYTES = 1 << 20;
  /** Transport windows (HTTP/2 stream window up to 8 MiB with BDP tuning) plus one 1 MiB frame, with room. */
  private static final long OUTSTANDING_BOUND = 12L << 20;

  @TempDir Path tmp;

  private final RecordingJournal journal = new RecordingJournal(7);
  private final SentBytes sent = new SentBytes();
  private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
  private Path src;
  private ReplicationService service;
  private AgentServer server;

  @BeforeEach
  void startSource() throws IOException {
    src = Files.createDirectories(tmp.resolve("src"));
    service = ReplicationService.create(journal, src);
    server = AgentServer.builder(journal).port(0)
        .addService(() -> ServerInterceptors.intercept(service.service(), sent)).start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeables.reversed()) {
      c.close();
    }
    server.close();
  }

  @Test
  void peerThatStopsReading_sourceHoldsOnlyWhatTheWindowsAdmit_otherPeerKeepsUp() throws Exception {
    StalledPeer slow = new StalledPeer(channel());
    slow.hello(new Cursor(7, 0).encode());
    await().atMost(Duration.ofSeconds(30)).until(() -> slow.received.get() >= 1); // its first checkpoint
    await().atMost(Duration.ofSeconds(30)).until(() -> service.peers().contains("stalled"));
    Peer fast = peer("fast");

    Random rnd = new Random(9);
    byte[] content = new byte[FILE_BYTES];
    for (int i = 0; i < FILES; i++) {
      rnd.nextBytes(content); // incompressible: the wire carries every byte
      Files.write(src.resolve("f" + i), content);
      journal.append(Change.of(ChangeKind.CREATED, "f" + i, false));
    }
    fast.awaitCaughtUp();
    assertThat(Tree.describe(fast.dst)).isEqualTo(Tree.describe(src));

    AtomicLong stalledSent = sent.of("stalled");
    awaitStable(stalledSent);
    assertThat(stalledSent.get())
        .as("bytes handed to the stalled peer's stream of %d MiB changed", FILES * FILE_BYTES >> 20)
        .isPositive()
        .isLessThan(OUTSTANDING_BOUND);
    assertThat(slow.receivedBytes.get()).isLessThan(OUTSTANDING_BOUND);

    slow.readAll();
    String end = journal.currentCursor();
    await().atMost(Duration.ofSeconds(60)).until(() -> end.equals(slow.lastCheckpoint.get()));
    assertThat(slow.receivedBytes.get()).isGreaterThan((long) FILES * FILE_BYTES);
  }

  @Test
  void twoPeersOnOneSource_randomOperations_bothEqualSrc() throws Exception {
    Peer a = peer("a");
    Peer b = peer("b");
    JournallingOps ops = new JournallingOps(src, journal);
    RandomOps random = new RandomOps(ops, 42, 64 * 1024, 3 << 20);
    for (int step = 0; step < 200; step++) {
      random.step(step);
      if (step == 100) {
        b.stop(); // one peer goes away and comes back; the other is not held up
      } else if (step == 150) {
        b.start();
      }
    }
    a.awaitCaughtUp();
    b.awaitCaughtUp();
    assertThat(Tree.describe(a.dst)).isEqualTo(Tree.describe(src));
    assertThat(Tree.describe(b.dst)).isEqualTo(Tree.describe(src));
    assertThat(service.peers()).containsExactly("a", "b");
  }

  // ---- helpers ----

  private ManagedChannel channel() {
    ManagedChannel c = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(),
        InsecureChannelCredentials.create()).maxInboundMessageSize(ReplicaClient.MAX_MESSAGE_BYTES).build();
    closeables.add(() -> c.shutdownNow().awaitTermination(10, TimeUnit.SECONDS));
    return c;
  }

  private Peer peer(String name) throws IOException {
    Peer p = new Peer(name);
    p.start();
    closeables.add(p::stop);
    return p;
  }

  /** Waits until {@code counter} has not moved for a second. */
  private static void awaitStable(AtomicLong counter) {
    long[] last = {-1};
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      long now = counter.get();
      boolean stable = now == last[0];
      last[0] = now;
      return stable;
    });
  }

  /** A real replica (ReplicaClient) with its own DST and state, over its own connection. */
  private final class Peer {
    final String name;
    final Path dst;
    final Path stateDir;
    private final ManagedChannel channel = channel();
    private ReplicaClient client;
    private PeerState state;

    Peer(String name) throws IOException {
      this.name = name;
      this.dst = Files.createDirectories(tmp.resolve("dst-" + name));
      this.stateDir = tmp.resolve("state-" + name);
    }

    void start() throws IOException {
      state = PeerState.open(stateDir, dst);
      client = ReplicaClient.start(channel, new ReplicaWriter(dst, FsyncPolicy.NEVER), state, name, null);
    }

    void stop() {
      if (client != null) {
        client.close();
        client = null;
      }
    }

    void awaitCaughtUp() {
      Cursor target = Cursor.parse(journal.currentCursor());
      await(name + " records " + target).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
          .until(() -> !state.cursor().isEmpty() && Cursor.parse(state.cursor()).seq() >= target.seq());
    }
  }

  /** A peer that says Hello, takes one message, then reads nothing until told to. */
  private static final class StalledPeer implements ClientResponseObserver<PeerMessage, SourceMessage> {
    final AtomicLong received = new AtomicLong();
    final AtomicLong receivedBytes = new AtomicLong();
    final AtomicReference<String> lastCheckpoint = new AtomicReference<>("");
    private ClientCallStreamObserver<PeerMessage> requests;

    StalledPeer(ManagedChannel channel) {
      ReplicationServiceGrpc.newStub(channel).withMaxInboundMessageSize(ReplicaClient.MAX_MESSAGE_BYTES)
          .replicate(this);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<PeerMessage> requestStream) {
      requests = requestStream;
      requestStream.disableAutoRequestWithInitial(1);
    }

    void hello(String cursor) {
      requests.onNext(PeerMessage.newBuilder()
          .setHello(Hello.newBuilder().setCursor(cursor).setPeerName("stalled")).build());
    }

    void readAll() {
      requests.request(Integer.MAX_VALUE);
    }

    @Override
    public void onNext(SourceMessage m) {
      received.incrementAndGet();
      receivedBytes.addAndGet(m.getSerializedSize());
      if (m.hasCheckpoint()) {
        lastCheckpoint.set(m.getCheckpoint().getCursor());
      }
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }

  /** Counts the message bytes each Replicate call hands to gRPC, by the peer name in its Hello. */
  private static final class SentBytes implements ServerInterceptor {
    private final java.util.Map<String, AtomicLong> byPeer = new java.util.concurrent.ConcurrentHashMap<>();

    AtomicLong of(String peer) {
      return byPeer.computeIfAbsent(peer, p -> new AtomicLong());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      AtomicReference<AtomicLong> counter = new AtomicReference<>(new AtomicLong());
      ServerCall.Listener<Q> listener = next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
        @Override
        public void sendMessage(R message) {
          counter.get().addAndGet(((MessageLite) message).getSerializedSize());
          super.sendMessage(message);
        }
      }, headers);
      return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
        @Override
        public void onMessage(Q message) {
          if (message instanceof PeerMessage m && m.hasHello()) {
            counter.set(of(m.getHello().getPeerName()));
          }
          super.onMessage(message);
        }
      };
    }
  }
}
