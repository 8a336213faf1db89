package io.tidemark.agent.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.agent.cli.TidemarkMain;
import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.ChangeKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Real git 2.39+: git-install, then git status through the hook and the endpoint. */
class GitInstallFsmonitorTest {
  @TempDir Path repo;
  @TempDir Path state;
  final InMemoryJournal journal = new InMemoryJournal();
  FsmonitorEndpoint endpoint;

  @BeforeEach
  void repoWithCommit() throws Exception {
    git("init", "-q", ".");
    git("config", "user.email", "t@example.com");
    git("config", "user.name", "t");
    write("a.txt", "a");
    write("keep.txt", "k");
    write("dir/b.txt", "b");
    write("dir/sub/c.txt", "c");
    git("add", ".");
    git("commit", "-qm", "first");
  }

  @AfterEach
  void stop() {
    if (endpoint != null) {
      endpoint.close();
    }
  }

  void git(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    ProcessRun.run(repo, command).ok();
  }

  void write(String path, String text) throws Exception {
    Path p = repo.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  void startAgent() throws Exception {
    endpoint =
        FsmonitorEndpoint.start(
            new FsmonitorResponder(journal, repo), FsmonitorEndpointFile.newSecret());
    endpoint.endpointFile().writeTo(state);
  }

  /** git status with fsmonitor equals git status without; the hook was asked. */
  void assertStatusAgrees(String expected) throws Exception {
    long before = endpoint.queriesAnswered();
    GitStatusComparison status = GitStatusComparison.of(repo);
    assertThat(status.withFsmonitor()).isEqualTo(status.reference()).isEqualTo(expected);
    assertThat(endpoint.queriesAnswered()).isGreaterThan(before);
  }

  @Test
  void install_thenStatus_matchesStatusWithoutFsmonitor() throws Exception {
    startAgent();
    FsmonitorHookInstaller.Result result = FsmonitorHookInstaller.install(repo.resolve("dir"), state);
    assertThat(result.hook()).isEqualTo(repo.toRealPath().resolve(".git/hooks/tidemark-fsmonitor"));
    assertThat(Files.isExecutable(result.hook())).isTrue();

    assertStatusAgrees(""); // first query: git's V1 timestamp token -> "/"

    write("a.txt", "a2");
    journal.record(Change.of(ChangeKind.MODIFIED, "a.txt", false));
    write("new.txt", "n");
    journal.record(Change.of(ChangeKind.CREATED, "new.txt", false));
    assertStatusAgrees(" M a.txt\n?? new.txt\n");

    Files.move(repo.resolve("dir"), repo.resolve("moved"));
    journal.record(Change.renamed("dir", "moved", true));
    assertStatusAgrees(
        " M a.txt\n D dir/b.txt\n D dir/sub/c.txt\n?? moved/b.txt\n?? moved/sub/c.txt\n?? new.txt\n");

    Files.move(repo.resolve("moved"), repo.resolve("dir"));
    journal.record(Change.renamed("moved", "dir", true));
    Files.delete(repo.resolve("new.txt"));
    journal.record(Change.of(ChangeKind.DELETED, "new.txt", false));
    assertStatusAgrees(" M a.txt\n");

    // an untracked tree deleted whole, then another tree renamed onto its name
    write("u/x.txt", "x");
    journal.record(Change.of(ChangeKind.CREATED, "u", true), Change.of(ChangeKind.CREATED, "u/x.txt", false));
    assertStatusAgrees(" M a.txt\n?? u/x.txt\n");
    Files.delete(repo.resolve("u/x.txt"));
    Files.delete(repo.resolve("u"));
    journal.record(Change.of(ChangeKind.DELETED, "u", true));
    assertStatusAgrees(" M a.txt\n");
    Files.move(repo.resolve("dir"), repo.resolve("u"));
    journal.record(Change.renamed("dir", "u", true));
    assertStatusAgrees(
        " M a.txt\n D dir/b.txt\n D dir/sub/c.txt\n?? u/b.txt\n?? u/sub/c.txt\n");
  }

  @Test
  void status_changeTheJournalMissed_isInvisible_soTheHookIsReallyUsed() throws Exception {
    startAgent();
    FsmonitorHookInstaller.install(repo, state);
    assertStatusAgrees("");
    write("keep.txt", "changed behind the journal's back");
    GitStatusComparison status = GitStatusComparison.of(repo);
    assertThat(status.reference()).isEqualTo(" M keep.txt\n");
    assertThat(status.withFsmonitor()).isEmpty();
    journal.record(Change.of(ChangeKind.MODIFIED, "keep.txt", false));
    assertStatusAgrees(" M keep.txt\n");
  }

  @Test
  void status_journalAnswersEverything_matches() throws Exception {
    startAgent();
    FsmonitorHookInstaller.install(repo, state);
    assertStatusAgrees("");
    journal.forgetAll = true;
    write("keep.txt", "k2");
    Files.delete(repo.resolve("dir/sub/c.txt"));
    write("dir/new.txt", "n");
    assertStatusAgrees(" D dir/sub/c.txt\n M keep.txt\n?? dir/new.txt\n");
  }

  @Test
  void status_agentDown_matches() throws Exception {
    FsmonitorHookInstaller.install(repo, state);
    write("keep.txt", "k2");
    GitStatusComparison status = GitStatusComparison.of(repo);
    assertThat(status.same()).isTrue();
    assertThat(status.reference()).isEqualTo(" M keep.txt\n");
  }

  @Test
  void install_twice_idempotent() throws Exception {
    FsmonitorHookInstaller.install(repo, state);
    FsmonitorHookInstaller.Result again = FsmonitorHookInstaller.install(repo, state);
    assertThat(again.actions()).allMatch(a -> a.contains("already"));
    assertThat(ProcessRun.run(repo, List.of("git", "config", "core.fsmonitorHookVersion")).outText())
        .isEqualTo("2\n");
    assertThat(ProcessRun.run(repo, List.of("git", "config", "core.untrackedCache")).outText())
        .isEqualTo("true\n");
  }

  @Test
  void install_notARepo_usageError(@TempDir Path plain) {
    assertThatThrownBy(() -> FsmonitorHookInstaller.install(plain, state))
        .isInstanceOf(GitInstallException.class)
        .hasMessageContaining("not inside a git work tree")
        .matches(e -> ((GitInstallException) e).usage());
  }

  @Test
  void cli_gitInstall_printsWhatItDidAndExits0_notARepoExits2(@TempDir Path plain) {
    CommandLine cli = TidemarkMain.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int ok = cli.execute("git-install", repo.toString(), "--agent-state", state.toString());
    assertThat(ok).isZero();
    assertThat(out.toString()).contains("core.fsmonitorHookVersion 2").contains("tidemark agent");
    int bad = cli.execute("git-install", plain.toString(), "--agent-state", state.toString());
    assertThat(bad).isEqualTo(2);
    assertThat(err.toString()).contains("tidemark git-install: ").contains("not inside a git work tree");
  }
}
