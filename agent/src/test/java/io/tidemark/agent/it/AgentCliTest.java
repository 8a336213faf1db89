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
}
