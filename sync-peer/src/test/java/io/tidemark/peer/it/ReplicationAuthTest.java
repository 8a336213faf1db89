package io.tidemark.peer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.tidemark.proto.v1.Hello;
import io.tidemark.proto.v1.PeerMessage;
import io.tidemark.proto.v1.SourceMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication behind {@code tidemark agent --token} and TLS, with the real CLI: the Replicate
 * stream and Flush refuse a missing or wrong token with UNAUTHENTICATED saying which; {@code
 * tidemark peer} and {@code tidemark flush} say so and exit 1; with the token (and the CA for
 * TLS) a peer replicates and flush returns 0.
 */
class ReplicationAuthTest {
  private static final Duration START = Duration.ofSeconds(90);
  private static final String TOKEN = "s3cret-for-tests";

  @TempDir Path tmp;
  @RegisterExtension final Closer closer = new Closer();

  @Test
  void agentWithToken_noOrWrongToken_unauthenticatedSayingSo_rightTokenReplicates() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("before"), "there before the peer");
    Path dst = tmp.resolve("dst");
    String target = startAgent(src, "--token", TOKEN);

    try (AgentCalls none = AgentCalls.to(target); AgentCalls wrong = AgentCalls.to(target, "not-it", null)) {
      assertUnauthenticated(catchThrowableOfType(StatusRuntimeException.class, () -> none.flush(5)),
          "missing bearer token");
      assertUnauthenticated(catchThrowableOfType(StatusRuntimeException.class, () -> wrong.flush(5)),
          "wrong token");
      assertUnauthenticated(replicateStatus(none), "missing bearer token");
      assertUnauthenticated(replicateStatus(wrong), "wrong token");
    }

    TidemarkProcess noToken = tidemark("peer", "--agent", target, "--state", tmp.resolve("s1").toString(), dst.toString());
    assertThat(noToken.awaitExit(START)).isEqualTo(1);
    assertThat(noToken.stderr()).contains("refused the token").contains("missing bearer token");
    TidemarkProcess wrongToken = tidemark("peer", "--agent", target, "--token", "not-it",
        "--state", tmp.resolve("s2").toString(), dst.toString());
    assertThat(wrongToken.awaitExit(START)).isEqualTo(1);
    assertThat(wrongToken.stderr()).contains("refused the token").contains("wrong token");
    TidemarkProcess flushNoToken = tidemark("flush", "--agent", target, "--timeout", "10");
    assertThat(flushNoToken.awaitExit(START)).isEqualTo(1);
    assertThat(flushNoToken.stderr()).contains("refused the token");
    assertThat(dst.resolve("before")).doesNotExist();

    TidemarkProcess peer = tidemark("peer", "--agent", target, "--token", TOKEN,
        "--state", tmp.resolve("s3").toString(), dst.toString());
    peer.awaitStdout("in sync", START);
    Files.writeString(src.resolve("after"), "written while the peer follows");
    TidemarkProcess flush = tidemark("flush", "--agent", target, "--token", TOKEN, "--timeout", "60");
    assertThat(flush.awaitExit(START)).as("flush stderr:\n%s", flush.stderr()).isZero();
    assertThat(Tree.describe(dst)).isEqualTo(Tree.describeSource(src));
  }

  @Test
  void tlsAgent_peerTrustingItsCertWithToken_replicatesEndToEnd() throws Exception {
    SelfSignedCert cert = SelfSignedCert.create(tmp.resolve("tls"));
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("before"), "there before the peer");
    Path dst = tmp.resolve("dst");
    String target = startAgent(src, "--token", TOKEN, "--tls-cert", cert.cert().toString(),
        "--tls-key", cert.key().toString());

    try (AgentCalls plaintext = AgentCalls.to(target, TOKEN, null)) {
      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> plaintext.flush(5));
      assertThat(e).as("plaintext to a TLS agent").isNotNull();
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
    try (AgentCalls tls = AgentCalls.to(target, null, cert.cert())) {
      assertUnauthenticated(catchThrowableOfType(StatusRuntimeException.class, () -> tls.flush(5)),
          "missing bearer token");
    }

    TidemarkProcess peer = tidemark("peer", "--agent", target, "--token", TOKEN, "--tls-ca", cert.cert().toString(),
        "--state", tmp.resolve("peer-state").toString(), dst.toString());
    peer.awaitStdout("in sync", START);
    Files.createDirectories(src.resolve("d"));
    Files.write(src.resolve("d/big"), new byte[3 << 20]);
    Files.writeString(src.resolve("before"), "changed over TLS");
    TidemarkProcess flush = tidemark("flush", "--agent", target, "--token", TOKEN,
        "--tls-ca", cert.cert().toString(), "--timeout", "60");
    assertThat(flush.awaitExit(START)).as("flush stderr:\n%s", flush.stderr()).isZero();
    assertThat(flush.stdout()).anyMatch(l -> l.contains("1 peer(s)"));
    assertThat(Tree.describe(dst)).isEqualTo(Tree.describeSource(src));
  }

  // ---- helpers ----

  private String startAgent(Path src, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("agent", src.toString(), "--state",
        tmp.resolve("agent-state").toString(), "--listen", "127.0.0.1:0"));
    args.addAll(List.of(extra));
    TidemarkProcess agent = tidemark(args.toArray(String[]::new));
    agent.awaitStdout("ready", START);
    return agent.awaitStderrAfter("serving on ", Duration.ofSeconds(10));
  }

  private TidemarkProcess tidemark(String... args) throws Exception {
    return closer.track(TidemarkProcess.start(tmp.resolve("xdg"), args));
  }

  /** Opens a Replicate stream, says Hello, returns how the agent ends it. */
  private static StatusRuntimeException replicateStatus(AgentCalls calls) throws Exception {
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    StreamObserver<PeerMessage> requests = calls.replicationAsync().replicate(new StreamObserver<>() {
      @Override
      public void onNext(SourceMessage m) {
        ended.completeExceptionally(new AssertionError("the agent sent " + m.getBodyCase() + " without a token"));
      }

      @Override
      public void onError(Throwable t) {
        ended.complete(t);
      }

      @Override
      public void onCompleted() {
        ended.completeExceptionally(new AssertionError("the agent completed the stream"));
      }
    });
    requests.onNext(PeerMessage.newBuilder().setHello(Hello.newBuilder().setPeerName("intruder")).build());
    Throwable t = ended.get(60, TimeUnit.SECONDS);
    assertThat(t).isInstanceOf(StatusRuntimeException.class);
    return (StatusRuntimeException) t;
  }

  private static void assertUnauthenticated(StatusRuntimeException e, String saying) {
    assertThat(e).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(e.getStatus().getDescription()).contains(saying);
  }
}
