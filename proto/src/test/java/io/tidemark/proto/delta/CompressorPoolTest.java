package io.tidemark.proto.delta;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdCompressCtx;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CompressorPoolTest {

  @Test
  void pool_givenBack_reusedByTheNextTake() {
    try (CompressorPool pool = new CompressorPool(3)) {
      ZstdCompressCtx first = pool.take();
      pool.give(first);
      assertThat(pool.take()).isSameAs(first);
    }
  }

  @Test
  void pool_twoOut_secondGivenBackIsFreedNotKept() {
    try (CompressorPool pool = new CompressorPool(3)) {
      ZstdCompressCtx a = pool.take();
      ZstdCompressCtx b = pool.take();
      assertThat(b).isNotSameAs(a);
      pool.give(a);
      pool.give(b);
      assertThat(pool.take()).isSameAs(a);
    }
  }

  @Test
  void encoder_manyCallsConcurrentAndAfterClose_allRoundTrip() throws Exception {
    byte[] compressible = new byte[50_000];
    for (int i = 0; i < compressible.length; i++) {
      compressible[i] = (byte) ("tidemark " + (i / 64)).charAt(i % 9);
    }
    byte[] random = new byte[9_000];
    new Random(3).nextBytes(random);
    BlockSignature empty = SignatureGenerator.of(new byte[0]);
    DeltaEncoder encoder = new DeltaEncoder();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        byte[] content = i % 2 == 0 ? compressible : random;
        Callable<byte[]> roundTrip = () -> {
          List<byte[]> frames = new ArrayList<>();
          encoder.encode(empty, content, frame -> {
            byte[] f = new byte[frame.remaining()];
            frame.get(f);
            frames.add(f);
          });
          return Deltas.apply(new byte[0], frames);
        };
        results.add(pool.submit(roundTrip));
      }
      for (int i = 0; i < results.size(); i++) {
        assertThat(results.get(i).get()).isEqualTo(i % 2 == 0 ? compressible : random);
      }
    } finally {
      pool.shutdownNow();
    }
    encoder.close();
    assertThat(Deltas.apply(new byte[0], Deltas.encode(empty, compressible))).isEqualTo(compressible);
    List<byte[]> afterClose = new ArrayList<>();
    encoder.encode(empty, compressible, f -> afterClose.add(new byte[f.remaining()]));
    assertThat(Deltas.wireSize(afterClose)).isLessThan(compressible.length / 4);
  }
}
