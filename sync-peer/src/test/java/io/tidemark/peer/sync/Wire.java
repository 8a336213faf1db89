package io.tidemark.peer.sync;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.tidemark.proto.v1.PeerMessage;
import io.tidemark.proto.v1.SourceMessage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the Replicate messages each way: kinds and bytes from the source, bytes and signature uploads from the peer. */
final class Wire implements ServerInterceptor {
  final Map<SourceMessage.BodyCase, AtomicLong> kinds = new ConcurrentHashMap<>();
  final AtomicLong sourceBytes = new AtomicLong();
  final AtomicLong peerBytes = new AtomicLong();
  final AtomicLong signatureUploads = new AtomicLong();

  long count(SourceMessage.BodyCase kind) {
    AtomicLong n = kinds.get(kind);
    return n == null ? 0 : n.get();
  }

  /** Starts counting from zero. */
  void reset() {
    kinds.clear();
    sourceBytes.set(0);
    peerBytes.set(0);
    signatureUploads.set(0);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    ServerCall.Listener<Q> listener = next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void sendMessage(R message) {
        if (message instanceof SourceMessage m) {
          kinds.computeIfAbsent(m.getBodyCase(), k -> new AtomicLong()).incrementAndGet();
          sourceBytes.addAndGet(m.getSerializedSize());
        }
        super.sendMessage(message);
      }
    }, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        if (message instanceof PeerMessage m) {
          peerBytes.addAndGet(m.getSerializedSize());
          if (m.hasWant() && !m.getWant().getSignature().isEmpty()) {
            signatureUploads.incrementAndGet();
          }
        }
        super.onMessage(message);
      }
    };
  }
}
