package io.tidemark.agent.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "tidemark",
    mixinStandardHelpOptions = true,
    version = "tidemark 0.1.0",
    description = "Kernel file events as a durable change journal, served over gRPC.",
    footer = {
      "",
      "  test       run the whole test suite (the launcher runs ./mvnw verify)",
      "",
      "Run 'tidemark COMMAND --help' for a command's options."
    })
public final class TidemarkCommand implements Runnable {
  /** The subcommands this module brings (others come through {@link CliExtension}). */
  static final List<Class<?>> SUBCOMMANDS = List.of(
      WatchCommand.class,
      AgentCommand.class,
      ChangesCommand.class,
      StatusCommand.class,
      GitInstallCommand.class);


  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command (see 'tidemark --help')");
  }
}
