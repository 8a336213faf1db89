package io.tidemark.agent.replication;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the source last sent one peer (by peer name, kept across reconnects): root-relative path
 * → SHA-256 (hex) of that content. Naming this hash as the basis lets the source encode a delta
 * from its {@link io.tidemark.proto.delta.SignatureCache} without asking the peer for a signature.
 * Follows renames and deletes; bounded (least recently used forgotten first; a forgotten path
 * only costs a signature round trip). Thread-safe.
 */
final class SentVersions {
  private final int maxEntries;
  private final LinkedHashMap<String, String> hashes = new LinkedHashMap<>(64, 0.75f, true);

  SentVersions(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  synchronized String get(String path) {
    return hashes.get(path);
  }

  synchronized void put(String path, String sha256Hex) {
    hashes.put(path, sha256Hex);
    if (hashes.size() > maxEntries) {
      Iterator<String> eldest = hashes.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }

  /** Forgets {@code path} and everything under it. */
  synchronized void remove(String path) {
    String prefix = path + "/";
    hashes.keySet().removeIf(p -> p.equals(path) || p.startsWith(prefix));
  }

  /** Moves {@code from} (and everything under it) to {@code to}, replacing what {@code to} held. */
  synchronized void rename(String from, String to) {
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
