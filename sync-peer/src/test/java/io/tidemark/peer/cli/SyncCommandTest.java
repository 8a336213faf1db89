package io.tidemark.peer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidemark.peer.it.Closer;
import io.tidemark.peer.it.Tree;
import io.tidemark.peer.it.TidemarkProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code tidemark sync}, {@code peer} and {@code flush} as child JVMs, as a user runs them. */
class SyncCommandTest {
  private static final Duration START = Duration.ofSeconds(90);

  @TempDir Path tmp;
  @RegisterExtension final Closer closer = new Closer();

  /** Both links: the default in-process one and the loopback TCP one the bench compares it with. */
  @ParameterizedTest
  @ValueSource(strings = {"in-process", "loopback"})
  void sync_followsWritesRenamesDeletesAndModes_thenStopsCleanlyOnSigterm(String link) throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = tmp.resolve("dst");
    Files.writeString(src.resolve("before.txt"), "there before the agent");
    Files.createDirectories(src.resolve("old/deep"));
    Files.writeString(src.resolve("old/deep/f"), "deep");

    TidemarkProcess sync = start("sync", "--state", tmp.resolve("state").toString(), "--link", link,
        src.toString(), dst.toString());
    sync.awaitStdout("in sync", START);
    assertThat(Tree.describe(dst)).isEqualTo(Tree.describeSource(src));

