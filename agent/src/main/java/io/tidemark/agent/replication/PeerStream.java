package io.tidemark.agent.replication;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.tidemark.agent.journal.Change;
import io.tidemark.agent.service.ChangesPage;
import io.tidemark.agent.service.JournalQueries;
import io.tidemark.agent.service.NumberedChange;
import io.tidemark.proto.delta.BlockSignature;
import io.tidemark.proto.delta.CorruptSignatureException;
import io.tidemark.proto.delta.DeltaEncoder;
import io.tidemark.proto.delta.DeltaSummary;
import io.tidemark.proto.delta.SignatureGenerator;
import io.tidemark.proto.v1.Attrib;
import io.tidemark.proto.v1.Checkpoint;
import io.tidemark.proto.v1.Delete;
import io.tidemark.proto.v1.DeltaFrame;
import io.tidemark.proto.v1.FileBegin;
import io.tidemark.proto.v1.FileEnd;
import io.tidemark.proto.v1.Hello;
import io.tidemark.proto.v1.ManifestBatch;
import io.tidemark.proto.v1.ManifestEntry;
import io.tidemark.proto.v1.Mkdir;
import io.tidemark.proto.v1.NeedSignature;
import io.tidemark.proto.v1.PeerMessage;
import io.tidemark.proto.v1.ReconcileBegin;
import io.tidemark.proto.v1.ReconcileEnd;
import io.tidemark.proto.v1.Rename;
import io.tidemark.proto.v1.SourceMessage;
import io.tidemark.proto.v1.Symlink;
import io.tidemark.proto.v1.Want;
import io.tidemark.proto.v1.WantDone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer's {@code Replicate} stream on the source. Inbound messages (gRPC threads) only queue
 * and signal; one sender thread (virtual) owns the outbound side: it serves the peer's Wants,
 * reads journal pages from the peer's cursor, turns each change into instructions, and blocks
 * while the stream is not ready, so memory per peer is one delta frame whatever the peer's speed.
 */
final class PeerStream implements StreamObserver<PeerMessage> {
  private static final Logger log = LoggerFactory.getLogger(PeerStream.class);
  private static final HexFormat HEX = HexFormat.of();
  static final int PAGE = 512;
  private static final int MANIFEST_BATCH = 256;
  /**
   * Bytes gRPC may queue for this stream before {@code isReady} turns false. The default (32 KiB)
   * is less than one file of a typical tree, so the sender stopped and waited for the transport on
   * nearly every file; 1 MiB lets it run a few files ahead (memory per peer stays bounded by it).
   */
  static final int READY_THRESHOLD = 1 << 20;
  private static final BlockSignature EMPTY = SignatureGenerator.of(new byte[0]);

  private final ServerCallStreamObserver<SourceMessage> out;
  private final ReplicationService owner;
  private final JournalQueries journal;
  private final SourceTree tree;
  private final DeltaEncoder encoder = new DeltaEncoder();
  private BackgroundSigner signer;
  private final ConcurrentLinkedQueue<Want> wants = new ConcurrentLinkedQueue<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition signal = lock.newCondition();
  private boolean dirty;
  private volatile boolean closed;
  private volatile boolean halfClosed;
  private volatile String peerName = "?";
  private volatile String acked = "";
  private SentVersions sent;
  /**
   * Paths a record named whose entry was gone when read (renamed or deleted since). A later DELETED
   * or RENAMED record covers each: deletes drop it, renames move it and its content is sent at the
   * new name right after the Rename (which carries none). Checkpoints wait while this is not empty,
   * so an acked cursor never hides content still owed.
   */
  private final java.util.TreeSet<String> unsent = new java.util.TreeSet<>();
  private Thread sender;

  PeerStream(
      ServerCallStreamObserver<SourceMessage> out,
      ReplicationService owner,
      JournalQueries journal,
      SourceTree tree) {
    this.out = out;
    this.owner = owner;
    this.journal = journal;
    this.tree = tree;
    out.setOnReadyHandler(this::wake);
    out.setOnReadyThreshold(READY_THRESHOLD);
    out.setOnCancelHandler(this::close);
  }

  String peerName() {
    return peerName;
  }

  String acked() {
    return acked;
  }

