package io.tidemark.agent.engine;

import static io.tidemark.agent.engine.FsEvent.Kind.ATTRIB;
import static io.tidemark.agent.engine.FsEvent.Kind.CLOSE_WRITE;
import static io.tidemark.agent.engine.FsEvent.Kind.CREATE;
import static io.tidemark.agent.engine.FsEvent.Kind.DELETE;
import static io.tidemark.agent.engine.FsEvent.Kind.MODIFY;
import static io.tidemark.agent.engine.FsEvent.Kind.OVERFLOW;
import static io.tidemark.agent.engine.FsEvent.Kind.RENAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every engine must report, run once per engine against real files. Changes are made by
 * child processes ({@code sh -c}) or with a config whose selfPid is not the test JVM's, because
 * fanotify rightly drops the writes of its own process.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(value = EngineKind.class, names = {"FANOTIFY", "INOTIFY"})
@Timeout(60)
class EngineBehaviourTest {
  /** Not the test JVM: with it as selfPid, fanotify reports the JVM's own writes. */
  private static final long OTHER_PID = 1;

  @Parameter EngineKind kind;
  @TempDir Path tmp;

  private Path root;
  private Path outside;
  private final EventRecorder events = new EventRecorder();
  private WatchEngine engine;

  @BeforeEach
  void makeRootAndSibling() throws IOException {
    Path base = tmp.toRealPath();
    root = Files.createDirectory(base.resolve("root"));
    outside = Files.createDirectory(base.resolve("outside"));
  }

  @AfterEach
  void stopEngine() {
    if (engine != null) {
      engine.close();
    }
    assertThat(events.failure()).as("engine failure").isNull();
    assertThat(events.events())
        .as("overflow in a small test (fs.inotify.max_queued_events is now %s)", InotifyQueueLimit.current())
        .noneMatch(e -> e.kind() == OVERFLOW);
  }

  private void watch() throws IOException {
    watch(OTHER_PID);
  }

  private void watch(long selfPid) throws IOException {
    engine =
        EngineFactory.create(
            kind, new EngineConfig(root, selfPid, EngineConfig.DEFAULT_RENAME_PAIR_TIMEOUT));
    InotifyQueueLimit.startSane(kind, engine, events);
  }

  private Shell.Result sh(String script) throws IOException, InterruptedException {
    return Shell.run(root, script);
  }

  /** Writes a marker from a child and waits for it: everything caused before it has arrived. */
  private void sync(String marker) throws IOException, InterruptedException {
    sh(": > " + marker);
    events.await(CREATE, marker);
  }

