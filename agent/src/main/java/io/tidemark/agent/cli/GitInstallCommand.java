package io.tidemark.agent.cli;

import io.tidemark.agent.git.FsmonitorHookInstaller;
import io.tidemark.agent.git.GitInstallException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tidemark git-install [REPO]}: make git status ask the agent what changed. */
@Command(
    name = "git-install",
    mixinStandardHelpOptions = true,
    description = {
      "Install the fsmonitor hook in a git repository, so git status asks the agent what changed",
      "instead of checking every file. Sets core.fsmonitor, core.fsmonitorHookVersion=2 and",
      "core.untrackedCache=true. Starts nothing; safe to run again. While no agent answers,",
      "git checks every file as before."
    })
public final class GitInstallCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "REPO",
      description = "a directory in the work tree (default: the current directory)")
  Path repo;

  @Option(
      names = "--agent-state",
      paramLabel = "DIR",
      description = "the agent's --state directory (default: the default state directory of"
          + " `tidemark agent REPO`)")
  Path agentState;

  @Override
  public Integer call() {
    Path dir = repo != null ? repo : Path.of("").toAbsolutePath();
    Path state = agentState;
    FsmonitorHookInstaller.Result result;
    try {
      result = FsmonitorHookInstaller.install(dir, state);
    } catch (GitInstallException e) {
      if (e.usage()) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      spec.commandLine().getErr().println("tidemark git-install: " + e.getMessage());
      return CliExit.FAILURE;
    }
    PrintWriter out = spec.commandLine().getOut();
    for (String action : result.actions()) {
      out.println(action);
    }
    out.println();
    out.println("Now run the agent on the work tree (it writes " + result.endpointFile() + "):");
    out.println("  ./tidemark agent " + result.workTree());
    out.println("git status then asks it what changed; while no agent answers, git checks every");
    out.println("file as before. To undo: git config --unset core.fsmonitor");
    out.flush();
    return CliExit.OK;
  }
}
