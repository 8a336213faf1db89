package io.tidemark.agent.cli;

import java.util.List;

/**
 * Lets modules that build on the agent (sync-peer, cache-daemon) add subcommands to the one
 * {@code tidemark} command, found through {@link java.util.ServiceLoader}.
 */
public interface CliExtension {

  /** picocli command objects (annotated with {@code @Command}). */
  List<Object> subcommands();
}
