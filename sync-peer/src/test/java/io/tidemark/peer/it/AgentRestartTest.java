package io.tidemark.peer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tidemark agent} restarted under a following {@code tidemark peer} (real processes, a
 * byte-counting proxy between them): the peer reconnects and resumes — the journal survived, so
 * no reconcile — and the first edit of a big file after the restart is still a delta with no
 * signature upload (the agent kept what it sent, with the signatures, in its state dir).
 */
class AgentRestartTest {
  private static final Duration START = Duration.ofSeconds(90);

  @TempDir Path tmp;
  @RegisterExtension final Closer closer = new Closer();

  @Test
  void agentRestart_peerResumes_firstEditNeedsNoSignatureUpload() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = tmp.resolve("dst");
    byte[] big = new byte[4 << 20];
    new Random(3).nextBytes(big);
    Files.write(src.resolve("big"), big);
    int port = Closer.freePort();
    String target = "127.0.0.1:" + port;
    TidemarkProcess agent = startAgent(src, port);
    CutProxy proxy = closer.track(new CutProxy(port));
    TidemarkProcess peer = closer.track(TidemarkProcess.start(tmp.resolve("xdg"), "peer", "--agent", proxy.target(),
        "--state", tmp.resolve("peer-state").toString(), dst.toString()));
    peer.awaitStdout("in sync", START);

    assertThat(agent.terminate(Duration.ofSeconds(30))).as("agent stderr:\n%s", agent.stderr()).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() -> peer.stderr().contains("disconnected"));
    TidemarkProcess restarted = startAgent(src, port);
    peer.awaitStdout("in sync", 2, START);

    long upBefore = proxy.bytesToAgent();
    big[3_000_000] ^= 1;
    Files.write(src.resolve("big"), big);
    try (AgentCalls calls = AgentCalls.to(target)) {
      assertThat(calls.flush(60).getPeers()).isEqualTo(1);
    }
    assertThat(Tree.describe(dst)).isEqualTo(Tree.describeSource(src));
    long up = proxy.bytesToAgent() - upBefore;
    // a NeedSignature round trip would upload the 4 MiB file's signature: 2048 blocks x 20 bytes
    assertThat(up).as("peer to agent for a 1-byte edit after the agent restarted").isLessThan(8_000);
    assertThat(peer.stderr()).as("resumed, not reconciled, after the restart")
        .containsOnlyOnce("reconciling the replica");
    assertThat(tmp.resolve("agent-state/replication")).isDirectory();
    assertThat(restarted.process().isAlive()).isTrue();
  }

  private TidemarkProcess startAgent(Path src, int port) throws Exception {
    TidemarkProcess agent = closer.track(TidemarkProcess.start(tmp.resolve("xdg"), "agent", src.toString(),
        "--state", tmp.resolve("agent-state").toString(), "--listen", "127.0.0.1:" + port));
    agent.awaitStdout("ready", START);
    return agent;
  }

}
