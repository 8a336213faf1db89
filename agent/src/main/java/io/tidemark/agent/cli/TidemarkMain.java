package io.tidemark.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./tidemark}: the top command plus the subcommands other modules add. */
public final class TidemarkMain {
  /** Wall-clock millis when main() began (start-up figures in the agent's ready line). */
  static final long MAIN_STARTED_MS = System.currentTimeMillis();

  private TidemarkMain() {}

  public static void main(String[] args) {
    int code = run(args);
    if (code == 0) {
      markClassArchiveGood();
    }
    System.exit(code);
  }

  /**
   * The launcher asks for this when the JVM will write a class-data archive (JDK 21-24) or an AOT
   * configuration (JDK 25+) at exit: only a run that got through keeps it (a failed one loaded a
   * fraction of the classes). Written before System.exit, so before the JVM writes its file.
   */
  private static void markClassArchiveGood() {
    String ok = System.getProperty("tidemark.cds.ok");
    if (ok != null) {
      try {
        Files.write(Path.of(ok), new byte[0]);
      } catch (IOException | RuntimeException e) {
        // the launcher writes the archive again next time; nothing else depends on it
      }
    }
  }

  public static int run(String... args) {
    return commandLine(args.length > 0 ? args[0] : null).execute(args);
  }

  /** The full command tree, with one-line errors (exit 2) for bad arguments. */
  public static CommandLine commandLine() {
    return commandLine(null);
  }

  /**
   * The command tree for a command line starting with {@code first}: only that subcommand when
   * {@code first} names one, else all of them (help, a typo). picocli reflects over every option
   * of every subcommand it is given, 200-370 ms for all of them on a loaded machine.
   */
  static CommandLine commandLine(String first) {
    List<Object> subcommands = new ArrayList<>();
    for (Class<?> type : TidemarkCommand.SUBCOMMANDS) {
      if (first == null || names(type, first)) {
        try {
          subcommands.add(type.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot create " + type.getName(), e);
        }
      }
    }
    for (CliExtension extension : ServiceLoader.load(CliExtension.class)) {
      for (Object sub : extension.subcommands()) {
        if (first == null || names(sub.getClass(), first)) {
          subcommands.add(sub);
        }
      }
    }
    if (first != null && subcommands.isEmpty()) {
      return commandLine(null);
    }
    CommandLine cli = new CommandLine(new TidemarkCommand());
    subcommands.forEach(cli::addSubcommand);
    cli.setParameterExceptionHandler(TidemarkMain::oneLineUsageError);
    cli.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          cmd.getErr().println(qualifiedName(cmd) + ": " + describe(ex));
          return CliExit.FAILURE;
        });
    return cli;
  }

  private static boolean names(Class<?> type, String name) {
    Command c = type.getAnnotation(Command.class);
    return c != null && (c.name().equals(name) || List.of(c.aliases()).contains(name));
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
