package io.tidemark.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.tidemark.peer.it.Tree;
import io.tidemark.peer.replica.FsyncPolicy;
import io.tidemark.peer.replica.ReplicaWriter;
import io.tidemark.proto.delta.DeltaEncoder;
import io.tidemark.proto.delta.DeltaSummary;
import io.tidemark.proto.delta.SignatureGenerator;
import io.tidemark.proto.v1.Checkpoint;
import io.tidemark.proto.v1.Delete;
import io.tidemark.proto.v1.DeltaFrame;
import io.tidemark.proto.v1.FileBegin;
import io.tidemark.proto.v1.FileEnd;
import io.tidemark.proto.v1.Mkdir;
import io.tidemark.proto.v1.PeerMessage;
import io.tidemark.proto.v1.Rename;
import io.tidemark.proto.v1.ReplicationServiceGrpc;
import io.tidemark.proto.v1.SourceMessage;
import io.tidemark.proto.v1.Symlink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hostile source: nothing lands outside DST, every bad record is refused and reported, the stream goes on. */
class ReplicationSecurityTest {
  @TempDir Path tmp;

  private final List<PeerMessage> fromPeer = new CopyOnWriteArrayList<>();

  @Test
  void hostileRecords_refusedAndReported_nothingOutsideDst_streamContinues() throws Exception {
    Path dst = Files.createDirectories(tmp.resolve("box/dst"));
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("victim"), "keep me");
    Files.createSymbolicLink(dst.resolve("evil"), outside);
    Files.writeString(dst.resolve("good0"), "mine");
    Map<String, String> outsideBefore = Tree.describe(tmp.resolve("outside"));

    List<SourceMessage> script = new ArrayList<>();
    for (String hostile : List.of("../x", "/etc/x", "a/../../x", "x\0y", "a".repeat(5000),
        "b/" + "c".repeat(300), "evil/x", "./x", "a//b", "")) {
      file(script, hostile, "pwned");
    }
    script.add(msg().setMkdir(Mkdir.newBuilder().setPath("evil/d").setMode(0755)).build());
    script.add(msg().setDelete(Delete.newBuilder().setPath("evil/victim")).build());
    script.add(msg().setRename(Rename.newBuilder().setFrom("good0").setTo("evil/y")).build());
    script.add(msg().setRename(Rename.newBuilder().setFrom("evil/victim").setTo("stolen")).build());
    script.add(msg().setSymlink(Symlink.newBuilder().setPath("evil/l").setTarget("/etc/passwd")).build());
    script.add(msg().setMkdir(Mkdir.newBuilder().setPath("../up").setMode(0755)).build());
    int hostileRecords = 16;
    file(script, "good", "fine");
    script.add(msg().setCheckpoint(Checkpoint.newBuilder().setCursor("tm1:end").setCaughtUp(true)).build());

    String name = "hostile-" + System.nanoTime();
    Server server = InProcessServerBuilder.forName(name).addService(new Hostile(script)).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    List<String> reported = new CopyOnWriteArrayList<>();
    try (ReplicaClient client = ReplicaClient.start(channel, new ReplicaWriter(dst, FsyncPolicy.NEVER),
        PeerState.open(tmp.resolve("state"), dst), "victim", new ReplicaListener() {
          @Override
          public void rejected(String path, String reason) {
            reported.add(reason);
          }
        })) {
      await().atMost(Duration.ofSeconds(30)).until(() -> fromPeer.stream().anyMatch(PeerMessage::hasAck));
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
    assertThat(reported).hasSize(hostileRecords);
    assertThat(fromPeer.stream().filter(PeerMessage::hasRejected)).hasSize(hostileRecords);
    assertThat(reported).anyMatch(r -> r.contains("symlink in DST"));
    assertThat(Tree.describe(tmp.resolve("outside"))).isEqualTo(outsideBefore);
    assertThat(Files.readString(dst.resolve("good"))).isEqualTo("fine");
    assertThat(Files.readString(dst.resolve("good0"))).isEqualTo("mine");
    assertThat(tmp.resolve("box/x")).doesNotExist();
    assertThat(tmp.resolve("x")).doesNotExist();
    assertThat(tmp.resolve("box/up")).doesNotExist();
    assertThat(dst.resolve("stolen")).doesNotExist();
    try (var all = Files.walk(tmp)) {
      assertThat(all.map(p -> p.getFileName() == null ? "" : p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(ReplicaWriter.TEMP_PREFIX));
    }
  }

  private static SourceMessage.Builder msg() {
    return SourceMessage.newBuilder();
  }

  private static void file(List<SourceMessage> script, String path, String content) throws Exception {
    List<ByteString> frames = new ArrayList<>();
    DeltaSummary s = new DeltaEncoder().encode(SignatureGenerator.of(new byte[0]), content.getBytes(),
        f -> frames.add(ByteString.copyFrom(f)));
    script.add(msg().setFileBegin(FileBegin.newBuilder().setPath(path)).build());
    frames.forEach(f -> script.add(msg().setDeltaFrame(DeltaFrame.newBuilder().setFrame(f)).build()));
    script.add(msg().setFileEnd(FileEnd.newBuilder().setSize(s.newLength())
        .setSha256(ByteString.copyFrom(s.sha256())).setMode(0644)).build());
  }

  private final class Hostile extends ReplicationServiceGrpc.ReplicationServiceImplBase {
    private final List<SourceMessage> script;

    Hostile(List<SourceMessage> script) {
      this.script = script;
    }

    @Override
    public StreamObserver<PeerMessage> replicate(StreamObserver<SourceMessage> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(PeerMessage m) {
          fromPeer.add(m);
          if (m.hasHello()) {
            script.forEach(out::onNext);
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
  }
}
