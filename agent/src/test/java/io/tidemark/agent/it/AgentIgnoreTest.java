package io.tidemark.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.engine.EngineKind;
import io.tidemark.proto.v1.Change;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** .tidemarkignore and --ignore keep paths out of the journal, live and through the reconcile. */
@ParameterizedClass(name = "{0}")
@EnumSource(value = EngineKind.class, names = {"FANOTIFY", "INOTIFY"})
@Timeout(120)
class AgentIgnoreTest {
  @Parameter EngineKind engine;
  @TempDir Path tmp;

  private AgentProcess agent;
  private JournalClient client;

  @AfterEach
  void stop() throws InterruptedException {
    if (client != null) {
      client.close();
    }
    if (agent != null) {
      agent.close();
    }
  }

  private void start(Path root, Path state) throws Exception {
    agent = AgentProcess.start(root, state, engine, "--ignore", "tmp*", "--ignore", "cache/");
    client = agent.client();
  }

  private static List<String> paths(List<Change> changes) {
    return changes.stream()
        .map(c -> c.getFrom().isEmpty() ? c.getPath() : c.getFrom() + "->" + c.getPath())
        .toList();
  }

  @Test
  void ignoredPaths_neverReachTheJournal_liveOrAfterARestart() throws Exception {
    Path root = Files.createDirectory(tmp.toRealPath().resolve("root"));
    Path state = tmp.resolve("state");
    Files.writeString(root.resolve(".tidemarkignore"), "build/\n*.log\n");
    Files.createDirectories(root.resolve("build/deep"));
    Files.writeString(root.resolve("build/deep/a.o"), "o");
    Files.writeString(root.resolve("start.log"), "l");
    start(root, state);
    String cursor = agent.readyCursor();
    assertThat(agent.terminate()).isZero();
    client.close();

    // while no agent runs: only the reconcile can see these
    Files.writeString(root.resolve("build/deep/b.o"), "o");
    Files.writeString(root.resolve("build/deep/a.o"), "changed");
    Files.writeString(root.resolve("offline.log"), "l");
    Files.writeString(root.resolve("tmpfile"), "t");
    Files.createDirectories(root.resolve("src/cache"));
    Files.writeString(root.resolve("src/cache/blob"), "c");
    Files.writeString(root.resolve("src/offline.c"), "c");
    start(root, state);
    JournalClient.Answer offline = client.changes(cursor, true);
    assertThat(offline.freshInstance()).isFalse();
    assertThat(paths(offline.changes())).containsExactlyInAnyOrder("src", "src/offline.c");

    // live
    Files.writeString(root.resolve("build/deep/c.o"), "o");
    Files.writeString(root.resolve("live.log"), "l");
    Files.writeString(root.resolve("tmp-live"), "t");
    Files.writeString(root.resolve("src/cache/blob2"), "c");
    Files.createDirectories(root.resolve("build/new/dir"));
    Files.writeString(root.resolve("src/live.c"), "c");
    JournalClient.Answer live = client.changes(offline.cursor(), true);
    assertThat(paths(live.changes())).containsExactly("src/live.c");

    // across the boundary: out of an ignored area is a create, into one a delete
    Files.move(root.resolve("build/deep/c.o"), root.resolve("src/c.o"), StandardCopyOption.ATOMIC_MOVE);
    Files.move(root.resolve("src/live.c"), root.resolve("build/live.c"), StandardCopyOption.ATOMIC_MOVE);
    JournalClient.Answer across = client.changes(live.cursor(), true);
    assertThat(across.changes())
        .extracting(c -> c.getKind().name() + " " + c.getPath())
        .containsExactlyInAnyOrder("CHANGE_KIND_CREATED src/c.o", "CHANGE_KIND_DELETED src/live.c");
  }
}
