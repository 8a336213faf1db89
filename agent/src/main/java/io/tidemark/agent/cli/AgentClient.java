package io.tidemark.agent.cli;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tidemark.agent.service.BearerToken;
import io.tidemark.proto.v1.JournalServiceGrpc;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A channel to one agent for the length of one subcommand, and its errors as one line. */
final class AgentClient implements AutoCloseable {
  /** Every call's deadline; a sync-to-now answers within the agent's own (shorter) timeout. */
  static final Duration CALL_DEADLINE = Duration.ofSeconds(60);

  private final AgentTarget target;
  private final ManagedChannel channel;
  private final String token;
  private final boolean tls;

  AgentClient(AgentTarget target, ManagedChannel channel, String token, boolean tls) {
    this.target = target;
    this.channel = channel;
    this.token = token;
    this.tls = tls;
  }

  /** A stub with the token attached and a fresh deadline; take one per call. */
  JournalServiceGrpc.JournalServiceBlockingStub journal() {
    JournalServiceGrpc.JournalServiceBlockingStub stub =
        JournalServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    return token == null ? stub : stub.withCallCredentials(new BearerToken(token));
  }

  /** Prints what went wrong as one line on {@code err}; returns the exit code. */
  int fail(StatusRuntimeException e, PrintWriter err, String command) {
    Status status = e.getStatus();
    String description = status.getDescription() == null ? "" : status.getDescription();
    String message =
        switch (status.getCode()) {
          case UNAVAILABLE ->
              refused(e)
                  ? "no agent at " + target + ": start one with `tidemark agent DIR`"
                  : "the agent at " + target + " is unavailable: " + description
                      + (tls ? "" : " (if it serves TLS, pass --tls-ca)");
          case UNAUTHENTICATED -> "the agent at " + target + " refused the call: " + description;
          case INVALID_ARGUMENT -> description;
          case DEADLINE_EXCEEDED ->
              description.startsWith("sync-to-now")
                  ? description
                  : "the agent at " + target + " did not answer in time (" + description + ")";
          default -> "the agent at " + target + " answered " + status.getCode() + ": " + description;
        };
    err.println(command + ": " + message);
    err.flush();
    return status.getCode() == Status.Code.INVALID_ARGUMENT ? CliExit.USAGE : CliExit.FAILURE;
  }

  /** Nothing listens there (as opposed to a TLS mismatch or a dropped connection). */
  private static boolean refused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
