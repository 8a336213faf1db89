package io.tidemark.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.tidemark.peer.replica.FsyncPolicy;
import io.tidemark.peer.replica.ReplicaWriter;
import io.tidemark.proto.delta.BlockSignature;
import io.tidemark.proto.delta.DeltaEncoder;
import io.tidemark.proto.delta.DeltaSummary;
import io.tidemark.proto.delta.SignatureGenerator;
import io.tidemark.proto.v1.Checkpoint;
import io.tidemark.proto.v1.DeltaFrame;
import io.tidemark.proto.v1.FileBegin;
import io.tidemark.proto.v1.FileEnd;
import io.tidemark.proto.v1.PeerMessage;
import io.tidemark.proto.v1.ReplicationServiceGrpc;
import io.tidemark.proto.v1.SourceMessage;
import io.tidemark.proto.v1.Want;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The peer checks a file's whole-content SHA-256 before the new version becomes visible. A
 * mismatch leaves the old version in place, is logged, and the file is asked for again: first as
 * a delta against the peer's own signature, then whole.
 */
class ReplicationVerifyTest {
  @TempDir Path tmp;

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final ch.qos.logback.classic.Logger sessionLog =
      (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ReplicaSession.class);

  @BeforeEach
  void captureLog() {
    log.start();
    sessionLog.addAppender(log);
  }

  @AfterEach
  void releaseLog() {
    sessionLog.detachAppender(log);
  }

  @Test
  void contentFailingItsSha256_neverVisible_loggedAndFetchedAgainThenWhole() throws Exception {
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Files.writeString(dst.resolve("f"), "old version");
    byte[] good = "the new version".getBytes(StandardCharsets.UTF_8);
    byte[] wrongSha = sha256("something else".getBytes(StandardCharsets.UTF_8));

    List<String> seenInDstAtEachWant = new CopyOnWriteArrayList<>();
    List<Want> wants = new CopyOnWriteArrayList<>();
    List<PeerMessage> fromPeer = new CopyOnWriteArrayList<>();
    ReplicationServiceGrpc.ReplicationServiceImplBase source = new ReplicationServiceGrpc.ReplicationServiceImplBase() {
      @Override
      public StreamObserver<PeerMessage> replicate(StreamObserver<SourceMessage> out) {
        return new StreamObserver<>() {
          @Override
          public void onNext(PeerMessage m) {
            fromPeer.add(m);
            if (m.hasHello()) {
              file(out, "f", good, wrongSha, false);
              out.onNext(SourceMessage.newBuilder()
                  .setCheckpoint(Checkpoint.newBuilder().setCursor("tm1:c1").setCaughtUp(true)).build());
            } else if (m.hasWant()) {
              wants.add(m.getWant());
              seenInDstAtEachWant.add(describe(dst));
              // the first answer fails again; the second one is right
              file(out, "f", good, wants.size() == 1 ? wrongSha : sha256(good), true);
            }
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            out.onCompleted();
          }
        };
      }
    };
    String name = "verify-" + System.nanoTime();
    Server server = InProcessServerBuilder.forName(name).addService(source).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try (ReplicaClient client = ReplicaClient.start(channel, new ReplicaWriter(dst, FsyncPolicy.NEVER),
        PeerState.open(tmp.resolve("state"), dst), "verifier", null)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> fromPeer.stream().anyMatch(PeerMessage::hasAck));
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }

    assertThat(wants).hasSize(2);
    assertThat(wants.get(0).getPath()).isEqualTo("f");
    assertThat(wants.get(0).getReason()).contains("verification failed");
    assertThat(BlockSignature.parse(wants.get(0).getSignature().toByteArray()))
        .as("first retry: a delta against what the peer really holds")
        .isEqualTo(SignatureGenerator.of("old version".getBytes(StandardCharsets.UTF_8),
            BlockSignature.blockSizeFor("old version".length())));
    assertThat(wants.get(1).getSignature().isEmpty()).as("second retry: the whole file").isTrue();
    assertThat(seenInDstAtEachWant).as("the unverified content never became visible")
        .containsOnly("f=old version");
    assertThat(Files.readString(dst.resolve("f"))).isEqualTo("the new version");
    assertThat(fromPeer.stream().filter(PeerMessage::hasAck).findFirst().orElseThrow().getAck().getCursor())
        .isEqualTo("tm1:c1");
    assertThat(log.list)
        .filteredOn(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("did not verify"))
        .extracting(ILoggingEvent::getFormattedMessage)
        .satisfiesExactly(
            first -> assertThat(first).startsWith("f did not verify").endsWith("against our own signature"),
            second -> assertThat(second).startsWith("f did not verify").endsWith("whole"));
  }

  /** The source's memory of the peer's version is wrong (DST was edited behind the peer's back). */
  @Test
  void replicaChangedBehindThePeersBack_deltaFailsVerification_fetchedAgainAndRight() throws Exception {
    byte[] content = new byte[1 << 20];
    new Random(5).nextBytes(content);
    try (Replication r = new Replication(tmp).startPeer()) {
      r.write("f", content);
      r.flush();
      byte[] tampered = content.clone();
      for (int i = 0; i < tampered.length; i += 4096) {
        tampered[i] ^= 0x55; // every block differs from what the source believes the peer holds
      }
      Files.write(r.dst.resolve("f"), tampered);
      long filesBefore = r.service.totals().files();

      content[500_000] ^= 1;
      r.write("f", content);
      r.flush();

      assertThat(Files.readAllBytes(r.dst.resolve("f"))).isEqualTo(content);
      assertThat(r.service.totals().files() - filesBefore).as("the failed delta and the re-fetch").isEqualTo(2);
      assertThat(log.list).anyMatch(e -> e.getLevel() == Level.WARN
          && e.getFormattedMessage().startsWith("f did not verify"));
    }
  }

  private static void file(StreamObserver<SourceMessage> out, String path, byte[] content, byte[] announcedSha,
      boolean replyToWant) {
    List<ByteString> frames = new ArrayList<>();
    DeltaSummary s;
    try {
      s = new DeltaEncoder().encode(SignatureGenerator.of(new byte[0]), content,
          f -> frames.add(ByteString.copyFrom(f)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    out.onNext(SourceMessage.newBuilder().setFileBegin(FileBegin.newBuilder().setPath(path)
        .setReplyToWant(replyToWant)).build());
    frames.forEach(f -> out.onNext(SourceMessage.newBuilder().setDeltaFrame(DeltaFrame.newBuilder().setFrame(f)).build()));
    out.onNext(SourceMessage.newBuilder().setFileEnd(FileEnd.newBuilder().setSize(s.newLength())
        .setSha256(ByteString.copyFrom(announcedSha)).setMode(0644)).build());
  }

  /** Every name in {@code dir} (temp files included) with its content. */
  private static String describe(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return String.join(",", files.sorted().map(p -> {
        try {
          return p.getFileName() + "=" + Files.readString(p);
        } catch (java.io.IOException e) {
          return p.getFileName() + "=?";
        }
      }).toList());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
