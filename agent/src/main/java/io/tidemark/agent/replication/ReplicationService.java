package io.tidemark.agent.replication;

import io.grpc.BindableService;
import io.grpc.stub.ServerCallStreamObserver;
import io.tidemark.agent.service.JournalQueries;
import io.tidemark.proto.cursor.Cursor;
import io.tidemark.proto.delta.BlockSignature;
import io.tidemark.proto.delta.DeltaSummary;
import io.tidemark.proto.delta.SignatureCache;
import io.tidemark.proto.v1.FlushResponse;
import io.tidemark.proto.v1.SourceMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The source side of replication for one watched root: serves any number of peer streams from
 * the journal, and answers the {@code Flush} barrier.
 *
 * <pre>{@code
 * try (ReplicationService replication = ReplicationService.create(queries, root, stateDir)) {
 *   AgentServer.builder(queries).addService(replication.service()).start();
 *   replication.awaitAllPeersAt(queries.currentCursor(), 1, Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class ReplicationService implements AutoCloseable {
  /** Signatures of sent versions kept for delta encoding without a signature upload. */
  public static final long DEFAULT_SIGNATURE_CACHE_BYTES = 256L << 20;
  private static final int SENT_VERSIONS_PER_PEER = 1_000_000;

  private final JournalQueries journal;
  private final SourceTree tree;
  private final SignatureCache signatures;
  private final Set<PeerStream> streams = ConcurrentHashMap.newKeySet();
  private final Map<String, SentVersions> sent = new ConcurrentHashMap<>();
  private final Object progress = new Object();
  private final AtomicLong filesSent = new AtomicLong();
  private final AtomicLong wireBytes = new AtomicLong();
  private final AtomicLong literalBytes = new AtomicLong();

  private final SentVersionsStore store;
  /**
   * Signatures still being made by a stream's {@link BackgroundSigner}, by content SHA-256 (hex):
   * an edit that arrives before its basis's signature is done waits for it instead of costing the
   * peer a signature upload.
   */
  private final Map<String, CompletableFuture<BlockSignature>> pendingSignatures = new ConcurrentHashMap<>();

  private ReplicationService(
      JournalQueries journal, SourceTree tree, SignatureCache signatures, SentVersionsStore store) {
    this.journal = journal;
    this.tree = tree;
    this.signatures = signatures;
    this.store = store;
  }

  /**
   * A service that remembers what it sent each peer only while it runs (tests, benchmarks).
   *
   * @throws IOException when {@code root} cannot be resolved
   */
  public static ReplicationService create(JournalQueries journal, Path root) throws IOException {
    return new ReplicationService(
        journal, new SourceTree(root), new SignatureCache(DEFAULT_SIGNATURE_CACHE_BYTES), null);
  }

  /**
   * A service that keeps what it sent each peer (with the signatures) in {@code stateDir}, the
   * agent's state dir, so the first edit of a file after an agent restart needs no signature
   * upload either. {@link #close()} it after the server has stopped.
   *
   * @throws IOException when {@code root} cannot be resolved or the store cannot be created
   */
  public static ReplicationService create(JournalQueries journal, Path root, Path stateDir)
      throws IOException {
    SourceTree tree = new SourceTree(root);
    return new ReplicationService(journal, tree,
        new SignatureCache(DEFAULT_SIGNATURE_CACHE_BYTES), SentVersionsStore.open(stateDir));
  }

  /** Closes the store of sent versions; streams still running stop remembering. */
  @Override
  public void close() {
    for (CompletableFuture<BlockSignature> f : pendingSignatures.values()) {
      try {
        f.get(10, TimeUnit.SECONDS); // what was sent is remembered with its signature
      } catch (Exception e) {
        // failed or too slow: the next edit of that file costs a signature round trip
      }
    }
    if (store != null) {
      store.close();
    }
  }

  /** The gRPC service to add to the agent's server. */
  public BindableService service() {
    return new ReplicationGrpcService(this);
  }

  /** Names of the peers connected now. */
  public List<String> peers() {
    return streams.stream().map(PeerStream::peerName).sorted().toList();
  }

  /** Files, delta bytes on the wire and literal bytes sent to all peers so far. */
  public record Totals(long files, long wireBytes, long literalBytes) {}

  public Totals totals() {
    return new Totals(filesSent.get(), wireBytes.get(), literalBytes.get());
  }

  /**
   * Waits until at least {@code minPeers} peers are connected and every connected peer has acked
   * {@code cursor} or a later one.
   *
   * @return true when they have, false on timeout
   */
  public boolean awaitAllPeersAt(String cursor, int minPeers, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (streams.size() < minPeers || !allAt(cursor)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(progress, left);
      }
      return true;
    }
  }

  /**
   * {@code tidemark flush}: sync-to-now, take the cursor, wait for at least {@code minPeers}
   * connected peers and for every connected peer to ack it.
   */
  public CompletableFuture<FlushResponse> flush(Duration timeout, int minPeers) {
    long start = System.nanoTime();
    return journal
        .syncToNow(timeout)
        .thenApplyAsync(
            ignored -> {
              String cursor = journal.currentCursor();
              Duration left = timeout.minusNanos(System.nanoTime() - start);
              try {
                if (!awaitAllPeersAt(cursor, minPeers, left.isNegative() ? Duration.ZERO : left)) {
                  int connected = streams.size();
                  throw new CompletionException(
                      new TimeoutException(connected < minPeers
                          ? connected + " peer(s) connected within " + timeout.toMillis() + " ms, "
                              + minPeers + " asked for; is the peer running and pointed at this agent?"
                          : "not every peer applied " + cursor + " within " + timeout.toMillis()
                              + " ms; behind: " + behind(cursor)));
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
              }
              return FlushResponse.newBuilder().setCursor(cursor).setPeers(streams.size()).build();
            },
            r -> Thread.ofVirtual().start(r));
  }

  private String behind(String cursor) {
    return streams.stream()
        .filter(s -> !reached(s.acked(), cursor))
        .map(s -> s.peerName() + " at " + (s.acked().isEmpty() ? "(nothing acked)" : s.acked()))
        .toList()
        .toString();
  }

  private boolean allAt(String cursor) {
    for (PeerStream s : streams) {
      if (!reached(s.acked(), cursor)) {
        return false;
      }
    }
    return true;
  }

  /** True when {@code acked} is {@code target} or later in the same journal. */
  static boolean reached(String acked, String target) {
    if (acked.equals(target)) {
      return true;
    }
    if (acked.isEmpty()) {
      return false;
    }
    try {
      Cursor a = Cursor.parse(acked);
      Cursor t = Cursor.parse(target);
      return a.epoch() == t.epoch() && a.seq() >= t.seq();
    } catch (RuntimeException e) {
      return false;
    }
  }

  PeerStream open(ServerCallStreamObserver<SourceMessage> out) {
    PeerStream stream = new PeerStream(out, this, journal, tree);
    streams.add(stream);
    peerAcked(); // a flush waiting for --peers N counts it
    return stream;
  }

  SentVersions sentVersions(String peerName) {
    return sent.computeIfAbsent(peerName, n -> store == null
        ? SentVersions.inMemory(SENT_VERSIONS_PER_PEER) : SentVersions.stored(store, n));
  }

  void peerAcked() {
    synchronized (progress) {
      progress.notifyAll();
    }
  }

  void streamClosed(PeerStream stream) {
    if (streams.remove(stream)) {
      peerAcked();
    }
  }

  /**
   * The signature of the content with SHA-256 {@code sha256Hex}: from the cache, else the one still
   * being made (waited for), else {@code stored} (the sent-versions store), else null.
   */
  BlockSignature signatureFor(String sha256Hex, Supplier<BlockSignature> stored) {
    Optional<BlockSignature> cached = signatures.get(sha256Hex);
    if (cached.isPresent()) {
      return cached.get();
    }
    CompletableFuture<BlockSignature> pending = pendingSignatures.get(sha256Hex);
    if (pending != null) {
      try {
        return pending.get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } catch (Exception e) {
        // failed or stuck: fall back to what is stored, or a signature round trip
      }
    }
    return signatures.get(sha256Hex).orElseGet(stored);
  }

  /**
   * A stream sent content with {@code sha256} whose signature {@code signature} is still being
   * made: once done it goes into the cache, and {@code remember} runs with it (the stream's
   * sent-versions entry), before the pending entry goes, so a lookup always finds one of them.
   */
  void signing(byte[] sha256, CompletableFuture<BlockSignature> signature,
      Consumer<BlockSignature> remember) {
    String hex = HexFormat.of().formatHex(sha256);
    pendingSignatures.put(hex, signature);
    signature.whenComplete((sig, failure) -> {
      if (sig != null) {
        signatures.put(sha256, sig);
        remember.accept(sig);
      }
      pendingSignatures.remove(hex, signature);
    });
  }

  void countFile(DeltaSummary summary) {
    filesSent.incrementAndGet();
    wireBytes.addAndGet(summary.wireBytes());
    literalBytes.addAndGet(summary.literalBytes());
  }
}
