package io.tidemark.agent.cli;

import io.grpc.StatusRuntimeException;
import io.tidemark.agent.git.FsmonitorHookInstaller;
import io.tidemark.agent.git.GitInstallException;
import io.tidemark.proto.v1.StatusRequest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
      "git checks every file as before. With --agent, asks that running agent where its state",
      "is; otherwise assumes `tidemark agent REPO` with the default state directory."
    })
public final class GitInstallCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "REPO",
      description = "a directory in the work tree (default: the current directory)")
  Path repo;

  @Mixin AgentOptions agent;

  @Option(
      names = "--agent-state",
      paramLabel = "DIR",
      description = "the agent's --state directory, without asking it (default: the default"
          + " state directory of `tidemark agent REPO`)")
  Path agentState;

  @Option(
      names = "--split-index",
      description = "also set core.splitIndex=true: each status writes a small index instead of"
          + " the whole file (2x faster status on a 100k-file repo here); tools built on JGit or"
          + " libgit2 cannot read a split index")
  boolean splitIndex;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Path dir = repo != null ? repo : Path.of("").toAbsolutePath();
    Path state = agentState;
    if (agent.agent != null || agent.endpointFile != null) {
      if (state != null) {
        throw new ParameterException(
            spec.commandLine(), "give --agent or --agent-state, not both");
      }
      try (AgentClient client = agent.connect(spec)) {
        String reported;
        try {
          reported = client.journal().status(StatusRequest.getDefaultInstance()).getStateDir();
        } catch (StatusRuntimeException e) {
          return client.fail(e, err, "tidemark git-install");
        }
        if (reported.isEmpty()) {
          err.println("tidemark git-install: the agent did not say where its state is (an older"
              + " agent?); give --agent-state DIR");
          return CliExit.FAILURE;
        }
        state = Path.of(reported);
      }
    }
    FsmonitorHookInstaller.Result result;
    try {
      result = FsmonitorHookInstaller.install(dir, state, splitIndex);
    } catch (GitInstallException e) {
      if (e.usage()) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      err.println("tidemark git-install: " + e.getMessage());
      return CliExit.FAILURE;
    }
    PrintWriter out = spec.commandLine().getOut();
    for (String action : result.actions()) {
      out.println(action);
    }
    out.println();
    if (state == null || agentState != null) {
      out.println("Now run the agent on the work tree (it writes " + result.endpointFile() + "):");
      out.println("  ./tidemark agent " + result.workTree()
          + (agentState != null ? " --state " + agentState : ""));
      out.println("git status then asks it what changed; while no agent answers, git checks every");
      out.println("file as before.");
    } else {
      out.println("git status now asks the agent what changed; while no agent answers, git checks");
      out.println("every file as before.");
    }
    if (!splitIndex) {
      out.println("Large repository? --split-index makes each status write a small index instead");
      out.println("of the whole file (JGit/libgit2-based tools cannot read a split index).");
    }
    out.println("To undo: git config --unset core.fsmonitor");
    out.flush();
    return CliExit.OK;
  }
}
