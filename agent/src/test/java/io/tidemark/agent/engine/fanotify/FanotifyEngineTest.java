package io.tidemark.agent.engine.fanotify;

import static io.tidemark.agent.engine.FsEvent.Kind.ATTRIB;
import static io.tidemark.agent.engine.FsEvent.Kind.CLOSE_WRITE;
import static io.tidemark.agent.engine.FsEvent.Kind.CREATE;
import static io.tidemark.agent.engine.FsEvent.Kind.DELETE;
import static io.tidemark.agent.engine.FsEvent.Kind.MODIFY;
import static io.tidemark.agent.engine.FsEvent.Kind.RENAME;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.engine.EngineConfig;
import io.tidemark.agent.engine.EventSink;
import io.tidemark.agent.engine.FsEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The fanotify engine against the real kernel: changes are made by child shells in @TempDir. */
@Timeout(60)
class FanotifyEngineTest {
  @TempDir Path tmp;
  private Path root;
  private Path outside;
  private FanotifyEngine engine;
  private final Recorder events = new Recorder();

  /** Collects what the engine delivers; the test thread reads a snapshot. */
  static final class Recorder implements EventSink {
    private final List<FsEvent> all = new ArrayList<>();
    private volatile Throwable failure;

    @Override
    public synchronized void onEvents(List<FsEvent> batch) {
      all.addAll(batch);
    }

    @Override
    public void onFailure(Throwable cause) {
      failure = cause;
    }

    synchronized List<FsEvent> snapshot() {
      return List.copyOf(all);
    }

    FsEvent await(String what, Predicate<FsEvent> match) {
      FsEvent[] found = new FsEvent[1];
      org.awaitility.Awaitility.await().alias(what).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
          .untilAsserted(() -> {
            found[0] = snapshot().stream().filter(match).findFirst().orElse(null);
            assertThat(found[0]).as(what + " in " + snapshot()).isNotNull();
          });
      return found[0];
    }

    FsEvent await(FsEvent.Kind kind, String path) {
      return await(kind + " " + path, e -> e.kind() == kind && path.equals(e.path()));
    }

    int indexOf(FsEvent.Kind kind, String path) {
      List<FsEvent> s = snapshot();
      for (int i = 0; i < s.size(); i++) {
        if (s.get(i).kind() == kind && path.equals(s.get(i).path())) {
          return i;
        }
      }
      return -1;
    }
  }

  @BeforeEach
  void dirs() throws Exception {
    root = Files.createDirectory(tmp.toRealPath().resolve("root"));
    outside = Files.createDirectory(tmp.toRealPath().resolve("outside"));
  }

  @AfterEach
  void stop() {
    if (engine != null) {
      engine.close();
    }
    assertThat(events.failure).isNull();
  }

  private void watch(long selfPid) throws Exception {
    engine = new FanotifyEngine(
        new EngineConfig(root, selfPid, EngineConfig.DEFAULT_RENAME_PAIR_TIMEOUT));
    engine.start(events);
  }

  private void watch() throws Exception {
    watch(-1);
  }

