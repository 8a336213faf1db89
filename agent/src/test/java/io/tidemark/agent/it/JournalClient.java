package io.tidemark.agent.it;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.tidemark.proto.v1.Change;
import io.tidemark.proto.v1.ChangesRequest;
import io.tidemark.proto.v1.ChangesResponse;
import io.tidemark.proto.v1.JournalServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A plain gRPC client of one agent's JournalService, paging through {@code more}. */
public final class JournalClient implements AutoCloseable {
  private final ManagedChannel channel;

  private JournalClient(ManagedChannel channel) {
    this.channel = channel;
  }

  public static JournalClient connect(String target) {
    return new JournalClient(ManagedChannelBuilder.forTarget(target).usePlaintext().build());
  }

  /** Every change since {@code since} (all pages), the final cursor and fresh_instance. */
  public record Answer(String cursor, boolean freshInstance, List<Change> changes) {}

  public JournalServiceGrpc.JournalServiceBlockingStub stub() {
    return JournalServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  public JournalServiceGrpc.JournalServiceStub async() {
    return JournalServiceGrpc.newStub(channel);
  }

  public ManagedChannel channel() {
    return channel;
  }

  public Answer changes(String since, boolean sync) {
    ChangesResponse first =
        stub().changes(ChangesRequest.newBuilder().setSince(since).setSync(sync).build());
    List<Change> all = new ArrayList<>(first.getChangesList());
    String cursor = first.getCursor();
    boolean more = first.getMore();
    while (more) {
      ChangesResponse next = stub().changes(ChangesRequest.newBuilder().setSince(cursor).build());
      all.addAll(next.getChangesList());
      cursor = next.getCursor();
      more = next.getMore();
    }
    return new Answer(cursor, first.getFreshInstance(), all);
  }

  /** The cursor after every write made before this call (sync-to-now). */
  public String syncedCursor() {
    return changes("", true).cursor();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(10, TimeUnit.SECONDS);
  }
}
