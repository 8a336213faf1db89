package io.tidemark.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.cli.TidemarkMain;
import io.tidemark.agent.engine.EngineKind;
import io.tidemark.agent.engine.JavaChild;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tidemark agent} as a user runs it: ready line, SIGTERM, restarts, bad arguments. */
@Timeout(120)
class AgentCliTest {
  @TempDir Path tmp;
  private AgentProcess agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  /** What a short-lived {@code tidemark ...} child printed and its exit code. */
  record Run(int exit, String out, String err) {}

  static Run tidemark(String... args) throws Exception {
    Process p = JavaChild.builder(TidemarkMain.class, args).start();
    p.getOutputStream().close();
    var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("tidemark " + List.of(args) + " still running after 60 s");
    }
    return new Run(p.exitValue(), out, err.join());
  }

  /** stderr without the JDK's own warnings (sun.misc.Unsafe from pekko on JDK 24+). */
  static List<String> ourLines(String err) {
    return err.lines().filter(l -> !l.startsWith("WARNING: ")).toList();
  }

  @Test
  void agent_printsReadyFirst_exits0OnSigterm_andCursorsSurviveTheRestart() throws Exception {
    Path root = Files.createDirectory(tmp.toRealPath().resolve("root"));
    Path state = tmp.resolve("state");
    Files.writeString(root.resolve("before"), "b");
    agent = AgentProcess.start(root, state, EngineKind.AUTO);
    assertThat(agent.firstLine()).matches("ready tm1:[a-z0-9]+");
    String cursor = agent.readyCursor();
    Files.writeString(root.resolve("live"), "l");
    String afterLive;
    try (JournalClient c = agent.client()) {
      afterLive = c.changes(cursor, true).cursor();
    }
    assertThat(agent.terminate()).as("exit code on SIGTERM").isZero();

    Files.writeString(root.resolve("offline"), "o");
    agent = AgentProcess.start(root, state, EngineKind.AUTO);
    try (JournalClient c = agent.client()) {
      JournalClient.Answer sinceFirst = c.changes(cursor, true);
      assertThat(sinceFirst.freshInstance()).isFalse();
      assertThat(sinceFirst.changes()).extracting(ch -> ch.getPath()).contains("live", "offline")
          .doesNotContain("before");
      JournalClient.Answer sinceLive = c.changes(afterLive, false);
      assertThat(sinceLive.changes()).extracting(ch -> ch.getPath()).containsExactly("offline");
    }
    Run changes = tidemark("changes", "--agent", agent.target(), "--since", cursor, "--json");
    assertThat(changes.exit()).as(changes.err()).isZero();
    assertThat(changes.out()).contains("\"fresh_instance\":false").contains("\"path\":\"offline\"");
  }

  @Test
  void agent_badArguments_exit2WithOneLine() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    Path dir = Files.createDirectory(tmp.resolve("dir"));

    Run missing = tidemark("agent", tmp.resolve("nope").toString(), "--listen", "127.0.0.1:0");
    Run notDir = tidemark("agent", file.toString(), "--listen", "127.0.0.1:0");
    Run engine = tidemark("agent", dir.toString(), "--engine", "dnotify", "--listen", "127.0.0.1:0");

    assertThat(missing.exit()).isEqualTo(2);
    assertThat(ourLines(missing.err())).containsExactly(
        "tidemark agent: root does not exist: " + tmp.resolve("nope"));
    assertThat(notDir.exit()).isEqualTo(2);
    assertThat(ourLines(notDir.err())).containsExactly(
        "tidemark agent: root is not a directory: " + file);
    assertThat(engine.exit()).isEqualTo(2);
    assertThat(ourLines(engine.err())).hasSize(1);
    assertThat(ourLines(engine.err()).get(0)).startsWith("tidemark agent: ").contains("dnotify");
    assertThat(missing.out() + notDir.out() + engine.out()).isEmpty();
  }

  @Test
  void agent_stateDirInsideRoot_clearError() throws Exception {
    Path root = Files.createDirectory(tmp.toRealPath().resolve("root"));

    Run run = tidemark("agent", root.toString(), "--state", root.resolve(".state").toString(),
        "--listen", "127.0.0.1:0");

    assertThat(run.exit()).isNotZero();
    assertThat(ourLines(run.err())).hasSize(1);
    assertThat(ourLines(run.err()).get(0))
        .startsWith("tidemark agent: state dir ")
        .contains("is inside the watched root")
        .contains("--state");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void agent_secondAgentOnTheSameStateDir_clearError() throws Exception {
    Path root = Files.createDirectory(tmp.toRealPath().resolve("root"));
    Path state = tmp.resolve("state");
    agent = AgentProcess.start(root, state, EngineKind.AUTO);

    Run second = tidemark("agent", root.toString(), "--state", state.toString(), "--listen",
        "127.0.0.1:0");

    assertThat(second.exit()).isNotZero();
    assertThat(ourLines(second.err())).hasSize(1);
    assertThat(ourLines(second.err()).get(0))
        .startsWith("tidemark agent: another agent is already running with state dir ");
    assertThat(second.out()).isEmpty();
    try (JournalClient c = agent.client()) {
      assertThat(c.changes(agent.readyCursor(), true).freshInstance()).isFalse(); // first one fine
    }
  }

  /**
   * Retention from the command line. With {@code --retain-entries 5} the journal keeps 5 entries,
   * yet a cursor from before 20 newer changes still gets all of them (the index answers through
   * each path's last seq). With {@code --retain-tombstones 0} the deletes it no longer holds are
   * forgotten, so a cursor from before those deletes gets {@code fresh_instance}, never an answer
   * that misses them. The first compaction runs soon after start.
   */
  @Test
  void agent_retention_olderCursorsAnsweredByTheIndex_untilTheirDeletesAreForgotten() throws Exception {
    Path root = Files.createDirectory(tmp.toRealPath().resolve("root"));
    for (int i = 0; i < 10; i++) {
      Files.writeString(root.resolve("gone" + i), "x");
    }
    agent = AgentProcess.start(root, tmp.resolve("state"), EngineKind.AUTO,
        "--retain-entries", "5", "--retain-tombstones", "0");
    String ready = agent.readyCursor();
    try (JournalClient c = agent.client()) {
      for (int i = 0; i < 10; i++) {
        Files.delete(root.resolve("gone" + i));
      }
      String afterDeletes = c.changes(ready, true).cursor();
      for (int i = 0; i < 20; i++) {
        Files.writeString(root.resolve("f" + i), "x");
      }
      c.changes(afterDeletes, true);
      org.awaitility.Awaitility.await("compaction forgets the deletes")
          .atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(250))
          .until(() -> c.changes(ready, false).freshInstance());
      JournalClient.Answer since = c.changes(afterDeletes, true);
      assertThat(since.freshInstance()).isFalse();
      assertThat(since.changes()).extracting(ch -> ch.getPath())
          .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "f" + i).toList());
    }
  }

  @Test
  void agent_badRetention_exit2SayingWhatIsExpected() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("dir"));

    Run age = tidemark("agent", dir.toString(), "--retain-age", "30 days", "--listen", "127.0.0.1:0");
    Run entries = tidemark("agent", dir.toString(), "--retain-entries", "0", "--listen", "127.0.0.1:0");

    assertThat(age.exit()).isEqualTo(2);
    assertThat(ourLines(age.err())).containsExactly("tidemark agent: --retain-age: expected a number and a"
        + " unit m, h or d (e.g. 12h, 30d), got '30 days'");
    assertThat(entries.exit()).isEqualTo(2);
    assertThat(ourLines(entries.err())).containsExactly("tidemark agent: --retain-entries must be at least 1");
  }
}
