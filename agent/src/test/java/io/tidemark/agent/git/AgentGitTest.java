package io.tidemark.agent.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.cli.TidemarkMain;
import io.tidemark.agent.engine.EngineKind;
import io.tidemark.agent.it.AgentProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * Real git 2.39 with the real agent: after every round of random edits, {@code git status} through
 * the installed hook equals git's own full scan; also while the agent is stopped (the hook
 * answers "everything") and after it is restarted (old tokens stay valid).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(value = EngineKind.class, names = {"FANOTIFY", "INOTIFY"})
@Timeout(240)
class AgentGitTest {
  private static final String[] NAMES = {"a", "b", "c", "d", "e"};

  @Parameter EngineKind engine;
  @TempDir Path tmp;

  private Path repo;
  private Path state;
  private AgentProcess agent;
  private final Random random = new Random(Long.getLong("tidemark.agent.git.seed", 7));
  private final List<String> log = new ArrayList<>();

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void randomEdits_statusWithHookEqualsFullScan_alsoAcrossAgentStops() throws Exception {
    committedRepo();
    install();
    agent = AgentProcess.start(repo, state, engine);
    assertSame("first status");

    for (int round = 0; round < 16; round++) {
      if (round == 6 || round == 11) {
        assertThat(agent.terminate()).isZero();
        agent = null;
        log.add("agent stopped");
      }
      int edits = 1 + random.nextInt(6);
      for (int i = 0; i < edits; i++) {
        edit();
      }
      if (random.nextInt(4) == 0) {
        git("add", "-A");
        git("commit", "-qm", "round " + round, "--allow-empty");
        log.add("commit");
      } else if (random.nextInt(4) == 0) {
        git("add", pickExisting(false).orElse("."));
        log.add("git add");
      }
      assertSame("round " + round);
      if (agent == null && (round == 8 || round == 13)) {
        agent = AgentProcess.start(repo, state, engine);
        log.add("agent started");
        assertSame("round " + round + " after restart");
      }
    }
    assertHookNamesOnlyWhatChanged();
  }

  /**
   * The other way to install: ask a running agent where its state is ({@code --agent}), with a
   * split index. Status through the hook still equals git's full scan after every round.
   */
  @Test
  void installedFromARunningAgent_withSplitIndex_statusEqualsFullScan() throws Exception {
    committedRepo();
    agent = AgentProcess.start(repo, state, engine);
    String out = gitInstall("--agent", agent.target(), "--split-index");
    assertThat(out).contains("core.splitIndex true");
    assertThat(gitOutput("config", "core.splitIndex")).isEqualTo("true");
    assertSame("first status");
    for (int round = 0; round < 6; round++) {
      int edits = 1 + random.nextInt(6);
      for (int i = 0; i < edits; i++) {
        edit();
      }
      if (random.nextInt(3) == 0) {
        git("add", "-A");
        git("commit", "-qm", "round " + round, "--allow-empty");
        log.add("commit");
      }
      assertSame("round " + round);
    }
    assertThat(Files.list(repo.resolve(".git")).map(p -> p.getFileName().toString()))
        .as("git wrote a shared index")
        .anyMatch(name -> name.startsWith("sharedindex."));
    assertHookNamesOnlyWhatChanged();
  }

  @Test
  void installFromAnAgentThatIsNotRunning_failsSayingSo() throws Exception {
    repo = Files.createDirectory(tmp.toRealPath().resolve("repo"));
    git("init", "-q", ".");
    CommandLine cli = TidemarkMain.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    assertThat(cli.execute("git-install", repo.toString(), "--agent", "127.0.0.1:1")).isNotZero();
    assertThat(out.toString()).contains("127.0.0.1:1");
    assertThat(gitOutputOrEmpty("config", "core.fsmonitor")).isEmpty();
  }

  /** The hook really answers from the journal: one edited file, not "/" (everything). */
  private void assertHookNamesOnlyWhatChanged() throws Exception {
    git("status", "--porcelain");
    Files.writeString(repo.resolve("only-this.txt"), "x");
    ProcessBuilder pb = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=all")
        .directory(repo.toFile())
        .redirectErrorStream(true);
    pb.environment().put("GIT_TRACE_FSMONITOR", "1");
    Process p = pb.start();
    String trace = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    assertThat(trace)
        .contains("fsmonitor_refresh_callback 'only-this.txt'")
        .doesNotContain("fsmonitor_refresh_callback '/'");
  }

