package io.tidemark.agent.replication;

import io.tidemark.proto.delta.BlockSignature;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the source last sent one peer (by peer name, kept across reconnects): root-relative path
 * → SHA-256 (hex) of that content. Naming this hash as the basis lets the source encode a delta
 * from its {@link io.tidemark.proto.delta.SignatureCache} without asking the peer for a signature.
 * Follows renames and deletes.
 *
 * <p>{@link #inMemory} is bounded (least recently used forgotten first) and lost with the agent;
 * {@link #stored} lives in the agent's state dir with each version's signature too, so the first
 * edit after an agent restart still needs no signature upload. Either way a forgotten or stale
 * entry only costs a signature round trip: the peer verifies every file. Thread-safe.
 */
final class SentVersions {
  private final int maxEntries;
  private final LinkedHashMap<String, String> hashes = new LinkedHashMap<>(64, 0.75f, true);
  private final SentVersionsStore store;
  private final String peer;

  private SentVersions(int maxEntries, SentVersionsStore store, String peer) {
    this.maxEntries = maxEntries;
    this.store = store;
    this.peer = peer;
  }

  static SentVersions inMemory(int maxEntries) {
    return new SentVersions(maxEntries, null, null);
  }

  static SentVersions stored(SentVersionsStore store, String peer) {
    return new SentVersions(0, store, peer);
  }

  synchronized String get(String path) {
    if (store != null) {
      SentVersionsStore.Sent s = store.get(peer, path);
      return s == null ? null : s.sha256Hex();
    }
    return hashes.get(path);
  }

  /** The signature of the version with {@code sha256Hex} last sent at {@code path}, when kept. */
  synchronized BlockSignature signature(String path, String sha256Hex) {
    if (store == null) {
      return null;
    }
    SentVersionsStore.Sent s = store.get(peer, path);
    return s != null && s.sha256Hex().equals(sha256Hex) ? s.signature() : null;
  }

  /** Remembers a send; {@code signature} may be null while it is being made ({@link #attach}). */
  synchronized void put(String path, String sha256Hex, BlockSignature signature) {
    if (store != null) {
      store.put(peer, path, sha256Hex, signature);
      return;
    }
    hashes.put(path, sha256Hex);
    if (hashes.size() > maxEntries) {
      Iterator<String> eldest = hashes.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }

  /** Adds the signature of the version sent at {@code path}, if that is still {@code sha256Hex}. */
  synchronized void attach(String path, String sha256Hex, BlockSignature signature) {
    if (store != null) {
      store.attach(peer, path, sha256Hex, signature);
    }
  }

  /** Forgets {@code path} and everything under it. */
  synchronized void remove(String path) {
    if (store != null) {
      store.remove(peer, path);
      return;
    }
    String prefix = path + "/";
    hashes.keySet().removeIf(p -> p.equals(path) || p.startsWith(prefix));
  }

  /** Moves {@code from} (and everything under it) to {@code to}, replacing what {@code to} held. */
  synchronized void rename(String from, String to) {
    if (store != null) {
      store.rename(peer, from, to);
      return;
    }
    remove(to);
    String prefix = from + "/";
    Map<String, String> moved = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, String>> it = hashes.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, String> e = it.next();
      if (e.getKey().equals(from)) {
        moved.put(to, e.getValue());
        it.remove();
      } else if (e.getKey().startsWith(prefix)) {
        moved.put(to + "/" + e.getKey().substring(prefix.length()), e.getValue());
        it.remove();
      }
    }
    hashes.putAll(moved);
  }
}
