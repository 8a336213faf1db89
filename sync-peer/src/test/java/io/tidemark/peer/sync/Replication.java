package io.tidemark.peer.sync;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.ChangeKind;
import io.tidemark.agent.replication.ReplicationService;
import io.tidemark.peer.replica.FsyncPolicy;
import io.tidemark.peer.replica.ReplicaWriter;
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
final class Replication implements AutoCloseable {
  final Path src;
  final Path dst;
  final Path stateDir;
  final RecordingJournal journal = new RecordingJournal(7);
  final ReplicationService service;
  final List<String> rejected = new CopyOnWriteArrayList<>();
  private final Server server;
  private final ManagedChannel channel;
  private ReplicaClient client;

  Replication(Path tmp) throws IOException {
    this.src = Files.createDirectories(tmp.resolve("src"));
    this.dst = Files.createDirectories(tmp.resolve("dst"));
    this.stateDir = tmp.resolve("state");
    this.service = ReplicationService.create(journal, src);
    String name = "replication-" + System.nanoTime();
    this.server = InProcessServerBuilder.forName(name).addService(service.service()).build().start();
    this.channel = InProcessChannelBuilder.forName(name).build();
  }

  Replication startPeer() throws IOException {
    ReplicaWriter writer = new ReplicaWriter(dst, FsyncPolicy.BATCH);
    PeerState state = PeerState.open(stateDir, dst);
    client = ReplicaClient.start(channel, writer, state, "test-peer", new ReplicaListener() {
      @Override
      public void rejected(String path, String reason) {
        rejected.add(reason);
      }
    });
    return this;
  }

  void stopPeer() {
    client.close();
    client = null;
  }

  /** Waits until the peer acked everything journalled so far. */
  void flush() throws InterruptedException {
    String cursor = journal.currentCursor();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (service.peers().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    if (!service.awaitAllPeersAt(cursor, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
      throw new AssertionError("peer did not reach " + cursor);
    }
  }

  void write(String path, byte[] content) throws IOException {
    Path p = src.resolve(path);
    boolean existed = Files.exists(p);
    Files.write(p, content);
    journal.append(Change.of(existed ? ChangeKind.MODIFIED : ChangeKind.CREATED, path, false));
  }

  void mkdir(String path) throws IOException {
    Files.createDirectory(src.resolve(path));
    journal.append(Change.of(ChangeKind.CREATED, path, true));
  }

  void rename(String from, String to) throws IOException {
    boolean dir = Files.isDirectory(src.resolve(from), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    Files.move(src.resolve(from), src.resolve(to), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    journal.append(Change.renamed(from, to, dir));
  }

  void delete(String path) throws IOException {
    boolean dir = Files.isDirectory(src.resolve(path), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    ReplicaWriter.removeTree(src.resolve(path));
    journal.append(Change.of(ChangeKind.DELETED, path, dir));
  }

  void symlink(String path, String target) throws IOException {
    Files.createSymbolicLink(src.resolve(path), Path.of(target));
    journal.append(Change.of(ChangeKind.CREATED, path, false));
  }

  void chmod(String path, int mode) throws IOException {
    Files.setAttribute(src.resolve(path), "unix:mode", mode);
    journal.append(Change.of(ChangeKind.ATTRIB, path, false));
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
