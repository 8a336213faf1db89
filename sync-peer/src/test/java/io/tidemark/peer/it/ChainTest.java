package io.tidemark.peer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidemark.peer.sync.RandomOps;
import io.tidemark.peer.sync.SrcOps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * No echoes: {@code tidemark sync A B} and {@code tidemark sync B C} as two processes, so B is a
 * replica and, at the same time, the source of an agent that replicates it to C. Random
 * operations on A reach C through B; the replica's temp files never travel on; and once both
 * stages are flushed, neither journal grows any more (nothing loops).
 */
class ChainTest {
  private static final Duration START = Duration.ofSeconds(90);
  private static final Pattern SERVING = Pattern.compile(" on (\\S+); copying into ");

  @TempDir Path tmp;
  @RegisterExtension final Closer closer = new Closer();

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void chainAtoBtoC_randomOperationsOnA_allThreeEqual_andQuietAfterwards(long seed) throws Exception {
    Path a = Files.createDirectories(tmp.resolve("a"));
    Path b = Files.createDirectories(tmp.resolve("b"));
    Path c = tmp.resolve("c");
    Files.writeString(a.resolve("before"), "there before both syncs");
    TidemarkProcess first = sync(a, b, "state-ab");
    first.awaitStdout("in sync", START);
    TidemarkProcess second = sync(b, c, "state-bc");
    second.awaitStdout("in sync", START);
    AgentCalls onA = closer.track(AgentCalls.to(first.awaitStderrMatch(SERVING, Duration.ofSeconds(10))));
    AgentCalls onB = closer.track(AgentCalls.to(second.awaitStderrMatch(SERVING, Duration.ofSeconds(10))));

    String bBefore = onB.status().getCursor();
    RandomOps random = new RandomOps(SrcOps.onDisk(a), seed, 128 * 1024, 4 << 20);
    for (int step = 0; step < 150; step++) {
      random.step(step);
    }
    assertThat(onA.flush(120).getPeers()).isEqualTo(1);
    assertThat(onB.flush(120).getPeers()).isEqualTo(1);

    assertThat(Tree.describe(b)).as("B (its temp files included) equals A").isEqualTo(Tree.describeSource(a));
    assertThat(Tree.describe(c)).as("C (its temp files included) equals A").isEqualTo(Tree.describeSource(a));

    List<io.tidemark.proto.v1.Change> bChanges = onB.changesSince(bBefore);
    assertThat(bChanges).as("B's agent heard the replica's writes").isNotEmpty();
    assertThat(bChanges).as("...but never its temp files").noneMatch(ch ->
        ch.getPath().contains(".tidemark-") || ch.getFrom().contains(".tidemark-"));

    long[] seqs = {-1, -1};
    await("both journals stay still (a loop would keep them growing)").during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
          long a1 = onA.status().getHighSeq();
          long b1 = onB.status().getHighSeq();
          boolean still = a1 == seqs[0] && b1 == seqs[1];
          seqs[0] = a1;
          seqs[1] = b1;
          return still;
        });
    assertThat(first.process().isAlive()).isTrue();
    assertThat(second.process().isAlive()).isTrue();
  }

  private TidemarkProcess sync(Path src, Path dst, String state) throws Exception {
    return closer.track(TidemarkProcess.start(tmp.resolve("xdg"), "sync", "--state", tmp.resolve(state).toString(),
        src.toString(), dst.toString()));
  }
}
