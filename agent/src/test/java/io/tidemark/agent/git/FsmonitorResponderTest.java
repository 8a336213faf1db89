package io.tidemark.agent.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.ChangeKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsmonitorResponderTest {
  @TempDir Path root;
  final InMemoryJournal journal = new InMemoryJournal();

  FsmonitorResponder responder() {
    return new FsmonitorResponder(journal, root, Duration.ofMillis(200), 1_000);
  }

  @Test
  void answer_emptyOrTimestampToken_everythingWithCurrentCursor() {
    journal.record(Change.of(ChangeKind.CREATED, "a", false));
    assertThat(responder().answer("", true, null)).isEqualTo(FsmonitorAnswer.everything("c1"));
    assertThat(responder().answer("1795549916376630862", true, null))
        .isEqualTo(FsmonitorAnswer.everything("c1"));
  }

  @Test
  void answer_freshInstance_everything() {
    journal.record(Change.of(ChangeKind.CREATED, "a", false));
    journal.forgetAll = true;
    assertThat(responder().answer("c0", true, null)).isEqualTo(FsmonitorAnswer.everything("c1"));
  }

  @Test
  void answer_syncFails_everything() {
    journal.syncFails = true;
    assertThat(responder().answer("c0", true, null)).isEqualTo(FsmonitorAnswer.everything("c0"));
    assertThat(journal.lastSince).isNull();
  }

  @Test
  void answer_changes_filesBothSidesOfRenamesAndDirsWithSlash() {
    journal.record(
        Change.of(ChangeKind.MODIFIED, "a.txt", false),
        Change.renamed("old.txt", "new.txt", false),
        Change.renamed("d1", "d2", true),
        Change.of(ChangeKind.DELETED, "gone", true),
        Change.of(ChangeKind.MODIFIED, ".git/index", false),
        Change.of(ChangeKind.MODIFIED, "a.txt", false));
    assertThat(responder().answer("c0", true, null))
        .isEqualTo(
            FsmonitorAnswer.changed(
                "c6", java.util.List.of("a.txt", "old.txt", "new.txt", "d1/", "d2/", "gone/")));
    assertThat(journal.syncs).hasValue(1);
  }

  @Test
  void answer_noChanges_newTokenNoPaths() {
    journal.record(Change.of(ChangeKind.MODIFIED, "a.txt", false));
    assertThat(responder().answer("c1", false, null))
        .isEqualTo(FsmonitorAnswer.changed("c1", java.util.List.of()));
    assertThat(journal.syncs).hasValue(0);
  }

  @Test
  void answer_manyPages_allPathsAndLastCursor() {
    for (int i = 0; i < FsmonitorResponder.PAGE_SIZE + 5; i++) {
      journal.record(Change.of(ChangeKind.MODIFIED, "f" + (i % 500), false));
    }
    FsmonitorAnswer answer = responder().answer("c0", true, null);
    assertThat(answer.everything()).isFalse();
    assertThat(answer.paths()).hasSize(500);
    assertThat(answer.token()).isEqualTo("c" + (FsmonitorResponder.PAGE_SIZE + 5));
  }

  @Test
  void answer_tooManyPaths_everything() {
    for (int i = 0; i < 1_001; i++) {
      journal.record(Change.of(ChangeKind.MODIFIED, "f" + i, false));
    }
    assertThat(responder().answer("c0", true, null).everything()).isTrue();
  }

  @Test
  void answer_workTreeInsideRoot_mapsPrefixAndDropsOutside() throws Exception {
    Path repo = Files.createDirectories(root.resolve("src/repo"));
    journal.record(
        Change.of(ChangeKind.MODIFIED, "src/repo/a.txt", false),
        Change.of(ChangeKind.MODIFIED, "src/other.txt", false),
        Change.renamed("elsewhere/x", "src/repo/x", false),
        Change.of(ChangeKind.CREATED, "src/repo/.git/index.lock", false));
    assertThat(responder().answer("c0", true, repo))
        .isEqualTo(FsmonitorAnswer.changed("c4", java.util.List.of("a.txt", "x")));
  }

  @Test
  void answer_workTreeItselfRenamed_everything() throws Exception {
    Path repo = Files.createDirectories(root.resolve("src/repo"));
    journal.record(Change.renamed("src", "lib", true));
    assertThat(responder().answer("c0", true, repo).everything()).isTrue();
  }

  @Test
  void answer_rootInsideWorkTree_alwaysEverything() throws Exception {
    Path inner = Files.createDirectories(root.resolve("inner"));
    journal.record(Change.of(ChangeKind.MODIFIED, "a", false));
    FsmonitorResponder narrow = new FsmonitorResponder(journal, inner);
    assertThat(narrow.answer("c0", true, root)).isEqualTo(FsmonitorAnswer.everything("c1"));
  }

  @Test
  void toBytes_everything_tokenNulSlashNul() {
    assertThat(FsmonitorAnswer.everything("c7").toBytes()).isEqualTo("c7\0/\0".getBytes());
    assertThat(FsmonitorAnswer.changed("c7", java.util.List.of("a", "b/")).toBytes())
        .isEqualTo("c7\0a\0b/\0".getBytes());
  }
}
