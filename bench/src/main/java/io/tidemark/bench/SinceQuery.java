package io.tidemark.bench;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.tidemark.proto.v1.ChangesRequest;
import io.tidemark.proto.v1.ChangesResponse;
import io.tidemark.proto.v1.JournalServiceGrpc;
import io.tidemark.proto.v1.StatusRequest;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Times {@code Changes(since)} over gRPC inside one JVM (no launcher, no JVM start-up in the
 * figure): follows {@code more} until the whole answer is in, warm-up first, then prints
 * {@code paths=N runs=R min_ms=.. median_ms=.. mean_ms=.. max_ms=..} on one line.
 *
 * <pre>
 * java -cp ... io.tidemark.bench.SinceQuery HOST:PORT cursor          # prints the current cursor
 * java -cp ... io.tidemark.bench.SinceQuery HOST:PORT time CURSOR [WARMUP RUNS [sync]]
 * </pre>
 */
public final class SinceQuery {
  private SinceQuery() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: SinceQuery HOST:PORT cursor | time CURSOR [WARMUP RUNS [sync]]");
      System.exit(2);
    }
    ManagedChannel channel = ManagedChannelBuilder.forTarget(args[0]).usePlaintext()
        .maxInboundMessageSize(256 << 20).build();
    try {
      var stub = JournalServiceGrpc.newBlockingStub(channel);
      if (args[1].equals("cursor")) {
        System.out.println(stub.status(StatusRequest.getDefaultInstance()).getCursor());
        return;
      }
      String since = args[2];
      int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 5;
      int runs = args.length > 4 ? Integer.parseInt(args[4]) : 20;
      boolean sync = args.length > 5 && args[5].equals("sync");
      long paths = 0;
      for (int i = 0; i < warmup; i++) {
        paths = query(stub, since, sync);
      }
      double[] ms = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        paths = query(stub, since, sync);
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      Arrays.sort(ms);
      double mean = Arrays.stream(ms).average().orElse(0);
      System.out.printf("paths=%d runs=%d min_ms=%.2f median_ms=%.2f mean_ms=%.2f max_ms=%.2f%n",
          paths, runs, ms[0], ms[runs / 2], mean, ms[runs - 1]);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** One whole answer (all pages); returns the number of changes. */
  private static long query(JournalServiceGrpc.JournalServiceBlockingStub stub, String since,
      boolean sync) {
    long n = 0;
    String cursor = since;
    boolean first = true;
    while (true) {
      ChangesResponse r = stub.changes(ChangesRequest.newBuilder().setSince(cursor)
          .setSync(sync && first).setLimit(100_000).build());
      if (r.getFreshInstance()) {
        throw new IllegalStateException("fresh_instance for " + since);
      }
      n += r.getChangesCount();
      cursor = r.getCursor();
      first = false;
      if (!r.getMore()) {
        return n;
      }
    }
  }
}