  @Override
  public void onNext(PeerMessage m) {
    switch (m.getBodyCase()) {
      case HELLO -> start(m.getHello());
      case ACK -> {
        acked = m.getAck().getCursor();
        owner.peerAcked();
      }
      case WANT -> {
        wants.add(m.getWant());
        wake();
      }
      case REJECTED ->
          log.warn("peer {} rejected {}: {}", peerName, m.getRejected().getPath(),
              m.getRejected().getReason());
      default -> log.warn("peer {} sent an unknown message {}", peerName, m.getBodyCase());
    }
  }

  @Override
  public void onError(Throwable t) {
    log.info("peer {} disconnected: {}", peerName, Status.fromThrowable(t));
    close();
  }

  @Override
  public void onCompleted() {
    halfClosed = true;
    close();
  }

  private synchronized void start(Hello hello) {
    if (sender != null) {
      log.warn("peer {} sent a second Hello; ignored", peerName);
      return;
    }
    peerName = hello.getPeerName().isEmpty() ? "unnamed" : hello.getPeerName();
    sent = owner.sentVersions(peerName);
    signer = new BackgroundSigner(peerName);
    String cursor = hello.getCursor();
    sender = Thread.ofVirtual().name("tidemark-replicate-" + peerName).start(() -> run(cursor));
  }

  private void close() {
    closed = true;
    wake();
    owner.streamClosed(this);
  }