  private long sh(String script) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", script).directory(root.toFile())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(script + ": " + out).isZero();
    return p.pid();
  }

  /** A write from a child marks the end of everything before it (the queue is FIFO). */
  private void sync() throws Exception {
    sh(": > .sync");
    events.await(CREATE, ".sync");
  }

  @Test
  void isAvailable_asRoot_true() {
    assertThat(FanotifyEngine.isAvailable(root)).isTrue();
  }

  @Test
  void write_fromChild_reportsEachKindInOrderWithChildPid() throws Exception {
    watch(ProcessHandle.current().pid());
    long pid = sh("echo x > f");
    FsEvent close = events.await(CLOSE_WRITE, "f");
    assertThat(close.pid()).isEqualTo((int) pid).isNotEqualTo(ProcessHandle.current().pid());
    assertThat(events.indexOf(CREATE, "f")).isLessThan(events.indexOf(MODIFY, "f"));
    assertThat(events.indexOf(MODIFY, "f")).isLessThan(events.indexOf(CLOSE_WRITE, "f"));
  }

  @Test
  void write_fromOwnProcess_notReported() throws Exception {
    watch(ProcessHandle.current().pid());
    Files.writeString(root.resolve("mine"), "x");
    Files.createDirectory(root.resolve("mydir"));
    Files.move(root.resolve("mydir"), root.resolve("mydir2"));
    sh("echo y > mydir2/theirs");
    events.await(CLOSE_WRITE, "mydir2/theirs"); // own rename still moved the cached path
    assertThat(events.snapshot()).allMatch(e -> e.path().startsWith("mydir2/theirs"));
  }

  @Test
  void mkdirP_filesAtOnce_everyEntryReported() throws Exception {
    watch();
    sh("mkdir -p a/b/c && echo 1 > a/b/c/f && echo 2 > a/b/g");
    events.await(CLOSE_WRITE, "a/b/c/f");
    events.await(CLOSE_WRITE, "a/b/g");
    assertThat(events.await(CREATE, "a/b/c").dir()).isTrue();
  }

  @Test
  void rename_fileAndDirectory_reportedWithBothPaths() throws Exception {
    watch();
    sh("mkdir -p d e && echo x > d/a && mv d/a e/b && mv e e2 && echo 1 > t && mv t e2/b");
    FsEvent file = events.await("RENAME d/a -> e/b", e -> e.kind() == RENAME && "e/b".equals(e.path()));
    assertThat(file.from()).isEqualTo("d/a");
    FsEvent dir = events.await("RENAME e -> e2", e -> e.kind() == RENAME && "e2".equals(e.path()));
    assertThat(dir.from()).isEqualTo("e");
    assertThat(dir.dir()).isTrue();
    events.await("over existing", e -> e.kind() == RENAME && "e2/b".equals(e.path()) && "t".equals(e.from()));
  }

  @Test
  void renamedDirectory_writeInside_reportsNewPathOnly() throws Exception {
    Files.createDirectories(root.resolve("a/b"));
    Files.writeString(root.resolve("a/b/f"), "x");
    watch();
    sh("mv a c && mv c/b c/z && echo y >> c/z/f");
    events.await(MODIFY, "c/z/f");
    sync();
    assertThat(events.snapshot()).noneMatch(e -> e.path() != null && e.path().startsWith("a/"));
  }

  @Test
  void moveIn_treeFromOutside_createOfTopAndEveryEntry() throws Exception {
    Files.createDirectories(outside.resolve("t/u"));
    Files.writeString(outside.resolve("t/u/f"), "x");
    watch();
    sh("mv " + outside.resolve("t") + " t");
    assertThat(events.await(CREATE, "t").dir()).isTrue();
    assertThat(events.await(CREATE, "t/u").dir()).isTrue();
    assertThat(events.await(CREATE, "t/u/f").dir()).isFalse();
  }

  @Test
  void moveOut_directory_renameWithNullPathThenSilence() throws Exception {
    Files.createDirectories(root.resolve("m"));
    watch();
    sh("mv m " + outside.resolve("m") + " && echo x > " + outside.resolve("m/f"));
    FsEvent out = events.await("RENAME m -> null", e -> e.kind() == RENAME && "m".equals(e.from()));
    assertThat(out.path()).isNull();
    sync();
    assertThat(events.snapshot()).noneMatch(e -> e.kind() == CREATE && e.path().contains("f"));
  }

  @Test
  void deleteTree_preexisting_everyEntryDeleted() throws Exception {
    Files.createDirectories(root.resolve("x/y"));
    Files.writeString(root.resolve("x/y/f"), "x");
    watch();
    sh("rm -rf x");
    events.await(DELETE, "x/y/f");
    events.await(DELETE, "x/y");
    assertThat(events.await(DELETE, "x").dir()).isTrue();
  }

  @Test
  void linkSymlinkChmod_reportedAsThemselves() throws Exception {
    Files.writeString(root.resolve("f"), "x");
    watch();
    sh("ln f hard && ln -s f soft && chmod 600 f");
    assertThat(events.await(CREATE, "hard").dir()).isFalse();
    assertThat(events.await(CREATE, "soft").dir()).isFalse();
    events.await(ATTRIB, "f");
  }
}