  private int indexOf(FsEvent.Kind kind, String path) {
    List<FsEvent> all = events.events();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).kind() == kind && path.equals(all.get(i).path())) {
        return i;
      }
    }
    return -1;
  }

  private void mkfile(String rel, String content) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  // ---- each kind -------------------------------------------------------------------------

  @Test
  void create_fileWrittenByChild_reportsCreateThenCloseWrite() throws Exception {
    watch();
    sh("echo hello > a.txt");
    FsEvent create = events.await(CREATE, "a.txt");
    events.await(CLOSE_WRITE, "a.txt");
    assertThat(create.dir()).isFalse();
    assertThat(create.from()).isNull();
    assertThat(indexOf(CREATE, "a.txt")).isLessThan(indexOf(CLOSE_WRITE, "a.txt"));
  }

  @Test
  void create_directory_reportsCreateWithDirFlag() throws Exception {
    watch();
    sh("mkdir d");
    assertThat(events.await(CREATE, "d").dir()).isTrue();
  }

  @Test
  void modify_appendToExistingFile_reportsModifyThenCloseWrite() throws Exception {
    mkfile("f", "one\n");
    watch();
    sh("echo two >> f");
    events.await(MODIFY, "f");
    events.await(CLOSE_WRITE, "f");
    assertThat(indexOf(MODIFY, "f")).isLessThan(indexOf(CLOSE_WRITE, "f"));
    assertThat(events.find(e -> e.kind() == CREATE && "f".equals(e.path()))).isEmpty();
  }

  @Test
  void delete_file_reportsDelete() throws Exception {
    mkfile("f", "x");
    watch();
    sh("rm f");
    assertThat(events.await(DELETE, "f").dir()).isFalse();
  }

  @Test
  void delete_emptyDirectory_reportsDeleteWithDirFlag() throws Exception {
    Files.createDirectory(root.resolve("d"));
    watch();
    sh("rmdir d");
    assertThat(events.await(DELETE, "d").dir()).isTrue();
  }

  @Test
  void attrib_chmodFile_reportsAttrib() throws Exception {
    mkfile("f", "x");
    watch();
    sh("chmod 600 f");
    assertThat(events.await(ATTRIB, "f").dir()).isFalse();
  }

  @Test
  void attrib_chmodDirectory_reportsAttribWithDirFlag() throws Exception {
    Files.createDirectories(root.resolve("d/e"));
    watch();
    sh("chmod 700 d/e");
    assertThat(events.await(ATTRIB, "d/e").dir()).isTrue();
  }

  @Test
  void attrib_touchExistingFile_reportsAttrib() throws Exception {
    mkfile("d/f", "x");
    watch();
    sh("touch -d 2001-01-01 d/f");
    events.await(ATTRIB, "d/f");
  }

  // ---- nested trees ----------------------------------------------------------------------

  @Test
  void create_deepInPreexistingTree_reportsFullRelativePath() throws Exception {
    Files.createDirectories(root.resolve("a/b/c/d/e"));
    watch();
    sh("echo x > a/b/c/d/e/deep.txt");
    events.await(CREATE, "a/b/c/d/e/deep.txt");
    events.await(CLOSE_WRITE, "a/b/c/d/e/deep.txt");
  }

  @Test
  void mkdirP_filesCreatedAtOnce_reportsEveryEntry() throws Exception {
    watch();
    sh("mkdir -p a/b/c && : > a/b/c/f1 && : > a/b/f2 && : > a/f3 && mkdir a/b/c/d"
        + " && echo x > a/b/c/d/f4");
    for (String dir : List.of("a", "a/b", "a/b/c", "a/b/c/d")) {
      assertThat(events.await(CREATE, dir).dir()).as(dir).isTrue();
    }
    for (String file : List.of("a/b/c/f1", "a/b/f2", "a/f3", "a/b/c/d/f4")) {
      assertThat(events.await(CREATE, file).dir()).as(file).isFalse();
    }
    // the new directories are watched from now on
    sh("echo y >> a/b/c/d/f4");
    events.await(
        "second MODIFY a/b/c/d/f4",
        e -> e.kind() == MODIFY && "a/b/c/d/f4".equals(e.path()) && indexOf(CREATE, "a/b/c/d/f4") >= 0);
  }

  @Test
  void mkdirP_ancestorRenamedRightAfter_newTreeStillReportedAndWatched() throws Exception {
    Files.createDirectories(root.resolve("d"));
    watch();
    sh("mkdir -p d/new/x/y && : > d/new/x/y/f && mv d e");
    FsEvent rename = events.await("RENAME d -> e", e -> e.kind() == RENAME && "e".equals(e.path()));
    assertThat(rename.from()).isEqualTo("d");
    for (String rel : List.of("new", "new/x", "new/x/y", "new/x/y/f")) {
      events.await(
          "CREATE of " + rel + " under d/ or e/",
          e -> e.kind() == CREATE && (("d/" + rel).equals(e.path()) || ("e/" + rel).equals(e.path())));
    }
    sh("echo more >> e/new/x/y/f && : > e/new/x/y/g");
    events.await(MODIFY, "e/new/x/y/f");
    events.await(CREATE, "e/new/x/y/g");
  }

  // ---- renames ---------------------------------------------------------------------------

  @Test
  void rename_fileWithinDirectory_reportsOneRenameWithBothPaths() throws Exception {
    mkfile("d/a", "x");
    watch();
    sh("mv d/a d/b");
    FsEvent rename = events.await("RENAME d/a -> d/b", e -> e.kind() == RENAME && "d/b".equals(e.path()));
    assertThat(rename.from()).isEqualTo("d/a");
    assertThat(rename.dir()).isFalse();
    sync("marker");
    assertThat(events.events())
        .as("a paired rename is not also a delete + create")
        .noneMatch(e -> e.kind() == DELETE && "d/a".equals(e.path()))
        .noneMatch(e -> e.kind() == CREATE && "d/b".equals(e.path()));
  }

  @Test
  void rename_fileAcrossDirectories_reportsRename() throws Exception {
    mkfile("d1/a", "x");
    Files.createDirectories(root.resolve("d2/deeper"));
    watch();
    sh("mv d1/a d2/deeper/b");
    FsEvent rename = events.await("RENAME to d2/deeper/b", e -> e.kind() == RENAME && "d2/deeper/b".equals(e.path()));
    assertThat(rename.from()).isEqualTo("d1/a");
  }

  @Test
  void rename_fileOverExistingFile_reportsRenameToTarget() throws Exception {
    mkfile("a", "new");
    mkfile("sub/b", "old");
    watch();
    sh("mv -f a sub/b");
    FsEvent rename = events.await("RENAME a -> sub/b", e -> e.kind() == RENAME && "sub/b".equals(e.path()));
    assertThat(rename.from()).isEqualTo("a");
    sync("marker");
    assertThat(events.events()).noneMatch(e -> e.kind() == DELETE && "a".equals(e.path()));
  }

  @Test
  void rename_directoryAcrossDirectories_reportsRenameWithDirFlag() throws Exception {
    mkfile("d1/sub/f", "x");
    Files.createDirectories(root.resolve("d2"));
    watch();
    sh("mv d1/sub d2/moved");
    FsEvent rename = events.await("RENAME to d2/moved", e -> e.kind() == RENAME && "d2/moved".equals(e.path()));
    assertThat(rename.from()).isEqualTo("d1/sub");
    assertThat(rename.dir()).isTrue();
  }

  @Test
  void rename_directoryOverEmptyDirectory_reportsRename() throws Exception {
    mkfile("a/f", "x");
    Files.createDirectories(root.resolve("b"));
    watch();
    sh("mv -T a b");
    FsEvent rename = events.await("RENAME a -> b", e -> e.kind() == RENAME && "b".equals(e.path()));
    assertThat(rename.from()).isEqualTo("a");
    assertThat(rename.dir()).isTrue();
    sh("echo y >> b/f");
    events.await(MODIFY, "b/f");
  }

  @Test
  void write_insideRenamedDirectory_reportsNewPath() throws Exception {
    mkfile("d/sub/f", "x");
    watch();
    sh("mv d e && echo y >> e/sub/f && : > e/sub/g");
    events.await(MODIFY, "e/sub/f");
    events.await(CREATE, "e/sub/g");
    assertThat(events.events())
        .as("nothing under the old name after the rename")
        .noneMatch(e -> e.path() != null && e.path().startsWith("d/"));
  }

  @Test
  void write_insideDirectoryRenamedTwice_reportsLatestPath() throws Exception {
    mkfile("a/b/f", "x");
    watch();
    sh("mv a c && mv c/b c/z && mv c q && echo y >> q/z/f");
    events.await(MODIFY, "q/z/f");
  }

  // ---- moves across the root boundary ----------------------------------------------------

  @Test
  void moveIn_treeFromOutside_reportsCreateOfTopAndEveryEntry() throws Exception {
    Files.createDirectories(outside.resolve("t/y/w"));
    Files.writeString(outside.resolve("t/x"), "x");
    Files.writeString(outside.resolve("t/y/z"), "z");
    watch();
    sh("mv ../outside/t t");
    assertThat(events.await(CREATE, "t").dir()).isTrue();
    assertThat(events.await(CREATE, "t/y").dir()).isTrue();
    assertThat(events.await(CREATE, "t/y/w").dir()).isTrue();
    assertThat(events.await(CREATE, "t/x").dir()).isFalse();
    assertThat(events.await(CREATE, "t/y/z").dir()).isFalse();
    assertThat(indexOf(CREATE, "t")).isLessThan(indexOf(CREATE, "t/y/z"));
    // and the moved-in tree is watched
    sh("echo more >> t/y/z && : > t/y/w/new");
    events.await(MODIFY, "t/y/z");
    events.await(CREATE, "t/y/w/new");
  }

  @Test
  void moveIn_fileFromOutside_reportsCreate() throws Exception {
    Files.writeString(outside.resolve("f"), "x");
    watch();
    sh("mv ../outside/f inside");
    assertThat(events.await(CREATE, "inside").dir()).isFalse();
  }

  @Test
  void moveOut_directory_reportsRenameWithNullPathAndStopsReportingIt() throws Exception {
    mkfile("d/f", "x");
    watch();
    sh("mv d ../outside/d");
    FsEvent out = events.await("RENAME d -> (outside)", e -> e.kind() == RENAME && "d".equals(e.from()));
    assertThat(out.path()).isNull();
    assertThat(out.dir()).isTrue();
    sh("echo y >> ../outside/d/f && : > ../outside/d/g");
    sync("marker");
    assertThat(events.events())
        .as("writes in a tree moved out are not reported")
        .noneMatch(e -> e.kind() != RENAME && e.path() != null && e.path().startsWith("d/"));
  }

  @Test
  void moveOut_file_reportsRenameWithNullPath() throws Exception {
    mkfile("sub/f", "x");
    watch();
    sh("mv sub/f ../outside/f");
    FsEvent out = events.await("RENAME sub/f -> (outside)", e -> e.kind() == RENAME && "sub/f".equals(e.from()));
    assertThat(out.path()).isNull();
    assertThat(out.dir()).isFalse();
  }

  @Test
  void outside_writesInSiblingDirectory_notReported() throws Exception {
    watch();
    sh("echo x > ../outside/f && mkdir ../outside/d && : > ../outside/d/g");
    sync("marker");
    assertThat(events.events()).allMatch(e -> "marker".equals(e.path()), "only the marker");
  }

  // ---- tree deletes ----------------------------------------------------------------------

  @Test
  void deleteTree_rmRf_reportsDeleteOfEveryEntry() throws Exception {
    List<String> files = List.of("t/a", "t/b/c", "t/b/d/e", "t/b/d/f");
    for (String f : files) {
      mkfile(f, "x");
    }
    watch();
    sh("rm -rf t");
    assertThat(events.await(DELETE, "t").dir()).isTrue();
    for (String f : files) {
      assertThat(events.await(DELETE, f).dir()).as(f).isFalse();
    }
    for (String d : List.of("t/b", "t/b/d")) {
      assertThat(events.await(DELETE, d).dir()).as(d).isTrue();
    }
    assertThat(indexOf(DELETE, "t/b/d/e")).isLessThan(indexOf(DELETE, "t"));
  }

  @Test
  void deleteTree_createdAndDeletedWhileWatched_onlyRealPaths() throws Exception {
    watch();
    sh("mkdir -p x/y/z && : > x/y/z/f && : > x/g && rm -rf x && : > done");
    events.await(CREATE, "done");
    List<String> real = List.of("x", "x/y", "x/y/z", "x/y/z/f", "x/g", "done");
    assertThat(events.events()).allSatisfy(e -> assertThat(real).contains(e.path()));
    events.await(DELETE, "x");
  }

  // ---- links -----------------------------------------------------------------------------

  @Test
  void hardLink_newName_reportsCreateAndWritesThroughIt() throws Exception {
    mkfile("d/a", "x");
    watch();
    sh("ln d/a b");
    assertThat(events.await(CREATE, "b").dir()).isFalse();
    sh("echo y >> b");
    events.await(MODIFY, "b");
  }

  @Test
  void hardLink_newNameAndItsRemoval_reportedAsThemselvesOnly() throws Exception {
    // A link count change reaches fanotify as an ATTRIB on the inode alone (no name): which of
    // its names that is cannot be told, so it is not reported (inotify never sees it).
    mkfile("d/a", "x");
    watch();
    sh("ln d/a b");
    assertThat(events.await(CREATE, "b").dir()).isFalse();
    sh("rm b");
    events.await(DELETE, "b");
    sync("marker");
    assertThat(events.events())
        .extracting(FsEvent::path)
        .as("only the new name (and the marker); never the other name or a guessed one")
        .containsOnly("b", "marker");
  }

  @Test
  void hardLink_writeThroughEitherName_reportsTheNameWrittenThrough() throws Exception {
    mkfile("d/a", "x");
    Files.createLink(root.resolve("b"), root.resolve("d/a"));
    watch();
    sh("echo y >> b");
    events.await(CLOSE_WRITE, "b");
    sh("echo z >> d/a");
    events.await(CLOSE_WRITE, "d/a");
    sync("marker");
    assertThat(events.events())
        .filteredOn(e -> e.kind() == MODIFY || e.kind() == CLOSE_WRITE)
        .extracting(FsEvent::path)
        .filteredOn(p -> !"marker".equals(p))
        .containsExactly("b", "b", "d/a", "d/a");
  }

  @Test
  void symlink_toFile_reportedAsItself() throws Exception {
    mkfile("target", "x");
    watch();
    sh("ln -s target link");
    FsEvent create = events.await(CREATE, "link");
    assertThat(create.dir()).isFalse();
  }

  @Test
  void symlink_toDirectoryOutside_outsideWritesNotReported() throws Exception {
    Files.createDirectory(outside.resolve("o"));
    watch();
    sh("ln -s ../outside/o out");
    FsEvent create = events.await(CREATE, "out");
    assertThat(create.dir()).as("a symlink is not a directory").isFalse();
    sh("echo x > out/f && mkdir out/sub && : > out/sub/g && echo y >> ../outside/o/f");
    sync("marker");
    assertThat(events.events())
        .as("events through a symlink to outside are not ours")
        .noneMatch(e -> e.path() != null && e.path().startsWith("out/"))
        .noneMatch(e -> e.path() != null && (e.path().endsWith("f") || e.path().endsWith("g")));
  }

  @Test
  void symlink_deleted_reportsDeleteNotTarget() throws Exception {
    mkfile("target", "x");
    Files.createSymbolicLink(root.resolve("link"), Path.of("target"));
    watch();
    sh("rm link");
    events.await(DELETE, "link");
    sync("marker");
    assertThat(events.events()).noneMatch(e -> "target".equals(e.path()));
  }

  // ---- pids and self-exclusion -----------------------------------------------------------

  @Test
  void pid_writeFromChild_reportsChildPidOnFanotifyZeroOnInotify() throws Exception {
    watch();
    long child = sh("echo x > p.txt").pid();
    FsEvent create = events.await(CREATE, "p.txt");
    FsEvent close = events.await(CLOSE_WRITE, "p.txt");
    long expected = kind == EngineKind.FANOTIFY ? child : 0;
    assertThat((long) create.pid()).isEqualTo(expected);
    assertThat((long) close.pid()).isEqualTo(expected);
  }

  @Test
  void pid_writeFromTestJvmWithOtherSelfPid_reportsJvmPidOnFanotify() throws Exception {
    watch(OTHER_PID);
    Files.writeString(root.resolve("j.txt"), "x");
    FsEvent create = events.await(CREATE, "j.txt");
    long expected = kind == EngineKind.FANOTIFY ? ProcessHandle.current().pid() : 0;
    assertThat((long) create.pid()).isEqualTo(expected);
  }

  @Test
  void selfExclusion_writesFromOwnProcess_notReportedOnFanotify() throws Exception {
    assumeTrue(kind == EngineKind.FANOTIFY, "inotify cannot tell who wrote");
    watch(ProcessHandle.current().pid());
    Files.createDirectories(root.resolve("mine"));
    Files.writeString(root.resolve("mine/own.txt"), "x");
    Files.move(root.resolve("mine/own.txt"), root.resolve("mine/own2.txt"));
    Files.delete(root.resolve("mine/own2.txt"));
    sync("marker");
    assertThat(events.events()).allMatch(e -> "marker".equals(e.path()), "only the child's marker");
  }
}
