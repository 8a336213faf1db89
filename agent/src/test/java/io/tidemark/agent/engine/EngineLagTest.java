package io.tidemark.agent.engine;

import static io.tidemark.agent.engine.FsEvent.Kind.CREATE;
import static io.tidemark.agent.engine.FsEvent.Kind.MODIFY;
import static io.tidemark.agent.engine.FsEvent.Kind.OVERFLOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine reads its queue late: the reader is held while a child process changes the tree,
 * so every listing and every handle lookup sees the tree as it is after all of it, while the
 * queued events describe how it got there. Replaying what the engine reports over the tree it
 * started with must still give the tree on disk, and name only paths that existed.
 *
 * <p>Each scenario is the shape of a race the random model test ({@link EngineModelTest}, whose
 * stalled variant holds the reader for a whole workload) found. The inotify ones are shapes
 * only: the exact failures there needed longer chains; the stalled model seeds reproduce them.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(value = EngineKind.class, names = {"FANOTIFY", "INOTIFY"})
@Timeout(60)
class EngineLagTest {
  private static final long OTHER_PID = 1;

  @Parameter EngineKind kind;
  @TempDir Path tmp;

  private Path root;
  private final EventRecorder events = new EventRecorder();
  private final HeldReader reader = new HeldReader(events);
  private WatchEngine engine;
  private TreeModel before;
  /** Every path that existed under the root, as the scripts say (checked against the disk too). */
  private final TreeSet<String> existed = new TreeSet<>();

  @BeforeEach
  void makeRootAndSibling() throws IOException {
    Path base = tmp.toRealPath();
    root = Files.createDirectory(base.resolve("root"));
    Files.createDirectory(base.resolve("outside"));
  }

  @AfterEach
  void stopEngine() {
    reader.release();
    if (engine != null) {
      engine.close();
    }
    assertThat(events.failure()).as("engine failure").isNull();
  }

  /** Starts watching what is there now, then holds the reader in its next delivery. */
  private void watchThenHold() throws Exception {
    before = TreeModel.scan(root);
    existed.addAll(before.entries().keySet());
    engine =
        EngineFactory.create(
            kind, new EngineConfig(root, OTHER_PID, EngineConfig.DEFAULT_RENAME_PAIR_TIMEOUT));
    InotifyQueueLimit.startSane(kind, engine, reader);
    reader.holdNext();
    Shell.run(root, ": > hold");
    events.await(CREATE, "hold");
    existed.add("hold");
  }

  /** Runs {@code script} in the root while the reader is held; {@code paths} it creates on the way. */
  private void whileHeld(String script, String... paths) throws Exception {
    Shell.run(root, script);
    existed.addAll(List.of(paths));
    existed.addAll(TreeModel.scan(root).entries().keySet());
  }

  /** Releases the reader and checks the replay against the disk. */
  private void releaseAndCheck() throws Exception {
    reader.release();
    Shell.run(root, ": > done");
    existed.add("done");
    events.await(CREATE, "done");
    events.awaitQuiet(EngineConfig.DEFAULT_RENAME_PAIR_TIMEOUT.multipliedBy(10));
    List<FsEvent> all = events.events();
    assertThat(all).noneMatch(e -> e.kind() == OVERFLOW);
    TreeModel model = before;
    List<String> strangers = new ArrayList<>();
    for (FsEvent e : all) {
      model.apply(e);
      for (String p : new String[] {e.path(), e.from()}) {
        if (p != null && !existed.contains(p)) {
          strangers.add(e.toString());
        }
      }
    }
    Map<String, Boolean> disk = TreeModel.scan(root).entries();
    assertThat(model.entries()).as("replayed events vs disk; events:%s", events.dump()).isEqualTo(disk);
    assertThat(strangers).as("events naming paths that never existed").isEmpty();
  }

  @Test
  void movedInTree_subdirMovedIntoAnotherMovedInTree_replayMatchesDisk() throws Exception {
    // EngineModelTest[FANOTIFY] seed 5: the listing of g/j/a/c no longer has j (already moved),
    // the listing of g/j/f/e/i already has it as i/i; then comes the rename j -> i/i.
    Files.createDirectories(root.resolve("g/j/a"));
    Files.createDirectories(root.resolve("g/j/f/e"));
    watchThenHold();
    whileHeld(
        "mkdir -p ../outside/in1/j/e ../outside/in1/g && echo x > ../outside/in1/j/e/xg"
            + " && echo y > ../outside/in1/xi && echo z > ../outside/in1/g/xc"
            + " && mv ../outside/in1 g/j/a/c"
            + " && mkdir -p ../outside/in2/i ../outside/in2/f && echo w > ../outside/in2/f/xa"
            + " && mv ../outside/in2 g/j/f/e/i"
            + " && mv -T g/j/a/c/j g/j/f/e/i/i", // replaces the empty i/i, as rename(2) does
        "g/j/a/c/j", "g/j/a/c/j/e", "g/j/a/c/j/e/xg", "g/j/f/e/i/i");
    releaseAndCheck();
    assertThat(root.resolve("g/j/f/e/i/i/e/xg")).exists();
  }