  private void wake() {
    lock.lock();
    try {
      dirty = true;
      signal.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void run(String cursor) {
    log.info("peer {} connected at {}", peerName, cursor.isEmpty() ? "(new replica)" : cursor);
    try (AutoCloseable ignored = journal.onAppend(this::wake)) {
      String reconcile = cursor.isEmpty() ? "new replica" : null;
      boolean checkpointed = false;
      String lastCheckpoint = "";
      while (!closed) {
        serveWants();
        if (reconcile != null) {
          cursor = reconcile(reconcile);
          reconcile = null;
          continue;
        }
        ChangesPage page;
        try {
          page = journal.changesSince(cursor, "", PAGE);
        } catch (IllegalArgumentException e) {
          reconcile = "the peer's cursor is not one of this agent's: " + e.getMessage();
          continue;
        }
        if (page.freshInstance()) {
          reconcile = "the journal cannot answer for the peer's cursor (fresh instance)";
          continue;
        }
        for (NumberedChange c : page.changes()) {
          instruct(c.change());
          serveWants();
        }
        cursor = page.cursor();
        if (unsent.isEmpty() && (!checkpointed || !cursor.equals(lastCheckpoint))) {
          lastCheckpoint = cursor;
          send(msg().setCheckpoint(Checkpoint.newBuilder().setCursor(cursor).setCaughtUp(!page.more())));
          checkpointed = true;
        }
        if (!page.more()) {
          awaitSignal();
        }
      }
    } catch (StreamClosed | io.grpc.StatusRuntimeException e) {
      // peer gone; it resumes from its last ack
    } catch (Exception e) {
      log.error("replication to peer {} failed: {}", peerName, e.toString(), e);
      try {
        out.onError(Status.INTERNAL.withDescription("source failed: " + e).asRuntimeException());
      } catch (RuntimeException ignored) {
        // already closed
      }
    } finally {
      close();
      encoder.close();
      signer.close();
      if (halfClosed) {
        try {
          out.onCompleted();
        } catch (RuntimeException ignored) {
          // already cancelled
        }
      }
    }
  }

  private void awaitSignal() throws InterruptedException {
    lock.lock();
    try {
      if (!dirty && !closed) {
        signal.await(1, TimeUnit.SECONDS);
      }
      dirty = false;
    } finally {
      lock.unlock();
    }
  }

  private void send(SourceMessage.Builder m) throws InterruptedException {
    lock.lock();
    try {
      while (!out.isReady() && !closed) {
        signal.await(100, TimeUnit.MILLISECONDS);
      }
    } finally {
      lock.unlock();
    }
    if (closed) {
      throw new StreamClosed();
    }
    out.onNext(m.build());
  }

  private static SourceMessage.Builder msg() {
    return SourceMessage.newBuilder();
  }

  private String reconcile(String reason) throws IOException, InterruptedException {
    String cursor = journal.currentCursor(); // before the walk: nothing changed during it is missed
    log.info("peer {}: initial reconcile ({})", peerName, reason);
    send(msg().setReconcileBegin(ReconcileBegin.newBuilder().setReason(reason)));
    List<ManifestEntry> batch = new ArrayList<>(MANIFEST_BATCH);
    long[] count = {0};
    try {
      tree.walk(
          "",
          e -> {
            batch.add(manifestEntry(e));
            count[0]++;
            if (batch.size() == MANIFEST_BATCH) {
              sendUnchecked(msg().setManifest(ManifestBatch.newBuilder().addAllEntries(batch)));
              batch.clear();
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (Interrupted e) {
      throw (InterruptedException) e.getCause();
    }
    if (!batch.isEmpty()) {
      send(msg().setManifest(ManifestBatch.newBuilder().addAllEntries(batch)));
    }
    send(msg().setReconcileEnd(ReconcileEnd.newBuilder().setCursor(cursor).setEntries(count[0])));
    return cursor;
  }

  private void sendUnchecked(SourceMessage.Builder m) {
    try {
      send(m);
    } catch (InterruptedException e) {
      throw new Interrupted(e);
    }
  }

  private static ManifestEntry manifestEntry(SourceTree.Entry e) {
    ManifestEntry.Builder b =
        ManifestEntry.newBuilder()
            .setPath(e.path())
            .setSize(e.size())
            .setMtimeNs(e.mtimeNs())
            .setMode(e.mode());
    switch (e.type()) {
      case FILE -> b.setType(ManifestEntry.Type.TYPE_FILE);
      case DIR -> b.setType(ManifestEntry.Type.TYPE_DIR);
      case SYMLINK -> b.setType(ManifestEntry.Type.TYPE_SYMLINK).setLinkTarget(e.target());
    }
    return b.build();
  }

  /** One journal record → instructions, from SRC as it is now (a later record covers what moves on). */
  private void instruct(Change c) throws IOException, InterruptedException {
    switch (c.kind()) {
      case DELETED -> {
        sent.remove(c.path());
        removeUnder(c.path());
        send(msg().setDelete(Delete.newBuilder().setPath(c.path())));
      }
      case RENAMED -> {
        sent.rename(c.from(), c.path());
        removeUnder(c.path());
        List<String> moved = new ArrayList<>();
        for (String u : removeUnder(c.from())) {
          moved.add(c.path() + u.substring(c.from().length()));
        }
        send(msg().setRename(Rename.newBuilder().setFrom(c.from()).setTo(c.path())));
        for (String m : moved) {
          SourceTree.Entry e = tree.stat(m);
          if (e == null) {
            unsent.add(m);
          } else {
            sendEntry(e, false);
          }
        }
      }
      case ATTRIB -> {
        SourceTree.Entry e = tree.stat(c.path());
        if (e == null) {
          unsent.add(c.path());
        } else if (e.type() != SourceTree.Type.SYMLINK) {
          send(msg().setAttrib(Attrib.newBuilder().setPath(e.path()).setMode(e.mode()).setMtimeNs(e.mtimeNs())));
        }
      }
      case CREATED, MODIFIED -> {
        SourceTree.Entry e = tree.stat(c.path());
        if (e == null) {
          unsent.add(c.path());
        } else {
          unsent.remove(c.path());
          sendEntry(e, c.kind() == io.tidemark.agent.journal.ChangeKind.CREATED);
        }
      }
    }
  }

  /** Removes and returns the unsent paths at or under {@code path}. */
  private List<String> removeUnder(String path) {
    List<String> out = new ArrayList<>();
    for (String u : unsent.subSet(path, true, path + "/\uffff", true)) {
      if (u.equals(path) || u.startsWith(path + "/")) {
        out.add(u);
      }
    }
    unsent.removeAll(out);
    return out;
  }

  private void sendEntry(SourceTree.Entry e, boolean created) throws IOException, InterruptedException {
    switch (e.type()) {
      case DIR -> send(msg().setMkdir(Mkdir.newBuilder().setPath(e.path()).setMode(e.mode()).setMtimeNs(e.mtimeNs())));
      case SYMLINK -> send(msg().setSymlink(Symlink.newBuilder().setPath(e.path()).setTarget(e.target())));
      case FILE -> {
        String known = sent.get(e.path());
        BlockSignature basis = known == null ? null
            : owner.signatureFor(known, () -> sent.signature(e.path(), known));
        if (basis != null) {
          sendFile(e.path(), basis, HEX.parseHex(known), false);
        } else if (created && known == null) {
          sendFile(e.path(), EMPTY, new byte[0], false);
        } else {
          send(msg().setNeedSignature(NeedSignature.newBuilder().setPath(e.path())));
        }
      }
    }
  }

  private void serveWants() throws IOException, InterruptedException {
    for (Want w; (w = wants.poll()) != null; ) {
      SourceTree.Entry e = tree.stat(w.getPath());
      if (e == null) {
        // gone: the peer keeps wanting it until the record that moved it reaches the peer; a
        // fifo or the like is there but not replicated, nothing to wait for
        send(msg().setWantDone(WantDone.newBuilder().setPath(w.getPath()).setGone(tree.absent(w.getPath()))));
        continue;
      }
      switch (e.type()) {
        case FILE -> sendFile(e.path(), signatureOf(w), new byte[0], true);
        case SYMLINK -> {
          sendEntry(e, false);
          send(msg().setWantDone(WantDone.newBuilder().setPath(w.getPath())));
        }
        case DIR -> {
          List<SourceTree.Entry> subtree = new ArrayList<>();
          subtree.add(e);
          tree.walk(e.path(), subtree::add);
          for (SourceTree.Entry s : subtree) {
            if (s.type() == SourceTree.Type.FILE) {
              sendFile(s.path(), EMPTY, new byte[0], false); // part of the answer, not one itself
            } else {
              sendEntry(s, false);
            }
          }
          send(msg().setWantDone(WantDone.newBuilder().setPath(w.getPath())));
        }
      }
    }
  }

  private BlockSignature signatureOf(Want w) {
    if (w.getSignature().isEmpty()) {
      return EMPTY;
    }
    try {
      return BlockSignature.parse(w.getSignature().toByteArray());
    } catch (CorruptSignatureException ex) {
      log.warn("peer {} sent a corrupt signature for {} ({}); sending it whole", peerName, w.getPath(), ex.getMessage());
      return EMPTY;
    }
  }

  /**
   * FileBegin, the delta frames, FileEnd. A file that cannot be opened any more is skipped (a later
   * record covers it); one that fails while read ends with an empty sha256, which the peer discards.
   */
  private void sendFile(String path, BlockSignature basis, byte[] basisHash, boolean replyToWant)
      throws IOException, InterruptedException {
    try (FileChannel in = tree.open(path)) {
      SourceTree.Entry before = in == null ? null : tree.stat(path);
      if (before == null || before.type() != SourceTree.Type.FILE) {
        unsent.add(path); // gone since: a later record covers it, content owed
        if (replyToWant) {
          send(msg().setWantDone(WantDone.newBuilder().setPath(path).setGone(true)));
        }
        return;
      }
      send(msg().setFileBegin(FileBegin.newBuilder().setPath(path)
          .setBasisHash(ByteString.copyFrom(basisHash)).setReplyToWant(replyToWant)));
      BackgroundSigner.Job next = signer.start(in.size());
      DeltaSummary summary = null;
      try {
        summary = encoder.encode(basis, in, frame -> {
          try {
            // a copy: an in-process transport hands the message over without serialising it
            send(msg().setDeltaFrame(DeltaFrame.newBuilder().setFrame(ByteString.copyFrom(frame))));
          } catch (InterruptedException ex) {
            throw new Interrupted(ex);
          }
        }, next);
      } catch (Interrupted ex) {
        throw (InterruptedException) ex.getCause();
      } catch (IOException ex) {
        log.warn("peer {}: reading {} failed ({}); a later record covers it", peerName, path, ex.toString());
        send(msg().setFileEnd(FileEnd.getDefaultInstance()));
        return;
      } finally {
        if (summary == null) {
          next.abandon();
        }
      }
      SourceTree.Entry after = tree.stat(path);
      if (after == null) {
        after = before;
        unsent.add(path); // moved or deleted while read: a later record covers it, content owed
      }
      FileEnd.Builder end = FileEnd.newBuilder().setSize(summary.newLength())
          .setSha256(ByteString.copyFrom(summary.sha256()));
      if (after != null) {
        end.setMode(after.mode()).setMtimeNs(after.mtimeNs());
      }
      send(msg().setFileEnd(end));
      // the hash now, in journal order with later renames and deletes; the signature when made
      String hex = summary.sha256Hex();
      sent.put(path, hex, null);
      owner.signing(summary.sha256(), next.finish(), sig -> sent.attach(path, hex, sig));
      owner.countFile(summary);
    }
  }

  /** The stream ended under the sender. */
  private static final class StreamClosed extends RuntimeException {
    StreamClosed() {
      super(null, null, false, false);
    }
  }

  /** Carries an interrupt through the encoder's and walker's callbacks. */
  private static final class Interrupted extends RuntimeException {
    Interrupted(InterruptedException cause) {
      super(cause);
    }
  }
}
