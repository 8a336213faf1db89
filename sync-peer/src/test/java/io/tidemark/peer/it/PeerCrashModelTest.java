package io.tidemark.peer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidemark.peer.sync.RandomOps;
import io.tidemark.peer.sync.SrcOps;
import io.tidemark.proto.v1.FlushResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model test with real processes and real failures: {@code tidemark agent} on SRC and {@code
 * tidemark peer} on DST as child JVMs, connected through a TCP proxy. While random operations run
 * on SRC (files up to 8 MB), the peer is SIGKILLed and restarted (once while a multi-MB file
 * streams), its connection is reset mid-file, and the agent is unreachable for a while. After
 * flush, DST equals SRC; every restart resumed from the persisted cursor (no reconcile), and the
 * peer reconnected with growing backoff while the agent was unreachable.
 */
class PeerCrashModelTest {
  private static final Duration START = Duration.ofSeconds(90);
  private static final Pattern RETRY = Pattern.compile("retrying in (\\d+) ms");
  private static final int STEPS = 160;

  @TempDir Path tmp;
  @RegisterExtension final Closer closer = new Closer();

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void peerKilledAndCutMidFile_afterFlush_dstEqualsSrc(long seed) throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = tmp.resolve("dst");
    Path peerState = tmp.resolve("peer-state");
    TidemarkProcess agent = closer.track(TidemarkProcess.start(tmp.resolve("xdg"), "agent", src.toString(),
        "--state", tmp.resolve("agent-state").toString(), "--listen", "127.0.0.1:0"));
    agent.awaitStdout("ready", START);
    String agentTarget = agent.awaitStderrAfter("serving on ", Duration.ofSeconds(10));
    CutProxy proxy = closer.track(new CutProxy(Integer.parseInt(agentTarget.substring(agentTarget.lastIndexOf(':') + 1))));
    AgentCalls calls = closer.track(AgentCalls.to(agentTarget));

    List<TidemarkProcess> peers = new ArrayList<>();
    peers.add(startPeer(proxy, peerState, dst));
    peers.getLast().awaitStdout("in sync", START);

    SrcOps ops = SrcOps.onDisk(src);
    RandomOps random = new RandomOps(ops, seed, 256 * 1024, 8 << 20);
    Random rnd = random.random();
    for (int step = 0; step < STEPS; step++) {
      random.step(step);
      switch (step) {
        case 30 -> peers.getLast().kill9(); // SRC keeps changing while the peer is dead
        case 50 -> peers.add(startPeer(proxy, peerState, dst));
        case 80 -> {
          // the connection drops while a multi-MB file streams
          flushOnePeer(calls);
          streamBigFile(proxy, ops, rnd, "cut-" + step);
          proxy.cutAll();
          proxy.throttle(0);
        }
        case 100 -> {
          // the agent is unreachable for a while: the peer backs off
          proxy.refuse(true);
          proxy.cutAll();
          int before = proxy.accepted();
          await().atMost(Duration.ofSeconds(60)).until(() -> proxy.accepted() >= before + 4);
          proxy.refuse(false);
        }
        case 120 -> {
          // killed while a multi-MB file streams: a temp file is left behind in DST
          flushOnePeer(calls);
          streamBigFile(proxy, ops, rnd, "kill-" + step);
          peers.getLast().kill9();
          proxy.throttle(0);
          peers.add(startPeer(proxy, peerState, dst));
        }
        default -> { }
      }
    }

    peers.getLast().awaitStdout("in sync", START);
    flushOnePeer(calls);
    assertThat(Tree.describe(dst)).as("DST (temp files included) equals SRC").isEqualTo(Tree.describeSource(src));

    for (TidemarkProcess p : peers.subList(1, peers.size())) {
      assertThat(p.stderr()).as("a restart resumes from the recorded cursor; stderr:\n%s", p.stderr())
          .doesNotContain("reconciling");
    }
    List<Long> retries = retryDelays(peers.get(1));
    assertThat(retries).as("after the cut mid-file: retry at once").contains(100L);
    assertThat(retries).as("while the agent refused: backoff doubles").containsSubsequence(100L, 200L, 400L, 800L);
    assertThat(agent.process().isAlive()).isTrue();
  }

  /** Flush once the (restarted) peer is connected: with none connected, a flush waits for nobody. */
  /** The peer may be between connections (killed, backing off): flush waits for it to be back. */
  private static FlushResponse flushOnePeer(AgentCalls calls) {
    FlushResponse r = calls.flush(180, 1);
    assertThat(r.getPeers()).isEqualTo(1);
    return r;
  }

  /** Starts writing a random (incompressible) multi-MB file and returns once part of it is on the wire. */
  private static void streamBigFile(CutProxy proxy, SrcOps ops, Random rnd, String name) throws Exception {
    byte[] big = new byte[(4 << 20) + rnd.nextInt(4 << 20)];
    rnd.nextBytes(big);
    proxy.throttle(2 << 20);
    long before = proxy.bytesToPeer();
    ops.write(name, big);
    await("part of " + name + " streams").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
        .until(() -> proxy.bytesToPeer() - before > 1 << 20);
  }

  private TidemarkProcess startPeer(CutProxy proxy, Path state, Path dst) throws Exception {
    return closer.track(TidemarkProcess.start(tmp.resolve("xdg"), "peer", "--agent", proxy.target(),
        "--state", state.toString(), dst.toString()));
  }

  private static List<Long> retryDelays(TidemarkProcess p) {
    List<Long> out = new ArrayList<>();
    for (String line : p.stderrLines()) {
      Matcher m = RETRY.matcher(line);
      if (m.find()) {
        out.add(Long.parseLong(m.group(1)));
      }
    }
    return out;
  }
}
