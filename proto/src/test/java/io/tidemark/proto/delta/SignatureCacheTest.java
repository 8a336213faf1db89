package io.tidemark.proto.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignatureCacheTest {
  private static byte[] sha(int i) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(new byte[] {(byte) i, (byte) (i >> 8)});
  }

  private static BlockSignature signature(int blocks) {
    return SignatureGenerator.of(new byte[blocks * 100], 100);
  }

  @Test
  void get_afterPut_returnsSignatureByBytesOrHex() throws Exception {
    SignatureCache cache = new SignatureCache(1 << 20);
    BlockSignature sig = signature(3);
    cache.put(sha(1), sig);
    assertThat(cache.get(sha(1))).contains(sig);
    assertThat(cache.get(java.util.HexFormat.of().withUpperCase().formatHex(sha(1)))).contains(sig);
    assertThat(cache.get(sha(2))).isEmpty();
    assertThat(cache.hits()).isEqualTo(2);
    assertThat(cache.misses()).isEqualTo(1);
  }

  @Test
  void put_overBudget_evictsLeastRecentlyUsed() throws Exception {
    long each = signature(10).memoryBytes();
    SignatureCache cache = new SignatureCache(each * 3);
    cache.put(sha(1), signature(10));
    cache.put(sha(2), signature(10));
    cache.put(sha(3), signature(10));
    cache.get(sha(1)); // 2 is now the eldest
    cache.put(sha(4), signature(10));
    assertThat(cache.get(sha(2))).isEmpty();
    assertThat(cache.get(sha(1))).isPresent();
    assertThat(cache.get(sha(3))).isPresent();
    assertThat(cache.get(sha(4))).isPresent();
    assertThat(cache.bytes()).isEqualTo(each * 3);
  }

  @Test
  void put_signatureLargerThanBudget_notKept() throws Exception {
    SignatureCache cache = new SignatureCache(100);
    cache.put(sha(1), signature(1000));
    assertThat(cache.size()).isZero();
    assertThat(cache.bytes()).isZero();
  }

  @Test
  void put_sameKeyTwice_replacesAndKeepsAccounting() throws Exception {
    SignatureCache cache = new SignatureCache(1 << 20);
    cache.put(sha(1), signature(10));
    cache.put(sha(1), signature(20));
    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.bytes()).isEqualTo(signature(20).memoryBytes());
  }

  @Test
  void put_malformedKey_rejected() {
    SignatureCache cache = new SignatureCache(1 << 20);
    assertThatThrownBy(() -> cache.put(new byte[31], signature(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cache.put("zz", signature(1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void putAndGet_concurrently_staysWithinBudget() throws Exception {
    long each = signature(10).memoryBytes();
    SignatureCache cache = new SignatureCache(each * 50);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < 4; t++) {
        int base = t * 1000;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 500; i++) {
            cache.put(sha(base + i), signature(10));
            cache.get(sha(base + i / 2));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(cache.bytes()).isLessThanOrEqualTo(each * 50).isEqualTo(each * cache.size());
    assertThat(cache.size()).isEqualTo(50);
  }
}
