package io.tidemark.peer.cli;

import io.tidemark.agent.cli.AgentOptions;
import io.tidemark.agent.cli.AgentTarget;
import io.tidemark.agent.cli.CliExit;
import io.tidemark.agent.cli.StopSignals;
import io.tidemark.peer.replica.FsyncPolicy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tidemark peer --agent HOST:PORT DST}: keep DST a replica of the agent's root. */
@Command(
    name = "peer",
    mixinStandardHelpOptions = true,
    description = {
      "Keep DST a replica of an agent's root until SIGTERM.",
      "Prints 'in sync at <cursor>' each time the replica catches up.",
      "Retries a lost agent with backoff; exits 1 when the agent refuses the token."
    })
final class PeerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DST", description = "replica directory (created if missing)")
  Path dst;

  @Mixin AgentOptions agent;

  @Option(names = "--state", paramLabel = "DIR",
      description = "peer state dir, outside DST (default: $XDG_STATE_HOME/tidemark/peers/...)")
  Path state;

  @Option(names = "--fsync", paramLabel = "always|batch|never", defaultValue = "batch",
      description = "when applied files reach the disk (default: ${DEFAULT-VALUE})")
  String fsync;

  @Override
  public Integer call() throws Exception {
    AgentTarget target = agent.target(spec);
    FsyncPolicy policy = Replica.fsync(spec, fsync);
    Path dstReal = Replica.checkDst(spec, dst);
    CountDownLatch stop = new CountDownLatch(1);
    StopSignals.onTerminate(stop::countDown);
    try (Channels channels = Channels.open(spec, target, agent.token(), agent.tlsCa())) {
      Replica replica;
      try {
        replica = Replica.start(spec, channels.channel, dstReal, state, policy,
            new InSyncListener("tidemark peer", System.out, System.err));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      try (replica) {
        System.err.println("tidemark peer: replicating " + target + " into " + dstReal
            + " (state in " + replica.state.dir() + ")");
        replica.client.refused().thenRun(stop::countDown);
        stop.await();
        if (replica.client.refused().isDone()) {
          System.err.println("tidemark peer: " + Replica.describeRefusal(target, replica.client.refused().join()));
          return CliExit.FAILURE;
        }
      }
    }
    return CliExit.OK;
  }
}
