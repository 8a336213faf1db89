package io.tidemark.peer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A link that dies without a word (no RST, no FIN: a NAT forgetting the flow) between {@code
 * tidemark peer} and its agent: the peer's keepalive pings go unanswered, its stream fails, it
 * reconnects, and the next write on SRC reaches DST. Without keepalive the peer would wait on the
 * dead stream forever, "connected" and never updated.
 */
class PeerKeepaliveTest {
  private static final Duration START = Duration.ofSeconds(90);

  @TempDir Path tmp;
  @RegisterExtension final Closer closer = new Closer();

  @Test
  void silentlyDeadLink_peerNoticesByKeepalive_reconnects_andReplicatesAgain() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = tmp.resolve("dst");
    Files.writeString(src.resolve("before"), "b");
    TidemarkProcess agent = closer.track(TidemarkProcess.start(tmp.resolve("xdg"), "agent", src.toString(),
        "--state", tmp.resolve("agent-state").toString(), "--listen", "127.0.0.1:0"));
    agent.awaitStdout("ready", START);
    String target = agent.awaitStderrAfter("serving on ", Duration.ofSeconds(10));
    CutProxy proxy = closer.track(new CutProxy(Integer.parseInt(target.substring(target.lastIndexOf(':') + 1))));
    TidemarkProcess peer = closer.track(TidemarkProcess.start(tmp.resolve("xdg"),
        List.of("-Dtidemark.keepaliveSeconds=10"), "peer", "--agent", proxy.target(),
        "--state", tmp.resolve("peer-state").toString(), dst.toString()));
    peer.awaitStdout("in sync", START);
    assertThat(proxy.accepted()).isEqualTo(1);

    proxy.blackholeAll();
    Files.writeString(src.resolve("after"), "written while the link was dead");

    await("the peer reconnects and gets the write").atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(dst.resolve("after")).exists()
            .hasContent("written while the link was dead"));
    assertThat(proxy.accepted()).as("peer stderr:\n%s", peer.stderr()).isGreaterThanOrEqualTo(2);
  }
}
