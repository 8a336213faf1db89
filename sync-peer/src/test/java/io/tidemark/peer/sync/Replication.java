package io.tidemark.peer.sync;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.tidemark.agent.replication.ReplicationService;
import io.tidemark.peer.replica.FsyncPolicy;
import io.tidemark.peer.replica.ReplicaWriter;
import io.tidemark.proto.cursor.Cursor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test rig: SRC with a {@link RecordingJournal}, a {@link ReplicationService} on an in-process
 * server, and a {@link ReplicaClient} on DST with its state dir. Operations on SRC go through
 * {@link #write}, {@link #rename}, ... which also journal them.
 */
final class Replication implements SrcOps, AutoCloseable {
  final Path src;
  final Path dst;
  final Path stateDir;
  final RecordingJournal journal;
  final ReplicationService service;
  final List<String> rejected = new CopyOnWriteArrayList<>();
  /** Reasons of the initial reconciles the peer was sent. */
  final List<String> reconciles = new CopyOnWriteArrayList<>();
  private final JournallingOps ops;
  private final Server server;
  private final ManagedChannel channel;
  private ReplicaClient client;
  private PeerState state;

  Replication(Path tmp) throws IOException {
    this(tmp, 7);
  }

  /** A source whose journal has {@code epoch}; a new epoch on the same dirs is a recreated journal. */
  Replication(Path tmp, long epoch) throws IOException {
    this.journal = new RecordingJournal(epoch);
    this.src = Files.createDirectories(tmp.resolve("src"));
    this.ops = new JournallingOps(src, journal);
    this.dst = Files.createDirectories(tmp.resolve("dst"));
    this.stateDir = tmp.resolve("state");
    this.service = ReplicationService.create(journal, src);
    String name = "replication-" + System.nanoTime();
    this.server = InProcessServerBuilder.forName(name).addService(service.service()).build().start();
    this.channel = InProcessChannelBuilder.forName(name).build();
  }

  Replication startPeer() throws IOException {
    ReplicaWriter writer = new ReplicaWriter(dst, FsyncPolicy.BATCH);
    state = PeerState.open(stateDir, dst);
    client = ReplicaClient.start(channel, writer, state, "test-peer", new ReplicaListener() {
      @Override
      public void rejected(String path, String reason) {
        rejected.add(reason);
      }

      @Override
      public void reconciling(String reason) {
        reconciles.add(reason);
      }
    });
    return this;
  }

  void stopPeer() {
    client.close();
    client = null;
  }

  /**
   * Waits until the peer has applied and recorded everything journalled so far. Asks the peer's
   * own state, not the source's view: right after a restart the source may still hold the old,
   * cancelled stream, and once that one goes, "every connected peer is there" holds for an empty
   * set before the new stream opens (that made ReplicationResumeTest flaky).
   */
  void flush() {
    Cursor target = Cursor.parse(journal.currentCursor());
    PeerState s = state;
    await("the peer records " + target).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
        .until(() -> reached(s.cursor(), target));
  }

  private static boolean reached(String recorded, Cursor target) {
    try {
      Cursor c = Cursor.parse(recorded);
      return c.epoch() == target.epoch() && c.seq() >= target.seq();
    } catch (IllegalArgumentException notYet) {
      return false; // nothing recorded yet, or a test's planted garbage the peer has not replaced
    }
  }

  @Override
  public Path src() {
    return src;
  }

  @Override
  public void write(String path, byte[] content) throws IOException {
    ops.write(path, content);
  }

  @Override
  public void mkdir(String path) throws IOException {
    ops.mkdir(path);
  }

  @Override
  public void rename(String from, String to) throws IOException {
    ops.rename(from, to);
  }

  @Override
  public void delete(String path) throws IOException {
    ops.delete(path);
  }

  @Override
  public void symlink(String path, String target) throws IOException {
    ops.symlink(path, target);
  }

  @Override
  public void chmod(String path, int mode) throws IOException {
    ops.chmod(path, mode);
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    channel.shutdownNow();
    server.shutdownNow();
  }
}