    Files.writeString(src.resolve("new.txt"), "fresh");
    Files.writeString(src.resolve("before.txt"), "modified after the first sync");
    Files.setPosixFilePermissions(src.resolve("new.txt"), PosixFilePermissions.fromString("rwx------"));
    Files.move(src.resolve("old"), src.resolve("renamed"));
    Files.writeString(src.resolve("renamed/deep/g"), "x".repeat(200_000));
    Files.delete(src.resolve("renamed/deep/f"));
    Files.createSymbolicLink(src.resolve("link"), Path.of("new.txt"));

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(Tree.describe(dst)).isEqualTo(Tree.describeSource(src)));

    assertThat(sync.terminate(Duration.ofSeconds(30))).as("exit code; stderr:\n%s", sync.stderr()).isZero();
  }

  /**
   * The contract for the main command: {@code --listen} is where its agent serves (a
   * flush there works), {@code --state} holds the agent's and the peer's state, the initial copy
   * shows progress, then {@code in sync}, then one short line per second of activity and none
   * while idle, and SIGTERM stops it with 0, cleanly (the peer's state says so).
   */
  @Test
  void sync_listenAndState_progressThenInSyncThenALinePerSecondOfActivity_sigtermExitsZero() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = tmp.resolve("dst");
    Path state = tmp.resolve("state");
    Random rnd = new Random(1);
    byte[] content = new byte[150_000];
    for (int i = 0; i < 200; i++) { // 30 MB to copy first
      rnd.nextBytes(content);
      Files.write(src.resolve("f" + i), content);
    }
    int port = Closer.freePort();

    TidemarkProcess sync = start("sync", "--listen", "127.0.0.1:" + port, "--state", state.toString(),
        src.toString(), dst.toString());
    sync.awaitStdout("in sync", START);
    assertThat(Tree.describe(dst)).isEqualTo(Tree.describeSource(src));
    assertThat(sync.stderr()).contains("on 127.0.0.1:" + port + ";");
    assertThat(sync.stderrLines()).as("initial copy progress").anyMatch(l ->
        l.matches("tidemark sync: copying \\[[#.]{20}\\] +\\d+%  [\\d,]+/200 files, [\\d.,]+ MB/[\\d.,]+ MB"));
    assertThat(state.resolve("agent")).isDirectory();
    assertThat(state.resolve("peer/cursor")).isRegularFile();

    long writes = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (activityLines(sync) < 3 && System.nanoTime() < deadline) { // ten writes a second
      Files.writeString(src.resolve("live" + writes++), "written at " + System.nanoTime());
      Thread.sleep(100);
    }
    assertThat(activityLines(sync)).as("lines for %d writes over %d s", writes, writes / 10).isGreaterThanOrEqualTo(3);
    assertThat(sync.stderrLines()).filteredOn(l -> l.contains("bytes sent"))
        .allMatch(l -> l.matches("tidemark sync: [\\d,]+ file\\(s\\), [\\d,]+ bytes sent \\(total [\\d,]+ files, [\\d,]+ bytes\\)"));
    List<String> err = sync.stderrLines();
    int lastProgress = -1;
    int firstActivity = -1;
    for (int i = 0; i < err.size(); i++) {
      if (err.get(i).contains("copying [")) {
        lastProgress = i;
      } else if (firstActivity < 0 && err.get(i).contains("bytes sent")) {
        firstActivity = i;
      }
    }
    assertThat(firstActivity).as("activity lines only after the initial copy:\n%s", sync.stderr())
        .isGreaterThan(lastProgress);
    TidemarkProcess flush = start("flush", "--agent", "127.0.0.1:" + port, "--timeout", "60");
    assertThat(flush.awaitExit(START)).as("flush at --listen; stderr:\n%s", flush.stderr()).isZero();
    assertThat(Tree.describe(dst)).isEqualTo(Tree.describeSource(src));
    long[] seen = {-1};
    await("no lines while idle").during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).until(() -> {
          long now = activityLines(sync);
          boolean still = now == seen[0];
          seen[0] = now;
          return still;
        });

    assertThat(sync.terminate(Duration.ofSeconds(30))).as("exit code; stderr:\n%s", sync.stderr()).isZero();
    assertThat(state.resolve("peer/running")).as("the peer stopped cleanly").doesNotExist();
  }

  @Test
  void flush_returnsOnceThePeerHasAppliedEverything() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = tmp.resolve("dst");
    String target = startAgent(src);
    TidemarkProcess peer = start("peer", "--agent", target, "--state", tmp.resolve("peer-state").toString(),
        dst.toString());
    peer.awaitStdout("in sync", START);

    for (int i = 0; i < 20; i++) {
      Files.writeString(src.resolve("f" + i), "content " + i);
    }
    TidemarkProcess flush = start("flush", "--agent", target, "--timeout", "30");
    assertThat(flush.awaitExit(START)).as("flush stderr:\n%s", flush.stderr()).isZero();
    assertThat(Tree.describe(dst)).isEqualTo(Tree.describeSource(src));
  }

  /**
   * {@code --peers N} waits for a replica that is not connected yet (a peer restarting or backing
   * off at the moment of the call) instead of answering for the peers that happen to be there;
   * with none arriving, it times out naming the cause.
   */
  @Test
  void flushWithPeers_waitsForAPeerThatConnectsLater_andTimesOutWithoutOne() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = tmp.resolve("dst");
    String target = startAgent(src);
    for (int i = 0; i < 20; i++) {
      Files.writeString(src.resolve("f" + i), "content " + i);
    }

    TidemarkProcess lonely = start("flush", "--agent", target, "--peers", "1", "--timeout", "2");
    assertThat(lonely.awaitExit(START)).as("flush with no peer; stderr:\n%s", lonely.stderr()).isEqualTo(1);
    assertThat(lonely.stderr()).contains("0 peer(s) connected").contains("1 asked for");
    TidemarkProcess bare = start("flush", "--agent", target, "--timeout", "30");
    assertThat(bare.awaitExit(START)).isZero();
    assertThat(bare.stderr()).contains("no peer is connected");

    TidemarkProcess flush = start("flush", "--agent", target, "--peers", "1", "--timeout", "120");
    TidemarkProcess peer = start("peer", "--agent", target, "--state", tmp.resolve("peer-state").toString(),
        dst.toString());
    assertThat(flush.awaitExit(START)).as("flush stderr:\n%s\npeer stderr:\n%s", flush.stderr(), peer.stderr())
        .isZero();
    assertThat(String.join("\n", flush.stdout())).contains("flushed: 1 peer(s)");
    assertThat(Tree.describe(dst)).isEqualTo(Tree.describeSource(src));
  }

  // ---- helpers ----

  /** {@code tidemark agent SRC} on a free loopback port, ready; returns its HOST:PORT. */
  private String startAgent(Path src) throws Exception {
    TidemarkProcess agent = start("agent", "--state", tmp.resolve("agent-state").toString(), "--listen", "127.0.0.1:0",
        src.toString());
    agent.awaitStdout("ready", START);
    return agent.awaitStderrAfter("serving on ", Duration.ofSeconds(10));
  }

  private TidemarkProcess start(String... args) throws Exception {
    TidemarkProcess p = TidemarkProcess.start(tmp.resolve("xdg"), args);
    closer.track(p);
    return p;
  }

  private static long activityLines(TidemarkProcess p) {
    return p.stderrLines().stream().filter(l -> l.contains("bytes sent")).count();
  }
}
