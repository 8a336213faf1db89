package io.tidemark.agent.watch;

import static io.tidemark.agent.engine.FsEvent.Kind.ATTRIB;
import static io.tidemark.agent.engine.FsEvent.Kind.CLOSE_WRITE;
import static io.tidemark.agent.engine.FsEvent.Kind.CREATE;
import static io.tidemark.agent.engine.FsEvent.Kind.DELETE;
import static io.tidemark.agent.engine.FsEvent.Kind.MODIFY;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.ChangeKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoalescerTest {

  private static final long MS = 1_000_000L;
  private static final long SEC = 1_000 * MS;

  private final Coalescer coalescer = new Coalescer(CoalescerSettings.defaults());

  private static FsEvent file(FsEvent.Kind kind, String path) {
    return FsEvent.of(kind, path, false, 42);
  }

  private static FsEvent dir(FsEvent.Kind kind, String path) {
    return FsEvent.of(kind, path, true, 42);
  }

  private static FsEvent mv(String from, String to) {
    return FsEvent.rename(from, to, false, 42);
  }

  private static FsEvent mvDir(String from, String to) {
    return FsEvent.rename(from, to, true, 42);
  }

  private static Change created(String p) {
    return Change.of(ChangeKind.CREATED, p, false);
  }

  private static Change modified(String p) {
    return Change.of(ChangeKind.MODIFIED, p, false);
  }

  private static Change deleted(String p, boolean dir) {
    return Change.of(ChangeKind.DELETED, p, dir);
  }

  /** Feeds all events in one batch at t=0 and drains once everything has settled. */
  private List<Change> settle(FsEvent... events) {
    coalescer.accept(List.of(events), 0);
    return coalescer.drain(10 * SEC);
  }

  @Test
  void coalescer_modifyThenCloseWrite_oneModified() {
    assertThat(settle(file(MODIFY, "a"), file(MODIFY, "a"), file(CLOSE_WRITE, "a")))
        .containsExactly(modified("a"));
  }

  @Test
  void coalescer_createModifyClose_oneCreated() {
    assertThat(settle(file(CREATE, "a"), file(MODIFY, "a"), file(CLOSE_WRITE, "a")))
        .containsExactly(created("a"));
  }

  @Test
  void coalescer_createThenDelete_onlyADeleteOfWhatItMayHaveReplaced() {
    // The journal drops the DELETED when it does not know "a": a temporary file leaves nothing.
    assertThat(settle(file(CREATE, "a"), file(MODIFY, "a"), file(CLOSE_WRITE, "a"), file(DELETE, "a")))
        .containsExactly(deleted("a", false));
  }

  @Test
  void coalescer_fileReplacedByAMoveInThenDeleted_deleted() {
    // mv /outside/x d (a plain CREATE: d existed), rm d
    assertThat(settle(file(CREATE, "d"), file(DELETE, "d"))).containsExactly(deleted("d", false));
  }

  @Test
  void coalescer_deleteCreateDelete_oneDeleted() {
    assertThat(settle(file(DELETE, "d"), file(CREATE, "d"), file(CLOSE_WRITE, "d"), file(DELETE, "d")))
        .containsExactly(deleted("d", false));
  }

  @Test
  void coalescer_dirDeletedCreatedDeleted_oneDeleted() {
    assertThat(settle(dir(DELETE, "d"), dir(CREATE, "d"), dir(DELETE, "d")))
        .containsExactly(deleted("d", true));
  }

  @Test
  void coalescer_renameOverExistingThenDelete_renamedThenDeleted() {
    assertThat(settle(mv("a", "d"), file(DELETE, "d")))
        .containsExactly(Change.renamed("a", "d", false), deleted("d", false));
  }

  @Test
  void coalescer_renamedInThenReplacedByAMoveIn_renamedThenModified() {
    assertThat(settle(mv("a", "d"), file(CREATE, "d")))
        .containsExactly(Change.renamed("a", "d", false), modified("d"));
  }

  @Test
  void coalescer_dirReplacedByAMovedInTreeThenDeleted_oneDeleted() {
    // d was an empty directory; a tree moved in over it, then rm -rf d
    assertThat(settle(dir(CREATE, "d"), file(CREATE, "d/x"), dir(CREATE, "d/s"), file(DELETE, "d/x"),
            dir(DELETE, "d/s"), dir(DELETE, "d")))
        .containsExactly(deleted("d", true));
  }

  @Test
  void coalescer_dirEmptiedThenReplacedByAMovedInTree_oldChildNotTakenForTheNewOne() {
    // rm d/x; mv /outside/t d (t holds an x); mv d e
    assertThat(settle(file(DELETE, "d/x"), dir(CREATE, "d"), file(CREATE, "d/x"), mvDir("d", "e")))
        .containsExactly(deleted("d/x", false), deleted("d", true),
            Change.of(ChangeKind.CREATED, "e", true), created("e/x"));
  }

  @Test
  void coalescer_renameChainBackOntoAnAncestor_notCollapsed() {
    // a/b held only a/b/d: mv a/b/d a/c; mv a/c a/b (replaces the now empty a/b)
    assertThat(settle(mvDir("a/b/d", "a/c"), mvDir("a/c", "a/b")))
        .containsExactly(Change.renamed("a/b/d", "a/c", true), Change.renamed("a/c", "a/b", true));
  }

  @Test
  void coalescer_deleteThenCreateFile_modified() {
    assertThat(settle(file(DELETE, "a"), file(CREATE, "a"), file(CLOSE_WRITE, "a")))
        .containsExactly(modified("a"));
  }

  @Test
  void coalescer_deleteFileCreateDir_deletedThenCreated() {
    assertThat(settle(file(DELETE, "a"), dir(CREATE, "a")))
        .containsExactly(deleted("a", false), Change.of(ChangeKind.CREATED, "a", true));
  }

  @Test
  void coalescer_renameChain_collapsesToOneRename() {
    // The intermediate name may have been replaced by the first rename: its delete stays visible.
    assertThat(settle(mv("a", "b"), mv("b", "c")))
        .containsExactly(deleted("b", false), Change.renamed("a", "c", false));
  }

  @Test
  void coalescer_renameChainOverKnownFreeName_oneRename() {
    assertThat(settle(file(DELETE, "b"), mv("a", "b"), mv("b", "c")))
        .containsExactly(deleted("b", false), Change.renamed("a", "c", false));
  }

  @Test
  void coalescer_renameAndBack_noRenameLeft() {
    assertThat(settle(mv("a", "b"), mv("b", "a"))).containsExactly(deleted("b", false));
  }

  @Test
  void coalescer_renameBackAfterDelete_nothing() {
    assertThat(settle(file(DELETE, "b"), mv("a", "b"), mv("b", "a")))
        .containsExactly(deleted("b", false));
  }

  @Test
  void coalescer_createThenRename_createdAtNewName() {
    assertThat(settle(file(CREATE, "a"), file(CLOSE_WRITE, "a"), mv("a", "b")))
        .containsExactly(deleted("a", false), created("b"));
  }

  @Test
  void coalescer_atomicSaveOverExisting_modified() {
    // The journal drops the DELETED of the swap file it never knew.
    assertThat(settle(file(CREATE, ".a.swp"), file(CLOSE_WRITE, ".a.swp"), file(DELETE, "a"), mv(".a.swp", "a")))
        .containsExactly(deleted(".a.swp", false), modified("a"));
  }

  @Test
  void coalescer_renameThenModify_renamedThenModified() {
    assertThat(settle(mv("a", "b"), file(MODIFY, "b"), file(CLOSE_WRITE, "b")))
        .containsExactly(Change.renamed("a", "b", false), modified("b"));
  }

  @Test
  void coalescer_modifyInsideThenRenameDir_rekeyedAfterRename() {
    assertThat(settle(file(MODIFY, "d/f"), file(CLOSE_WRITE, "d/f"), mvDir("d", "e")))
        .containsExactly(Change.renamed("d", "e", true), modified("e/f"));
  }

  @Test
  void coalescer_changesBelowThenDirDelete_oneDeleted() {
    assertThat(settle(
            file(MODIFY, "d/f"), file(CLOSE_WRITE, "d/f"), file(DELETE, "d/g"),
            file(CREATE, "d/h"), dir(DELETE, "d/sub"), file(DELETE, "d/h"), dir(DELETE, "d")))
        .containsExactly(deleted("d", true));
  }

  @Test
  void coalescer_dirCreatedFilledAndDeleted_onlyADeleteOfWhatItMayHaveReplaced() {
    assertThat(settle(dir(CREATE, "d"), file(CREATE, "d/f"), file(CLOSE_WRITE, "d/f"),
            file(CREATE, "d/g"), file(DELETE, "d/f"), dir(DELETE, "d/g"), dir(DELETE, "d")))
        .containsExactly(deleted("d", true));
  }

  @Test
  void coalescer_dirCreatedRenamedAndDeleted_onlyDeletesOfNamesItMayHaveReplaced() {
    // The mkdir may have replaced an empty directory "d" (a move-in), the rename one at "e".
    assertThat(settle(dir(CREATE, "d"), file(CREATE, "d/f"), file(CLOSE_WRITE, "d/f"),
            mvDir("d", "e"), file(DELETE, "e/f"), dir(DELETE, "e")))
        .containsExactly(deleted("d", true), deleted("e", true));
  }

  @Test
  void coalescer_treeMovedOut_deletedOfOldPath() {
    assertThat(settle(file(MODIFY, "d/f"), new FsEvent(FsEvent.Kind.RENAME, null, "d", true, 1)))
        .containsExactly(deleted("d", true));
  }

  @Test
  void coalescer_treeMovedIn_createdForEveryEntry() {
    assertThat(settle(dir(CREATE, "t"), file(CREATE, "t/a"), dir(CREATE, "t/s"), file(CREATE, "t/s/b")))
        .containsExactly(
            Change.of(ChangeKind.CREATED, "t", true), created("t/a"),
            Change.of(ChangeKind.CREATED, "t/s", true), created("t/s/b"));
  }

  @Test
  void coalescer_attribAndModify_oneModified() {
    assertThat(settle(file(ATTRIB, "a"), file(MODIFY, "a"), file(CLOSE_WRITE, "a")))
        .containsExactly(modified("a"));
  }

  @Test
  void coalescer_attribOnly_attrib() {
    assertThat(settle(file(ATTRIB, "a"))).containsExactly(Change.of(ChangeKind.ATTRIB, "a", false));
  }

  @Test
  void coalescer_attribOnCreated_oneCreated() {
    assertThat(settle(file(CREATE, "a"), file(ATTRIB, "a"))).containsExactly(created("a"));
  }

  @Test
  void coalescer_pidIsIgnored_sameOutput() {
    coalescer.accept(List.of(FsEvent.of(MODIFY, "a", false, 1), FsEvent.of(CLOSE_WRITE, "a", false, 2)), 0);
    assertThat(coalescer.drain(SEC)).containsExactly(modified("a"));
  }

  @Test
  void coalescer_loneEventWhenIdle_drainedWithinIdleWindow() {
    coalescer.accept(List.of(file(CLOSE_WRITE, "a")), 5 * SEC);
    assertThat(coalescer.nextDeadlineNanos()).isLessThanOrEqualTo(5 * SEC + 5 * MS);
    assertThat(coalescer.drain(5 * SEC)).isEmpty();
    assertThat(coalescer.drain(coalescer.nextDeadlineNanos())).containsExactly(modified("a"));
    assertThat(coalescer.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void coalescer_longBurst_windowWidensAndBatches() {
    long now = 0;
    int drains = 0;
    int changes = 0;
    // 20,000 events/s for one second: one event every 50 µs.
    for (int i = 0; i < 20_000; i++) {
      now += 50_000;
      if (coalescer.nextDeadlineNanos() <= now) {
        changes += coalescer.drain(now).size();
        drains++;
      }
      coalescer.accept(List.of(file(CLOSE_WRITE, "f" + (i % 50))), now);
    }
    assertThat(coalescer.currentWindowNanos()).isEqualTo(50 * MS);
    changes += coalescer.drain(now + SEC).size();
    assertThat(drains).isLessThan(40); // ~1 s / 50 ms, after a short ramp-up
    assertThat(changes).isLessThan(20_000 / 10);
  }

  @Test
  void coalescer_afterBurstThenQuiet_windowBackToMinimum() {
    for (int i = 0; i < 1_000; i++) {
      coalescer.accept(List.of(file(CLOSE_WRITE, "f" + i)), i * 1_000L);
    }
    coalescer.drain(SEC);
    coalescer.accept(List.of(file(CREATE, "g")), 2 * SEC);
    assertThat(coalescer.nextDeadlineNanos()).isEqualTo(2 * SEC + 2 * MS);
  }

  @Test
  void coalescer_fileHeldOpen_publishedOnClose() {
    coalescer.accept(List.of(file(MODIFY, "log")), 0);
    assertThat(coalescer.drain(10 * MS)).isEmpty();
    coalescer.accept(List.of(file(MODIFY, "log"), file(CLOSE_WRITE, "log")), 500 * MS);
    assertThat(coalescer.drain(510 * MS)).containsExactly(modified("log"));
  }

  @Test
  void coalescer_fileNeverClosed_publishedEveryHold() {
    List<Change> out = new ArrayList<>();
    long hold = CoalescerSettings.defaults().writeHold().toNanos();
    for (long t = 0; t <= 5 * SEC; t += 10 * MS) {
      if (coalescer.nextDeadlineNanos() <= t) {
        out.addAll(coalescer.drain(t));
      }
      coalescer.accept(List.of(file(MODIFY, "log")), t);
    }
    assertThat(out).containsExactly(modified("log"), modified("log"));
    assertThat(hold).isEqualTo(2 * SEC);
  }

  @Test
  void coalescer_createdFileStillOpen_createdNowContentLater() {
    coalescer.accept(List.of(file(CREATE, "out"), file(MODIFY, "out")), 0);
    assertThat(coalescer.drain(10 * MS)).containsExactly(created("out"));
    coalescer.accept(List.of(file(CLOSE_WRITE, "out")), 100 * MS);
    assertThat(coalescer.drain(200 * MS)).containsExactly(modified("out"));
  }

  @Test
  void coalescer_configurableHold_usesIt() {
    Coalescer c = new Coalescer(CoalescerSettings.defaults().withWriteHold(Duration.ofMillis(100)));
    c.accept(List.of(file(MODIFY, "log")), 0);
    assertThat(c.nextDeadlineNanos()).isEqualTo(2 * MS);
    assertThat(c.drain(2 * MS)).isEmpty();
    assertThat(c.nextDeadlineNanos()).isEqualTo(100 * MS);
    assertThat(c.drain(100 * MS)).containsExactly(modified("log"));
  }

  @Test
  void coalescer_overflow_flushesNowAndSignals() {
    coalescer.accept(List.of(file(CLOSE_WRITE, "a"), FsEvent.overflow()), 7);
    assertThat(coalescer.overflowPending()).isTrue();
    assertThat(coalescer.nextDeadlineNanos()).isEqualTo(7);
    assertThat(coalescer.drain(7)).containsExactly(modified("a"));
    coalescer.overflowHandled();
    assertThat(coalescer.overflowPending()).isFalse();
  }

  @Test
  void coalescer_pastMaxPending_drainsEarly() {
    Coalescer c = new Coalescer(CoalescerSettings.defaults().withMaxPendingPaths(100));
    for (int i = 0; i < 99; i++) {
      c.accept(List.of(file(CREATE, "f" + i)), 0);
    }
    assertThat(c.nextDeadlineNanos()).isEqualTo(2 * MS);
    c.accept(List.of(file(CREATE, "x")), 1);
    assertThat(c.nextDeadlineNanos()).isEqualTo(1);
    assertThat(c.drain(1)).hasSize(100);
  }

  private static final long GRACE = CoalescerSettings.defaults().closedGrace().toNanos();

  @Test
  void coalescer_loneClosedWriteWhenIdle_publishedAfterGrace() {
    coalescer.accept(List.of(file(CREATE, "a"), file(MODIFY, "a"), file(CLOSE_WRITE, "a")), SEC);
    assertThat(GRACE).isLessThan(MS);
    assertThat(coalescer.nextDeadlineNanos()).isEqualTo(SEC + GRACE);
    assertThat(coalescer.drain(SEC + GRACE - 1)).isEmpty();
    assertThat(coalescer.drain(SEC + GRACE)).containsExactly(created("a"));
  }

  @Test
  void coalescer_renameDeleteOrAttribWhenIdle_publishedAfterGrace() {
    coalescer.accept(List.of(mv("a", "b")), SEC);
    assertThat(coalescer.nextDeadlineNanos()).isEqualTo(SEC + GRACE);
    coalescer.drain(SEC + GRACE);
    coalescer.accept(List.of(file(DELETE, "c"), file(ATTRIB, "d")), 2 * SEC);
    assertThat(coalescer.nextDeadlineNanos()).isEqualTo(2 * SEC + GRACE);
  }

  @Test
  void coalescer_createdFileNotYetClosed_waitsForTheWholeWindow() {
    coalescer.accept(List.of(file(CREATE, "a")), SEC);
    assertThat(coalescer.nextDeadlineNanos()).isEqualTo(SEC + 2 * MS);
    // the creator's write and close arrive: complete, so the window closes early after all
    coalescer.accept(List.of(file(MODIFY, "a"), file(CLOSE_WRITE, "a")), SEC + 100_000);
    assertThat(coalescer.nextDeadlineNanos()).isEqualTo(SEC + 100_000 + GRACE);
    assertThat(coalescer.drain(SEC + 100_000 + GRACE)).containsExactly(created("a"));
  }

  @Test
  void coalescer_fileOpenForWriting_noEarlyClose() {
    coalescer.accept(List.of(file(CLOSE_WRITE, "done"), file(MODIFY, "log")), SEC);
    assertThat(coalescer.nextDeadlineNanos()).isEqualTo(SEC + 2 * MS);
  }

  @Test
  void coalescer_eventAfterEarlyCloseNeedsMore_backToTheWindowEnd() {
    coalescer.accept(List.of(file(CLOSE_WRITE, "a")), SEC);
    assertThat(coalescer.nextDeadlineNanos()).isEqualTo(SEC + GRACE);
    coalescer.accept(List.of(file(CREATE, "b")), SEC + 100_000);
    assertThat(coalescer.nextDeadlineNanos()).isEqualTo(SEC + 2 * MS);
  }

  @Test
  void coalescer_renamedWhileBeingCreated_closeUnderNewNameCompletesIt() {
    coalescer.accept(List.of(dir(CREATE, "d"), file(CREATE, "d/a"), mvDir("d", "e")), SEC);
    assertThat(coalescer.nextDeadlineNanos()).isEqualTo(SEC + 2 * MS);
    coalescer.accept(List.of(file(CLOSE_WRITE, "e/a")), SEC + 100_000);
    assertThat(coalescer.nextDeadlineNanos()).isEqualTo(SEC + 100_000 + GRACE);
  }

  @Test
  void coalescer_atomicSaveSplitOverTwoReadsWithinGrace_oneModified() {
    coalescer.accept(List.of(file(CREATE, ".a.tmp"), file(MODIFY, ".a.tmp"), file(CLOSE_WRITE, ".a.tmp")), SEC);
    coalescer.accept(List.of(file(DELETE, "a"), mv(".a.tmp", "a")), SEC + GRACE / 2);
    long due = coalescer.nextDeadlineNanos();
    assertThat(due).isEqualTo(SEC + GRACE / 2 + GRACE);
    // The journal drops the DELETED of the temp file it never knew.
    assertThat(coalescer.drain(due)).containsExactly(deleted(".a.tmp", false), modified("a"));
  }

  @Test
  void coalescer_burstWindow_noEarlyClose() {
    for (int i = 0; i < 1_000; i++) {
      coalescer.accept(List.of(file(CLOSE_WRITE, "f" + i)), i * 1_000L);
    }
    long end = coalescer.nextDeadlineNanos();
    assertThat(coalescer.drain(end)).hasSize(1_000);
    long wide = coalescer.currentWindowNanos();
    assertThat(wide).isGreaterThan(2 * MS);
    coalescer.accept(List.of(file(CLOSE_WRITE, "g")), end + 1);
    assertThat(coalescer.nextDeadlineNanos()).isEqualTo(end + 1 + wide);
  }
}