  @Test
  void newDirectory_replacedByAnotherBeforeRead_replayMatchesDisk() throws Exception {
    // Shape of EngineModelTest[INOTIFY] stalled seed 2: the path of a new directory holds
    // another one by the time the engine gets to it.
    Files.createDirectories(root.resolve("i/deep"));
    Files.writeString(root.resolve("i/deep/x"), "x");
    watchThenHold();
    whileHeld(
        "mkdir g && : > g/f && mkdir g/sub && mv g ../outside/g1 && mv i g && : > g/deep/y",
        "g", "g/f", "g/sub", "g/deep/y");
    releaseAndCheck();
  }

  @Test
  void movedInTree_renamedInsideThenPartMovedOut_replayMatchesDisk() throws Exception {
    watchThenHold();
    whileHeld(
        "mkdir -p ../outside/m/s/u/v && : > ../outside/m/s/u/v/f && : > ../outside/m/s/g"
            + " && mv ../outside/m m && mv m/s m/t && mv m/t/u z && : > z/v/h && mv m/t/g m/g2",
        "m", "m/s", "m/s/u", "m/s/u/v", "m/s/u/v/f", "m/s/g", "m/t", "m/t/u", "m/t/u/v",
        "m/t/u/v/f", "m/t/g");
    releaseAndCheck();
  }

  @Test
  void knownDirectory_movedUnderATreeMovedInEarlier_replayMatchesDisk() throws Exception {
    // EngineModelTest[FANOTIFY] seed 39: the listing of a/x already shows b inside it, while the
    // events still place b at the root; b's own events must not jump ahead with it.
    Files.createDirectories(root.resolve("a"));
    Files.createDirectories(root.resolve("b/c"));
    Files.writeString(root.resolve("b/c/f"), "x");
    watchThenHold();
    whileHeld(
        "mkdir ../outside/in && mv ../outside/in a/x && : > b/c/g && rm b/c/f && mv b a/x/b"
            + " && : > a/x/b/c/h",
        "b/c/g", "a/x/b", "a/x/b/c", "a/x/b/c/f", "a/x/b/c/g");
    releaseAndCheck();
  }

  @Test
  void movedInTree_movedOutAgainBeforeRead_leavesNothingBehind() throws Exception {
    watchThenHold();
    whileHeld(
        "mkdir -p ../outside/in/d && : > ../outside/in/d/f && mv ../outside/in t"
            + " && : > t/d/g && mv t ../outside/gone && mkdir t && : > t/new",
        "t/d", "t/d/f", "t/d/g");
    releaseAndCheck();
  }

  @Test
  void knownDirectory_movedIntoANewDirectory_replayMatchesDisk() throws Exception {
    // Shape of EngineModelTest[INOTIFY] stalled seeds 7 and 39: the listing of the new g finds
    // c/x (watched, the events still place it at c/x) as g/i; the move has no MOVED_TO, g was
    // not watched yet.
    Files.createDirectories(root.resolve("c/x/deep"));
    Files.writeString(root.resolve("c/x/deep/f"), "x");
    watchThenHold();
    whileHeld("mkdir g && mv c/x g/i && : > g/i/deep/h", "g/i", "g/i/deep", "g/i/deep/f");
    releaseAndCheck();
    Shell.run(root, "echo y >> g/i/deep/f");
    events.await("MODIFY g/i/deep/f", e -> e.kind() == MODIFY && "g/i/deep/f".equals(e.path()));
  }

  @Test
  void directory_deletedAndMadeAgainBeforeRead_replayMatchesDisk() throws Exception {
    // Shape of EngineModelTest[INOTIFY] stalled seed 4: a watch taken by path for the first c/j
    // lands on the last one; after the deletes, the listing of the new c must still report what
    // it holds.
    Files.createDirectories(root.resolve("c"));
    watchThenHold();
    whileHeld("mkdir c/j && rm -r c && mkdir -p c/j && : > c/j/f", "c/j");
    releaseAndCheck();
  }

  @Test
  void heldThenReleased_laterWritesInMovedInTreeStillReported() throws Exception {
    watchThenHold();
    whileHeld(
        "mkdir -p ../outside/in/d && mv ../outside/in t && mv t/d t/e",
        "t/d");
    releaseAndCheck();
    Shell.run(root, "echo more >> t/e/new || true; echo x > t/e/new2");
    events.await(CREATE, "t/e/new2");
    Shell.run(root, "echo y >> t/e/new2");
    events.await("MODIFY t/e/new2", e -> e.kind() == MODIFY && "t/e/new2".equals(e.path()));
  }
}
