package io.tidemark.agent.cli;

/** Exit codes shared by every subcommand. */
public final class CliExit {
  private CliExit() {}

  public static final int OK = 0;
  /** A runtime failure: the agent is unreachable, the kernel refused, a timeout. */
  public static final int FAILURE = 1;
  /** Bad arguments: missing root, unknown engine, a file where a directory was expected. */
  public static final int USAGE = 2;
}
