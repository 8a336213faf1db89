package io.tidemark.proto.delta;

import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The source side's memory of what it sent: content SHA-256 → {@link BlockSignature} of that
 * content, so when a peer names its basis by hash the source can encode a delta without a
 * signature upload. Bounded by the signatures' {@link BlockSignature#memoryBytes()}, least
 * recently used evicted first; a signature bigger than the whole budget is not kept.
 * Thread-safe (one lock; every operation is O(1) apart from eviction).
 */
public final class SignatureCache {
  private static final HexFormat HEX = HexFormat.of();

  private final long maxBytes;
  private final LinkedHashMap<String, BlockSignature> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;
  private long hits;
  private long misses;

  public SignatureCache(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes " + maxBytes + " is negative");
    }
    this.maxBytes = maxBytes;
  }

  /** Remembers the signature of the content whose SHA-256 is {@code sha256}. */
  public void put(byte[] sha256, BlockSignature signature) {
    put(key(sha256), signature);
  }

  /** Remembers the signature of the content whose SHA-256 is the hex string {@code sha256Hex}. */
  public synchronized void put(String sha256Hex, BlockSignature signature) {
    String key = normalise(sha256Hex);
    BlockSignature previous = entries.remove(key);
    if (previous != null) {
      bytes -= previous.memoryBytes();
    }
    if (signature.memoryBytes() > maxBytes) {
      return;
    }
    entries.put(key, signature);
    bytes += signature.memoryBytes();
    Iterator<Map.Entry<String, BlockSignature>> eldest = entries.entrySet().iterator();
    while (bytes > maxBytes) {
      bytes -= eldest.next().getValue().memoryBytes();
      eldest.remove();
    }
  }

  public Optional<BlockSignature> get(byte[] sha256) {
    return get(key(sha256));
  }

  public synchronized Optional<BlockSignature> get(String sha256Hex) {
    BlockSignature signature = entries.get(normalise(sha256Hex));
    if (signature == null) {
      misses++;
    } else {
      hits++;
    }
    return Optional.ofNullable(signature);
  }

  public synchronized int size() {
    return entries.size();
  }

  public synchronized long bytes() {
    return bytes;
  }

  public synchronized long hits() {
    return hits;
  }

  public synchronized long misses() {
    return misses;
  }

  private static String key(byte[] sha256) {
    if (sha256.length != 32) {
      throw new IllegalArgumentException("a SHA-256 has 32 bytes, got " + sha256.length);
    }
    return HEX.formatHex(sha256);
  }

  private static String normalise(String sha256Hex) {
    boolean ok = sha256Hex.length() == 64;
    for (int i = 0; ok && i < 64; i++) {
      ok = Character.digit(sha256Hex.charAt(i), 16) >= 0;
    }
    if (!ok) {
      throw new IllegalArgumentException("not a SHA-256 in hex: " + sha256Hex);
    }
    return sha256Hex.toLowerCase(java.util.Locale.ROOT);
  }
}