  /** A repo with a dozen random files, committed. */
  private void committedRepo() throws Exception {
    repo = Files.createDirectory(tmp.toRealPath().resolve("repo"));
    state = tmp.toRealPath().resolve("state");
    git("init", "-q", ".");
    git("config", "user.email", "t@example.com");
    git("config", "user.name", "t");
    for (int i = 0; i < 12; i++) {
      edit();
    }
    git("add", "-A");
    git("commit", "-qm", "start", "--allow-empty");
  }

  private void install() throws Exception {
    gitInstall("--agent-state", state.toString());
  }

  private String gitInstall(String... options) throws Exception {
    CommandLine cli = TidemarkMain.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    List<String> args = new ArrayList<>(List.of("git-install", repo.toString()));
    args.addAll(List.of(options));
    assertThat(cli.execute(args.toArray(String[]::new))).as(out.toString()).isZero();
    return out.toString();
  }

  private void assertSame(String when) throws Exception {
    GitStatusComparison status = GitStatusComparison.of(repo);
    assertThat(status.withFsmonitor())
        .as("%s (%s, agent %s); edits:%n%s", when, engine, agent == null ? "down" : "up",
            String.join("\n", log))
        .isEqualTo(status.reference());
  }

  private void edit() throws Exception {
    int roll = random.nextInt(100);
    if (roll < 25) {
      Path p = repo.resolve(freshPath());
      if (!Files.exists(p)) {
        Files.createDirectories(p.getParent());
        Files.writeString(p, "new " + random.nextInt());
        log.add("add " + repo.relativize(p));
      }
    } else if (roll < 50) {
      var f = pickExisting(false);
      if (f.isPresent()) {
        Files.writeString(repo.resolve(f.get()), "mod " + random.nextInt(),
            java.nio.file.StandardOpenOption.APPEND);
        log.add("modify " + f.get());
      }
    } else if (roll < 62) {
      var f = pickExisting(false);
      if (f.isPresent()) {
        Files.delete(repo.resolve(f.get()));
        log.add("delete " + f.get());
      }
    } else if (roll < 77) {
      var f = pickExisting(random.nextInt(3) == 0);
      Path to = repo.resolve(freshPath());
      if (f.isPresent() && !Files.exists(to) && !to.startsWith(repo.resolve(f.get()))) {
        Files.createDirectories(to.getParent());
        Files.move(repo.resolve(f.get()), to, StandardCopyOption.ATOMIC_MOVE);
        log.add("rename " + f.get() + " -> " + repo.relativize(to));
      }
    } else if (roll < 87) {
      Path d = repo.resolve(freshPath());
      if (!Files.exists(d)) {
        Files.createDirectories(d.resolve(NAMES[random.nextInt(NAMES.length)]));
        Files.writeString(d.resolve("untracked.txt"), "u");
        log.add("new dir " + repo.relativize(d));
      }
    } else {
      var d = pickExisting(true);
      if (d.isPresent()) {
        try (Stream<Path> walk = Files.walk(repo.resolve(d.get()))) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
        log.add("rm -r " + d.get());
      }
    }
  }

  private String freshPath() throws Exception {
    var dir = random.nextInt(3) == 0 ? java.util.Optional.<String>empty() : pickExisting(true);
    String name = NAMES[random.nextInt(NAMES.length)] + (random.nextBoolean() ? ".txt" : "");
    return dir.map(d -> d + "/" + name).orElse(name);
  }

  private java.util.Optional<String> pickExisting(boolean dirs) throws Exception {
    try (Stream<Path> walk = Files.walk(repo)) {
      List<String> all = walk.skip(1)
          .filter(p -> !p.startsWith(repo.resolve(".git")))
          .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) == dirs)
          .map(p -> repo.relativize(p).toString())
          .filter(p -> !p.startsWith(".tidemark-cookie-"))
          .sorted()
          .toList();
      return all.isEmpty()
          ? java.util.Optional.empty()
          : java.util.Optional.of(all.get(random.nextInt(all.size())));
    }
  }

  private void git(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    ProcessRun.run(repo, command).ok();
  }

  private String gitOutput(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    return ProcessRun.run(repo, command).ok().outText().strip();
  }

  private String gitOutputOrEmpty(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    return ProcessRun.run(repo, command).outText().strip();
  }
}
