package io.tidemark.peer.sync;

import com.google.protobuf.ByteString;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.tidemark.peer.replica.ConfinementException;
import io.tidemark.peer.replica.ReplicaWriter;
import io.tidemark.peer.replica.SafePath;
import io.tidemark.proto.delta.BlockSignature;
import io.tidemark.proto.delta.DeltaException;
import io.tidemark.proto.v1.Ack;
import io.tidemark.proto.v1.FileEnd;
import io.tidemark.proto.v1.Hello;
import io.tidemark.proto.v1.ManifestEntry;
import io.tidemark.proto.v1.PeerMessage;
import io.tidemark.proto.v1.Rejected;
import io.tidemark.proto.v1.SourceMessage;
import io.tidemark.proto.v1.Want;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code Replicate} stream on the peer. Messages are applied one at a time in stream order
 * (gRPC delivers them serially; at most {@link #IN_FLIGHT} are requested beyond those applied, so
 * a slow disk slows the source, never grows memory). Anything the peer cannot apply from what it
 * holds — a delta whose result fails its SHA-256, a basis the source does not know, a rename whose
 * source is missing, a file the reconcile found different — becomes a {@code Want}; the path stays
 * pending (and follows renames) until content arrives, and checkpoints are acked only while
 * nothing is pending, so a recorded cursor always means "everything up to here is on disk".
 */
final class ReplicaSession implements ClientResponseObserver<PeerMessage, SourceMessage> {
  private static final Logger log = LoggerFactory.getLogger(ReplicaSession.class);
  /**
   * Messages gRPC may deliver ahead of the one being applied (each at most one delta frame, 1 MiB,
   * or a manifest batch; HTTP/2 flow control bounds the bytes as well), asked for {@value
   * #REQUEST_BATCH} at a time: asking for one after each message cost two thread hand-offs per
   * message, four messages per small file, and a pipeline of only a few files.
   */
  static final int IN_FLIGHT = 64;
  static final int REQUEST_BATCH = 32;

  private final ReplicaWriter writer;
  private final PeerState state;
  private final ReplicaListener listener;
  private final String peerName;
  private final CompletableFuture<Throwable> ended = new CompletableFuture<>();
  /** Wanted path → attempts (the second failed verification asks for the whole file). */
  private final Map<String, Integer> pending = new LinkedHashMap<>();
  private ClientCallStreamObserver<PeerMessage> requests;
  private ReplicaWriter.IncomingFile current;
  /** The file being received answers a Want (its FileEnd is that Want's answer). */
  private boolean currentAnswersWant;
  /**
   * Wants sent and not answered yet. Checkpoints wait for them too: an answer still in flight
   * after an ack would rewrite a file after {@code flush} returned (a temp file in DST).
   */
  private int unansweredWants;
  private boolean skippingFile;
  private Set<String> reconcileSeen;
  private final CopyProgress copy = new CopyProgress();
  private String checkpoint;
  private boolean caughtUp;
  /** The caughtUp last told to the listener: a caught-up checkpoint at the acked cursor tells it. */
  private boolean reportedCaughtUp;
  private String acked = "";
  private int appliedSinceRequest;

  ReplicaSession(ReplicaWriter writer, PeerState state, ReplicaListener listener, String peerName) {
    this.writer = writer;
    this.state = state;
    this.listener = listener;
    this.peerName = peerName;
  }

  /** Completes (with the error, or null) when the stream ends. */
  CompletableFuture<Throwable> ended() {
    return ended;
  }

  boolean ackedAnything() {
    return !acked.isEmpty();
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<PeerMessage> requestStream) {
    this.requests = requestStream;
    requestStream.disableAutoRequestWithInitial(IN_FLIGHT);
  }

  void hello() {
    requests.onNext(PeerMessage.newBuilder()
        .setHello(Hello.newBuilder().setCursor(state.cursor()).setPeerName(peerName)).build());
  }

  @Override
  public void onNext(SourceMessage m) {
    try {
      apply(m);
    } catch (IOException e) {
      log.error("applying {} failed: {}", m.getBodyCase(), e.toString());
      requests.onError(io.grpc.Status.INTERNAL.withDescription("peer cannot apply: " + e).asRuntimeException());
      ended.complete(e);
      return;
    }
    if (++appliedSinceRequest >= REQUEST_BATCH) { // one wake of the transport thread per batch
      requests.request(appliedSinceRequest);
      appliedSinceRequest = 0;
    }
  }

  @Override
  public void onError(Throwable t) {
    abortCurrent();
    ended.complete(t);
  }

  @Override
  public void onCompleted() {
    abortCurrent();
    ended.complete(null);
  }

  void cancel(String why) {
    if (requests != null) {
      requests.cancel(why, null);
    }
  }

  private void apply(SourceMessage m) throws IOException {
    try {
      switch (m.getBodyCase()) {
        case MKDIR -> writer.mkdir(SafePath.parse(m.getMkdir().getPath()), m.getMkdir().getMode(), m.getMkdir().getMtimeNs());
        case SYMLINK -> writer.symlink(SafePath.parse(m.getSymlink().getPath()), m.getSymlink().getTarget());
        case DELETE -> {
          SafePath p = SafePath.parse(m.getDelete().getPath());
          writer.delete(p);
          pending.keySet().removeIf(k -> p.contains(pathOrNull(k)));
          maybeAck();
        }
        case RENAME -> rename(SafePath.parse(m.getRename().getFrom()), SafePath.parse(m.getRename().getTo()));
        case FILE_BEGIN -> {
          currentAnswersWant = m.getFileBegin().getReplyToWant();
          beginFile(m.getFileBegin().getPath());
        }
        case DELTA_FRAME -> {
          if (current != null) {
            current.accept(m.getDeltaFrame().getFrame().asReadOnlyByteBuffer());
          }
        }
        case FILE_END -> {
          if (currentAnswersWant) {
            currentAnswersWant = false;
            unansweredWants--;
          }
          endFile(m.getFileEnd());
        }
        case ATTRIB -> writer.attrib(SafePath.parse(m.getAttrib().getPath()), m.getAttrib().getMode(), m.getAttrib().getMtimeNs());
        case NEED_SIGNATURE -> want(SafePath.parse(m.getNeedSignature().getPath()), "the source holds no signature of our version", false);
        case CHECKPOINT -> {
          checkpoint = m.getCheckpoint().getCursor();
          caughtUp = m.getCheckpoint().getCaughtUp();
          maybeAck();
        }
        case RECONCILE_BEGIN -> {
          log.info("initial reconcile: {}", m.getReconcileBegin().getReason());
          listener.reconciling(m.getReconcileBegin().getReason());
          reconcileSeen = new HashSet<>();
          copy.reset();
          // the manifest decides anew what is owed; records that would have settled a gone want
          // are skipped by a reconcile (answers to earlier Wants may still come and are applied)
          pending.clear();
        }
        case MANIFEST -> {
          for (ManifestEntry e : m.getManifest().getEntriesList()) {
            reconcile(e);
          }
          copy.report(listener);
        }
        case RECONCILE_END -> {
          deleteExtras();
          checkpoint = m.getReconcileEnd().getCursor();
          caughtUp = false;
          maybeAck();
        }
        case WANT_DONE -> {
          unansweredWants--;
          if (!m.getWantDone().getGone()) {
            pending.remove(m.getWantDone().getPath());
            landed(m.getWantDone().getPath());
          } // gone: the rename or delete that explains it is still ahead in this stream
          maybeAck();
        }
        default -> log.warn("unknown instruction {} ignored", m.getBodyCase());
      }
    } catch (ConfinementException e) {
      reject(e.path(), e.getMessage());
    }
  }

  private static SafePath pathOrNull(String p) {
    try {
      return SafePath.parse(p);
    } catch (ConfinementException e) {
      throw new IllegalStateException(e);
    }
  }

  private void rename(SafePath from, SafePath to) throws IOException, ConfinementException {
    boolean moved = writer.rename(from, to);
    List<String> follow = new ArrayList<>();
    for (var it = pending.keySet().iterator(); it.hasNext(); ) {
      String k = it.next();
      if (k.equals(from.path()) || k.startsWith(from.path() + "/")) {
        it.remove();
        follow.add(to.path() + k.substring(from.path().length()));
      }
    }
    for (String k : follow) {
      want(SafePath.parse(k), "pending content followed a rename", false);
    }
    if (!moved && writer.stat(to) == null) {
      want(to, "rename source " + from + " is missing here", true);
    }
  }

  private void beginFile(String wire) throws IOException, ConfinementException {
    abortCurrent();
    skippingFile = true; // until the begin succeeds: frames and end of a refused file are dropped
    current = writer.beginFile(SafePath.parse(wire));
    skippingFile = false;
  }

  private void endFile(FileEnd end) throws IOException, ConfinementException {
    if (current == null) {
      skippingFile = false;
      return;
    }
    ReplicaWriter.IncomingFile file = current;
    current = null;
    String path = file.path().path();
    if (end.getSha256().isEmpty()) {
      file.close(); // the source could not read it; a later record covers it
      pending.remove(path);
      landed(path);
      maybeAck();
      return;
    }
    try {
      file.finish(end.getSize(), end.getSha256().toByteArray(), end.getMode(), end.getMtimeNs());
      pending.remove(path);
      landed(path);
    } catch (DeltaException e) {
      int attempts = pending.merge(path, 1, Integer::sum);
      boolean whole = attempts >= 2;
      log.warn("{} did not verify ({}); asking for it {}", path, e.getMessage(),
          whole ? "whole" : "against our own signature");
      want(file.path(), "verification failed: " + e.getMessage(), whole);
    }
    maybeAck();
  }

  private void landed(String path) {
    if (copy.landed(path)) {
      copy.report(listener);
    }
  }

  private void want(SafePath p, String reason, boolean whole) throws IOException, ConfinementException {
    BlockSignature sig = whole ? null : writer.signatureOf(p);
    pending.putIfAbsent(p.path(), 0);
    unansweredWants++;
    requests.onNext(PeerMessage.newBuilder().setWant(Want.newBuilder().setPath(p.path()).setReason(reason)
        .setSignature(sig == null ? ByteString.EMPTY : ByteString.copyFrom(sig.toBytes()))).build());
  }

  private void reconcile(ManifestEntry e) throws IOException {
    SafePath p;
    try {
      p = SafePath.parse(e.getPath());
      reconcileSeen.add(p.path());
      BasicFileAttributes a = writer.stat(p);
      switch (e.getType()) {
        case TYPE_DIR -> {
          if (a == null || !a.isDirectory()) {
            writer.mkdir(p, e.getMode(), 0);
          } else if (writer.modeAndMtime(p)[0] != e.getMode()) {
            writer.attrib(p, e.getMode(), 0);
          }
        }
        case TYPE_SYMLINK -> {
          if (a == null || !a.isSymbolicLink() || !writer.readLink(p).equals(e.getLinkTarget())) {
            writer.symlink(p, e.getLinkTarget());
          }
        }
        case TYPE_FILE -> {
          long[] modeTime = a != null && a.isRegularFile() ? writer.modeAndMtime(p) : null;
          if (modeTime != null && a.size() == e.getSize() && modeTime[1] == e.getMtimeNs()) {
            if (modeTime[0] != e.getMode()) {
              writer.attrib(p, e.getMode(), e.getMtimeNs());
            }
          } else {
            // nothing there: no signature to read (a stat and an open less per file of a first copy)
            want(p, a == null ? "missing" : "size/mtime differ", a == null);
            copy.wanted(p.path(), e.getSize());
          }
        }
        default -> log.warn("manifest entry of unknown type for {}", e.getPath());
      }
    } catch (ConfinementException ex) {
      reject(ex.path(), ex.getMessage());
    }
  }

  /** After the manifest: remove what SRC does not have (and stale temp files). */
  private void deleteExtras() throws IOException {
    Set<String> keep = reconcileSeen;
    reconcileSeen = null;
    if (keep == null) {
      return;
    }
    Path root = writer.root();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (dir.equals(root) || keep.contains(root.relativize(dir).toString())) {
          return FileVisitResult.CONTINUE;
        }
        ReplicaWriter.removeTree(dir);
        return FileVisitResult.SKIP_SUBTREE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (!keep.contains(root.relativize(file).toString())) {
          Files.deleteIfExists(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private void maybeAck() throws IOException {
    if (checkpoint == null || !pending.isEmpty() || unansweredWants > 0 || current != null
        || reconcileSeen != null) {
      return;
    }
    if (checkpoint.equals(acked)) {
      if (caughtUp && !reportedCaughtUp) {
        reportedCaughtUp = true;
        listener.applied(checkpoint, true);
      }
      return;
    }
    writer.syncBatch();
    state.record(checkpoint);
    acked = checkpoint;
    requests.onNext(PeerMessage.newBuilder().setAck(Ack.newBuilder().setCursor(checkpoint)).build());
    reportedCaughtUp = caughtUp;
    listener.applied(checkpoint, caughtUp);
  }

  private void reject(String path, String reason) {
    log.warn("{}", reason);
    listener.rejected(path, reason);
    requests.onNext(PeerMessage.newBuilder()
        .setRejected(Rejected.newBuilder().setPath(printable(path)).setReason(reason)).build());
  }

  private static String printable(String path) {
    return path.length() > 512 ? path.substring(0, 512) + "..." : path;
  }

  private void abortCurrent() {
    if (current != null) {
      try {
        current.close();
      } catch (IOException e) {
        log.warn("could not remove temp file of {}: {}", current.path(), e.toString());
      }
      current = null;
    }
  }
}
