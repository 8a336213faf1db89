package io.tidemark.peer.cli;

import io.tidemark.agent.cli.CliExtension;
import java.util.List;

/** Adds {@code peer}, {@code sync} and {@code flush} to the {@code tidemark} command. */
public final class PeerCliExtension implements CliExtension {
  @Override
  public List<Object> subcommands() {
    return List.of(new PeerCommand(), new SyncCommand(), new FlushCommand());
  }
}
