package io.tidemark.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.engine.EngineKind;
import io.tidemark.agent.ignore.IgnoreRules;
import io.tidemark.proto.v1.Change;
import io.tidemark.proto.v1.ChangeKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Sync-to-now against the real agent: a write just before {@code Changes(sync)} is in it. */
@ParameterizedClass(name = "{0}")
@EnumSource(value = EngineKind.class, names = {"FANOTIFY", "INOTIFY"})
@Timeout(120)
class AgentSyncTest {
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

  @Test
  void writeThenSyncedChanges_alwaysIncludesTheWrite_andNeverACookie() throws Exception {
    Path root = Files.createDirectory(tmp.toRealPath().resolve("root"));
    agent = AgentProcess.start(root, tmp.resolve("state"), engine);
    client = agent.client();
    String cursor = agent.readyCursor();

    for (int i = 0; i < 50; i++) {
      String expected;
      switch (i % 5) {
        case 0 -> {
          expected = "f" + i;
          Files.writeString(root.resolve(expected), "new " + i);
        }
        case 1 -> {
          expected = "f" + (i - 1);
          Files.writeString(root.resolve(expected), "again " + i);
        }
        case 2 -> {
          expected = "r" + i;
          Files.move(root.resolve("f" + (i - 2)), root.resolve(expected), StandardCopyOption.ATOMIC_MOVE);
        }
        case 3 -> {
          // a directory created and filled at once (inotify: before its watch exists)
          expected = "d" + i + "/inner/x";
          Files.createDirectories(root.resolve("d" + i + "/inner"));
          Files.writeString(root.resolve(expected), "x");
        }
        default -> {
          expected = "r" + (i - 2);
          Files.delete(root.resolve(expected));
        }
      }

      JournalClient.Answer answer = client.changes(cursor, true);

      assertThat(answer.freshInstance()).isFalse();
      assertThat(answer.changes())
          .as("round %d: %s", i, answer.changes())
          .anyMatch(c -> c.getPath().equals(expected)
              || (c.getDir() && expected.startsWith(c.getPath() + "/")));
      assertThat(answer.changes()).noneMatch(c -> IgnoreRules.isCookie(c.getPath()));
      cursor = answer.cursor();
    }

    Awaitility.await("every cookie file removed")
        .atMost(Duration.ofSeconds(30))
        .until(() -> cookies(root).isEmpty());
    List<Change> all = client.changes(agent.readyCursor(), true).changes();
    assertThat(all).noneMatch(c -> c.getPath().contains(IgnoreRules.COOKIE_PREFIX)
        || c.getFrom().contains(IgnoreRules.COOKIE_PREFIX));
  }

  /**
   * Found by AgentModelTest (seed 5, inotify). A move-in from outside reaches the coalescer as a
   * plain CREATE, so create + delete in one window must not net to nothing: d existed before.
   */
  @Test
  void fileReplacedByAMoveInThenDeleted_theDeleteIsReported() throws Exception {
    Path root = Files.createDirectory(tmp.toRealPath().resolve("root"));
    Path outside = Files.createDirectory(tmp.toRealPath().resolve("outside"));
    Files.writeString(root.resolve("d"), "journalled before");
    agent = AgentProcess.start(root, tmp.resolve("state"), engine);
    client = agent.client();
    String cursor = agent.readyCursor();

    Files.writeString(outside.resolve("x"), "from outside");
    Files.move(outside.resolve("x"), root.resolve("d"), StandardCopyOption.ATOMIC_MOVE);
    Files.delete(root.resolve("d"));

    JournalClient.Answer answer = client.changes(cursor, true);
    assertThat(answer.changes()).as("d existed at the cursor and is gone now")
        .anyMatch(c -> c.getPath().equals("d"));
  }

  @Test
  void dirReplacedByAMovedInTreeThenDeleted_theDeleteIsReported() throws Exception {
    Path root = Files.createDirectory(tmp.toRealPath().resolve("root"));
    Path outside = Files.createDirectory(tmp.toRealPath().resolve("outside"));
    Files.createDirectory(root.resolve("d"));
    agent = AgentProcess.start(root, tmp.resolve("state"), engine);
    client = agent.client();
    String cursor = agent.readyCursor();

    Files.createDirectories(outside.resolve("t/sub"));
    Files.writeString(outside.resolve("t/sub/f"), "moved in");
    Files.move(outside.resolve("t"), root.resolve("d"), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING); // rename(2) replaces the empty directory
    Files.delete(root.resolve("d/sub/f"));
    Files.delete(root.resolve("d/sub"));
    Files.delete(root.resolve("d"));

    JournalClient.Answer answer = client.changes(cursor, true);
    assertThat(answer.changes()).as("d existed at the cursor and is gone now")
        .anyMatch(c -> c.getPath().equals("d") && c.getKind() == ChangeKind.CHANGE_KIND_DELETED);
  }

  private static List<String> cookies(Path root) throws IOException {
    try (Stream<Path> l = Files.list(root)) {
      return l.map(p -> p.getFileName().toString()).filter(IgnoreRules::isCookie).toList();
    }
  }
}
