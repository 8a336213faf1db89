package io.tidemark.agent.cli;

import java.io.PrintWriter;
import java.util.ServiceLoader;
import picocli.CommandLine;

/** Entry point of {@code ./tidemark}: the top command plus the subcommands other modules add. */
public final class TidemarkMain {
  private TidemarkMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The full command tree, with one-line errors (exit 2) for bad arguments. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new TidemarkCommand());
    for (CliExtension extension : ServiceLoader.load(CliExtension.class)) {
      for (Object sub : extension.subcommands()) {
        cli.addSubcommand(sub);
      }
    }
    cli.setParameterExceptionHandler(TidemarkMain::oneLineUsageError);
    cli.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          cmd.getErr().println(qualifiedName(cmd) + ": " + describe(ex));
          return CliExit.FAILURE;
        });
    return cli;
  }

  private static int oneLineUsageError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(qualifiedName(cmd) + ": " + ex.getMessage());
    return CliExit.USAGE;
  }

  private static String qualifiedName(CommandLine cmd) {
    String name = cmd.getCommandName();
    CommandLine parent = cmd.getParent();
    return parent == null ? name : qualifiedName(parent) + " " + name;
  }

  public static String describe(Throwable ex) {
    String message = ex.getMessage();
    return message == null || message.isBlank() ? ex.getClass().getSimpleName() : message;
  }
}
