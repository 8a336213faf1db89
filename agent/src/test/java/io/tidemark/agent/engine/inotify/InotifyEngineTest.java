package io.tidemark.agent.engine.inotify;

import static io.tidemark.agent.engine.FsEvent.Kind.ATTRIB;
import static io.tidemark.agent.engine.FsEvent.Kind.CLOSE_WRITE;
import static io.tidemark.agent.engine.FsEvent.Kind.CREATE;
import static io.tidemark.agent.engine.FsEvent.Kind.DELETE;
import static io.tidemark.agent.engine.FsEvent.Kind.MODIFY;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.engine.EngineConfig;
import io.tidemark.agent.engine.EventSink;
import io.tidemark.agent.engine.FsEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inotify engine against the real kernel and real files. */
class InotifyEngineTest {
  @TempDir Path tmp;
  Path root;
  Path outside;
  InotifyEngine engine;
  Recorder rec = new Recorder();
  /** Set by {@link #startHeldAt}: a failed test must not leave the reader held. */
  CountDownLatch heldRelease;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectory(tmp.resolve("root")).toRealPath();
    outside = Files.createDirectory(tmp.resolve("outside")).toRealPath();
  }

  @AfterEach
  void tearDown() {
    if (heldRelease != null) {
      heldRelease.countDown();
    }
    if (engine != null) {
      engine.close();
    }
  }

  void start() throws IOException {
    engine = new InotifyEngine(EngineConfig.forRoot(root));
    KernelQueue.startWithNormalQueue(() -> engine.start(rec));
  }

  static FsEvent ev(FsEvent.Kind kind, String path, boolean dir) {
    return FsEvent.of(kind, path, dir, 0);
  }

  static FsEvent file(FsEvent.Kind kind, String path) {
    return ev(kind, path, false);
  }

  static void sh(String script, Path cwd) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", script).directory(cwd.toFile()).inheritIO().start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("sh -c %s", script).isZero();
  }

  @Test
  void mkdirP_filesRacingTheWatcher_everyEntryCreated() throws Exception {
    start();
    sh("mkdir -p a/b/c && touch a/b/c/f a/b/g && mkdir a/b/c/d && echo x > a/b/c/d/h", root);
    rec.awaitEvent(ev(CREATE, "a", true));
    rec.awaitEvent(ev(CREATE, "a/b", true));
    rec.awaitEvent(ev(CREATE, "a/b/c", true));
    rec.awaitEvent(file(CREATE, "a/b/c/f"));
    rec.awaitEvent(file(CREATE, "a/b/g"));
    rec.awaitEvent(ev(CREATE, "a/b/c/d", true));
    rec.awaitEvent(file(CREATE, "a/b/c/d/h"));
    // and the new directories are watched: a later write is seen
    Files.writeString(root.resolve("a/b/c/d/h"), "y");
    rec.awaitEvent(file(CLOSE_WRITE, "a/b/c/d/h"));
  }
  @RepeatedTest(5)
  void mkdirP_ancestorRenamedBeforeTheWatch_newTreeStillReportedAndWatched() throws Exception {
    Files.createDirectory(root.resolve("d"));
    start();
    sh("mkdir -p d/new/x/y && : > d/new/x/y/f && mv d e", root);
    rec.awaitEvent(FsEvent.rename("d", "e", true, 0));
    rec.await("CREATE of f under d/ or e/ in" + rec.dump(), l -> l.stream().anyMatch(
        e -> e.kind() == CREATE && e.path().endsWith("new/x/y/f")));
    Files.writeString(root.resolve("e/new/x/y/f"), "more");
    rec.awaitEvent(file(CLOSE_WRITE, "e/new/x/y/f"));
  }

  @Test
  void fileLifecycle_createWriteChmodDelete_eachKindReported() throws Exception {
    start();
    Path f = root.resolve("f.txt");
    Files.writeString(f, "hello");
    rec.awaitEvent(file(CREATE, "f.txt"));
    rec.awaitEvent(file(MODIFY, "f.txt"));
    rec.awaitEvent(file(CLOSE_WRITE, "f.txt"));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    rec.awaitEvent(file(ATTRIB, "f.txt"));
    Files.delete(f);
    rec.awaitEvent(file(DELETE, "f.txt"));
    Files.createDirectory(root.resolve("d"));
    rec.awaitEvent(ev(CREATE, "d", true));
    Files.delete(root.resolve("d"));
    rec.awaitEvent(ev(DELETE, "d", true));
    assertThat(rec.events()).allMatch(e -> e.pid() == 0);
  }

  @Test
  void start_preexistingTree_reportsNothingButWatchesAll() throws Exception {
    Files.createDirectories(root.resolve("x/y/z"));
    Files.writeString(root.resolve("x/y/z/old"), "1");
    start();
    Files.writeString(root.resolve("x/y/z/old"), "2");
    rec.awaitEvent(file(CLOSE_WRITE, "x/y/z/old"));
    assertThat(rec.events()).noneMatch(e -> e.kind() == CREATE);
  }

  @Test
  void start_deepTree_crawlsIterativelyAndWatchesTheBottom() throws Exception {
    Path d = root;
    StringBuilder rel = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      d = Files.createDirectory(d.resolve("d"));
      rel.append(i == 0 ? "d" : "/d");
    }
    start();
    Files.writeString(d.resolve("leaf"), "x");
    rec.awaitEvent(file(CREATE, rel + "/leaf"));
  }

  @Test
  void rename_fileWithinAndAcrossDirsAndOverExisting_pairedRenames() throws Exception {
    Files.createDirectories(root.resolve("p"));
    Files.createDirectories(root.resolve("q"));
    Files.writeString(root.resolve("p/a"), "a");
    Files.writeString(root.resolve("q/target"), "old");
    start();
    sh("mv p/a p/b && mv p/b q/c && mv q/c q/target", root);
    rec.awaitEvent(FsEvent.rename("p/a", "p/b", false, 0));
    rec.awaitEvent(FsEvent.rename("p/b", "q/c", false, 0));
    rec.awaitEvent(FsEvent.rename("q/c", "q/target", false, 0));
    assertThat(rec.events()).noneMatch(e -> e.kind() == CREATE || e.kind() == DELETE);
  }

  @Test
  void rename_directory_laterWritesUseTheNewPath() throws Exception {
    Files.createDirectories(root.resolve("old/sub/deeper"));
    Files.createDirectories(root.resolve("other"));
    start();
    sh("mv old other/new", root);
    rec.awaitEvent(FsEvent.rename("old", "other/new", true, 0));
    Files.writeString(root.resolve("other/new/sub/deeper/f"), "x");
    Files.writeString(root.resolve("other/new/g"), "x");
    rec.awaitEvent(file(CLOSE_WRITE, "other/new/sub/deeper/f"));
    rec.awaitEvent(file(CLOSE_WRITE, "other/new/g"));
    assertThat(rec.events()).noneMatch(e -> e.path() != null && e.path().startsWith("old"));
  }

  @Test
  void rename_directoryOverEmptyDirectory_watchesFollowTheMovedOne() throws Exception {
    Files.createDirectories(root.resolve("src/in"));
    Files.createDirectories(root.resolve("dst"));
    start();
    sh("mv -T src dst", root);
    rec.awaitEvent(FsEvent.rename("src", "dst", true, 0));
    Files.writeString(root.resolve("dst/in/f"), "x");
    rec.awaitEvent(file(CREATE, "dst/in/f"));
  }

  @Test
  void moveIn_directoryWithContents_createForEveryEntry() throws Exception {
    Files.createDirectories(outside.resolve("tree/a/b"));
    Files.writeString(outside.resolve("tree/a/b/f"), "x");
    Files.writeString(outside.resolve("tree/top"), "x");
    Files.writeString(outside.resolve("single"), "x");
    start();
    sh("mv " + outside.resolve("tree") + " . && mv " + outside.resolve("single") + " .", root);
    rec.awaitEvent(ev(CREATE, "tree", true));
    rec.awaitEvent(ev(CREATE, "tree/a", true));
    rec.awaitEvent(ev(CREATE, "tree/a/b", true));
    rec.awaitEvent(file(CREATE, "tree/a/b/f"));
    rec.awaitEvent(file(CREATE, "tree/top"));
    rec.awaitEvent(file(CREATE, "single"));
    Files.writeString(root.resolve("tree/a/b/g"), "x");
    rec.awaitEvent(file(CREATE, "tree/a/b/g"));
  }

  @Test
  void moveOut_directory_renameWithNullPathAndNoLaterEvents() throws Exception {
    Files.createDirectories(root.resolve("gone/sub"));
    Files.writeString(root.resolve("file"), "x");
    start();
    sh("mv gone file " + outside, root);
    rec.awaitEvent(new FsEvent(FsEvent.Kind.RENAME, null, "gone", true, 0));
    rec.awaitEvent(new FsEvent(FsEvent.Kind.RENAME, null, "file", false, 0));
    Files.writeString(outside.resolve("gone/sub/f"), "x");
    Files.writeString(root.resolve("marker"), "x");
    rec.awaitEvent(file(CLOSE_WRITE, "marker"));
    assertThat(rec.events()).noneMatch(e -> e.path() != null && e.path().contains("sub/f"));
  }

  @Test
  void moveOut_thenSameNameCreated_renameComesFirst() throws Exception {
    Files.writeString(root.resolve("n"), "x");
    start();
    sh("mv n " + outside + " && echo y > n", root);
    rec.awaitEvent(file(CREATE, "n"));
    rec.awaitEvent(new FsEvent(FsEvent.Kind.RENAME, null, "n", false, 0));
    var events = rec.events();
    assertThat(events.indexOf(new FsEvent(FsEvent.Kind.RENAME, null, "n", false, 0)))
        .isLessThan(events.indexOf(file(CREATE, "n")));
  }

  /**
   * Starts the engine with a sink that holds the reader thread once it delivers the CREATE of
   * {@code hold}: what the test does until {@code release} counts down waits in the kernel queue,
   * and the engine reads it all at once, after the fact (as under heavy load).
   */
  void startHeldAt(String hold, CountDownLatch release) throws Exception {
    heldRelease = release;
    CountDownLatch held = new CountDownLatch(1);
    EventSink gate = new EventSink() {
      @Override
      public void onEvents(List<FsEvent> batch) {
        rec.onEvents(batch);
        if (batch.contains(file(CREATE, hold))) {
          held.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }

      @Override
      public void onFailure(Throwable cause) {
        rec.onFailure(cause);
      }
    };
    engine = new InotifyEngine(EngineConfig.forRoot(root));
    KernelQueue.startWithNormalQueue(() -> engine.start(gate));
    Files.writeString(root.resolve(hold), "");
    assertThat(held.await(10, TimeUnit.SECONDS)).as("reader held").isTrue();
  }

  @Test
  void movedIntoNewDir_eventsQueuedBeforeTheMove_keepTheOldPath() throws Exception {
    Files.createDirectories(root.resolve("a/x"));
    Files.writeString(root.resolve("a/x/f"), "x");
    CountDownLatch release = new CountDownLatch(1);
    startHeldAt("hold", release);
    // The listing of t (read later) finds x, already watched as a/x, whose events are queued
    // behind t's CREATE; the MOVED_TO is lost (t had no watch yet).
    sh("mkdir t && rm a/x/f && mv a/x t/x", root);
    release.countDown();
    rec.awaitEvent(FsEvent.rename("a/x", "t/x", true, 0));
    List<FsEvent> events = rec.events();
    assertThat(events).as(rec.dump()).contains(file(DELETE, "a/x/f"))
        .noneMatch(e -> "t/x/f".equals(e.path()));
    assertThat(events.indexOf(file(DELETE, "a/x/f")))
        .isLessThan(events.indexOf(FsEvent.rename("a/x", "t/x", true, 0)));
    Files.writeString(root.resolve("t/x/g"), "x");
    rec.awaitEvent(file(CLOSE_WRITE, "t/x/g"));
  }

  @Test
  void movedTwiceIntoNewDir_pairedFirstRenameThenUnpairedSecond_bothReported() throws Exception {
    Files.createDirectories(root.resolve("a/x"));
    Files.writeString(root.resolve("a/x/f"), "x");
    CountDownLatch release = new CountDownLatch(1);
    startHeldAt("hold", release);
    sh("mkdir t && rm a/x/f && mv a/x y && echo z > y/h && mv y t/x", root);
    release.countDown();
    rec.awaitEvent(FsEvent.rename("y", "t/x", true, 0));
    List<FsEvent> events = rec.events();
    assertThat(events).as(rec.dump())
        .containsSubsequence(file(DELETE, "a/x/f"), FsEvent.rename("a/x", "y", true, 0),
            file(CLOSE_WRITE, "y/h"), FsEvent.rename("y", "t/x", true, 0))
        .noneMatch(e -> e.path() != null && e.path().startsWith("t/x/"));
    Files.writeString(root.resolve("t/x/g"), "x");
    rec.awaitEvent(file(CLOSE_WRITE, "t/x/g"));
    Files.writeString(root.resolve("t/x/h"), "more");
    rec.awaitEvent(file(CLOSE_WRITE, "t/x/h"));
  }

  @Test
  void delete_wholeTree_deleteForEveryEntry() throws Exception {
    Files.createDirectories(root.resolve("t/u/v"));
    Files.writeString(root.resolve("t/u/v/f"), "x");
    Files.writeString(root.resolve("t/g"), "x");
    start();
    sh("rm -rf t", root);
    rec.awaitEvent(file(DELETE, "t/u/v/f"));
    rec.awaitEvent(ev(DELETE, "t/u/v", true));
    rec.awaitEvent(ev(DELETE, "t/u", true));
    rec.awaitEvent(file(DELETE, "t/g"));
    rec.awaitEvent(ev(DELETE, "t", true));
    // the directory can come back and is watched again
    sh("mkdir -p t/u && touch t/u/new", root);
    rec.awaitEvent(file(CREATE, "t/u/new"));
  }

  @Test
  void hardLink_createOfTheNewName() throws Exception {
    Files.writeString(root.resolve("orig"), "x");
    start();
    Files.createLink(root.resolve("alias"), root.resolve("orig"));
    rec.awaitEvent(file(CREATE, "alias"));
    // inotify reports the link-count ATTRIB only to a watch on the file itself, which this
    // engine never sets (one watch per directory): only the new name is reported.
    Files.writeString(root.resolve("alias"), "y");
    rec.awaitEvent(file(CLOSE_WRITE, "alias"));
  }

  @Test
  void symlink_reportedAsItselfNeverFollowed() throws Exception {
    Files.createDirectories(outside.resolve("target"));
    start();
    Files.createSymbolicLink(root.resolve("link"), outside.resolve("target"));
    rec.awaitEvent(file(CREATE, "link"));
    Files.writeString(outside.resolve("target/f"), "x");
    Files.writeString(root.resolve("marker"), "x");
    rec.awaitEvent(file(CLOSE_WRITE, "marker"));
    assertThat(rec.events()).noneMatch(e -> e.path().startsWith("link/"));
  }

  @Test
  void close_idempotentAndStopsTheReader() throws Exception {
    start();
    engine.close();
    engine.close();
    assertThat(engine.readerAlive()).isFalse();
    Files.writeString(root.resolve("after"), "x");
    assertThat(rec.failure.get()).isNull();
  }

  @Test
  void rootDeleted_failureSaysWhatToDo() throws Exception {
    start();
    sh("rm -rf " + root, tmp);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> rec.failure.get() != null);
    assertThat(rec.failure.get()).hasMessageContaining("watch root").hasMessageContaining("restart");
  }
}
