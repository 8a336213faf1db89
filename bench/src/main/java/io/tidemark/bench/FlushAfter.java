package io.tidemark.bench;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.tidemark.proto.v1.FlushRequest;
import io.tidemark.proto.v1.FlushResponse;
import io.tidemark.proto.v1.ReplicationServiceGrpc;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Times "change on SRC until every peer applied it" from a warm JVM (no launcher, no JVM start-up
 * in the figure, unlike {@code tidemark flush}): a few warm-up {@code Flush} calls on an open
 * channel, then the clock starts, COMMAND runs (the edit, rename, ...), and a {@code Flush} is
 * sent the moment it exits; the clock stops when the agent answers that every connected peer has
 * acked a cursor covering the change. Prints {@code edit_ms=.. flush_ms=.. total_ms=.. peers=N}.
 * Exits 1 when the flush fails or times out, with the agent's message on stderr.
 *
 * <pre>
 * java -cp ... io.tidemark.bench.FlushAfter HOST:PORT TIMEOUT_S COMMAND [ARGS...]
 * </pre>
 */
public final class FlushAfter {
  private FlushAfter() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: FlushAfter HOST:PORT TIMEOUT_S COMMAND [ARGS...]");
      System.exit(2);
    }
    int timeoutMs = (int) Math.round(Double.parseDouble(args[1]) * 1000);
    String[] command = Arrays.copyOfRange(args, 2, args.length);
    ManagedChannel channel = ManagedChannelBuilder.forTarget(args[0]).usePlaintext().build();
    try {
      var stub = ReplicationServiceGrpc.newBlockingStub(channel);
      FlushRequest request = FlushRequest.newBuilder().setTimeoutMs(timeoutMs).build();
      for (int i = 0; i < 5; i++) {
        flush(stub, request, timeoutMs);
      }
      // the process machinery warmed up too, so the edit's figure is the command's own
      new ProcessBuilder("true").inheritIO().start().waitFor();
      long t0 = System.nanoTime();
      int rc = new ProcessBuilder(command).inheritIO().start().waitFor();
      long t1 = System.nanoTime();
      if (rc != 0) {
        System.err.println("FlushAfter: " + String.join(" ", command) + " exited " + rc);
        System.exit(1);
      }
      FlushResponse r;
      try {
        r = flush(stub, request, timeoutMs);
      } catch (StatusRuntimeException e) {
        System.err.println("FlushAfter: flush failed: " + e.getStatus());
        System.exit(1);
        return;
      }
      long t2 = System.nanoTime();
      System.out.printf("edit_ms=%.2f flush_ms=%.2f total_ms=%.2f peers=%d%n",
          (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t2 - t0) / 1e6, r.getPeers());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static FlushResponse flush(
      ReplicationServiceGrpc.ReplicationServiceBlockingStub stub, FlushRequest request, int timeoutMs) {
    return stub.withDeadlineAfter(timeoutMs + 5_000L, TimeUnit.MILLISECONDS).flush(request);
  }
}
