package io.tidemark.bench;

import io.tidemark.proto.delta.BlockSignature;
import io.tidemark.proto.delta.DeltaEncoder;
import io.tidemark.proto.delta.DeltaSummary;
import io.tidemark.proto.delta.SignatureGenerator;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Delta codec throughput on a generated (incompressible) file with a one-byte edit in the
 * middle. Scores are milliseconds per operation; MB/s = size in MB / (score / 1000), and the
 * setup prints the delta's wire size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class DeltaBench {
  @Param("64")
  public int sizeMb;

  private byte[] basis;
  private byte[] edited;
  private BlockSignature signature;
  private final DeltaEncoder encoder = new DeltaEncoder();

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    basis = new byte[sizeMb << 20];
    new Random(1).nextBytes(basis);
    edited = basis.clone();
    edited[edited.length / 2] ^= 1;
    signature = SignatureGenerator.of(basis);
    DeltaSummary summary = encoder.encode(signature, edited, frame -> {});
    System.out.printf("%n%d MiB, block %d B: delta %d B on the wire (%d literal), signature %d B%n", sizeMb,
        signature.blockSize(), summary.wireBytes(), summary.literalBytes(), signature.serializedSize());
  }

  /** Encode the edited file against the cached signature of the original (the usual replication path). */
  @Benchmark
  public long encodeSmallEdit() throws IOException {
    return encoder.encode(signature, edited, frame -> {}).wireBytes();
  }

  /** Sign the original file (the fallback path, and what the source caches per version sent). */
  @Benchmark
  public int signature() {
    return SignatureGenerator.of(basis).blockCount();
  }
}
