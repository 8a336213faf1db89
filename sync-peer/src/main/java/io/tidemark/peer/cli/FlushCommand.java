package io.tidemark.peer.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tidemark.agent.cli.AgentOptions;
import io.tidemark.agent.cli.AgentTarget;
import io.tidemark.agent.cli.CliExit;
import io.tidemark.proto.v1.FlushRequest;
import io.tidemark.proto.v1.FlushResponse;
import io.tidemark.proto.v1.ReplicationServiceGrpc;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tidemark flush}: returns once every connected peer has applied everything up to now. */
@Command(
    name = "flush",
    mixinStandardHelpOptions = true,
    description = {
      "Wait until every peer of the agent has applied all changes made before this call.",
      "With --peers N, also wait until at least N peers are connected (a peer reconnecting at",
      "that moment is otherwise not waited for).",
      "Exit 0 when they have, 1 on timeout or when the agent cannot be reached."
    })
final class FlushCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentOptions agent;

  @Option(names = "--timeout", paramLabel = "S", defaultValue = "30",
      description = "seconds to wait (default: ${DEFAULT-VALUE})")
  double timeoutSeconds;

  @Option(names = "--peers", paramLabel = "N", defaultValue = "0",
      description = "wait for at least N connected peers (default: ${DEFAULT-VALUE}, the ones connected now)")
  int minPeers;

  @Override
  public Integer call() {
    if (!(timeoutSeconds > 0) || timeoutSeconds > 86_400) {
      throw new ParameterException(spec.commandLine(), "--timeout must be in (0, 86400] seconds");
    }
    if (minPeers < 0 || minPeers > 10_000) {
      throw new ParameterException(spec.commandLine(), "--peers must be in [0, 10000]");
    }
    AgentTarget target = agent.target(spec);
    long timeoutMs = Math.max(1, Math.round(timeoutSeconds * 1000));
    try (Channels channels = Channels.open(spec, target, agent.token(), agent.tlsCa())) {
      FlushResponse r = ReplicationServiceGrpc.newBlockingStub(channels.channel)
          .withDeadlineAfter(timeoutMs + 5_000, TimeUnit.MILLISECONDS)
          .flush(FlushRequest.newBuilder().setTimeoutMs((int) Math.min(timeoutMs, Integer.MAX_VALUE))
              .setMinPeers(minPeers).build());
      System.out.println("flushed: " + r.getPeers() + " peer(s) at " + r.getCursor());
      if (r.getPeers() == 0) {
        System.err.println("tidemark flush: no peer is connected to " + target
            + ", so nothing was waited for (use --peers N to wait for N replicas)");
      }
      return CliExit.OK;
    } catch (StatusRuntimeException e) {
      Status s = e.getStatus();
      String why = switch (s.getCode()) {
        case DEADLINE_EXCEEDED -> "timed out after " + timeoutSeconds + " s"
            + (s.getDescription() == null ? "" : ": " + s.getDescription());
        case UNAVAILABLE -> "no agent at " + target + " (" + s.getDescription() + ")";
        case UNIMPLEMENTED -> "the agent at " + target + " does not serve replication";
        case UNAUTHENTICATED -> "the agent refused the token (give --token or $TIDEMARK_TOKEN)";
        default -> s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
      };
      System.err.println("tidemark flush: " + why);
      return CliExit.FAILURE;
    }
  }
}
