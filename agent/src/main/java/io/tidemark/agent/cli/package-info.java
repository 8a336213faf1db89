/**
 * The {@code tidemark} command line: the top command, the agent's subcommands, and the
 * {@link io.tidemark.agent.cli.CliExtension} hook through which sync-peer and cache-daemon add
 * theirs. Exit codes: 0 ok, 1 runtime failure, 2 bad arguments.
 */
package io.tidemark.agent.cli;
