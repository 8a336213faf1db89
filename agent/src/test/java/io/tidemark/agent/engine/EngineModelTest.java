package io.tidemark.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.assertj.core.api.SoftAssertions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Model-based test: a child process runs a seeded random workload of {@value #OPS} operations
 * under the root; replaying the reported events over the initial tree must give exactly the final
 * tree on disk (paths and file/dir types), and no event may name a path that never existed.
 *
 * <p>Reproduce one seed: {@code -Dtidemark.model.seed=N}; more seeds: {@code
 * -Dtidemark.model.seeds=100}; a range not starting at 1: add {@code
 * -Dtidemark.model.firstSeed=41} (seeds 41..41+N-1); one engine only: {@code
 * -Dtidemark.model.engine=fanotify}.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(value = EngineKind.class, names = {"FANOTIFY", "INOTIFY"})
class EngineModelTest {
  private static final int OPS = Integer.getInteger("tidemark.model.ops", 1000);
  private static final String MARKER = "workload-done";
  private static final String STALL = "stall";

  @Parameter EngineKind kind;
  @TempDir Path tmp;

  private WatchEngine engine;
  private HeldReader held;

  static LongStream seeds() {
    Long one = Long.getLong("tidemark.model.seed");
    if (one != null) {
      return LongStream.of(one);
    }
    return range(Integer.getInteger("tidemark.model.seeds", 10));
  }

  @AfterEach
  void stopEngine() {
    if (held != null) {
      held.release(); // a failed stalled run must not leave the reader waiting forever
    }
    if (engine != null) {
      engine.close();
    }
  }

  /** Seeds for the stalled variant: {@code -Dtidemark.model.stalledSeeds=N} (default 5). */
  static LongStream stalledSeeds() {
    Long one = Long.getLong("tidemark.model.seed");
    if (one != null) {
      return LongStream.of(one);
    }
    return range(Integer.getInteger("tidemark.model.stalledSeeds", 5));
  }

  private static LongStream range(int count) {
    long first = Long.getLong("tidemark.model.firstSeed", 1);
    return LongStream.range(first, first + count);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void replay_randomWorkload_matchesFinalTree(long seed) throws Exception {
    run(seed, false);
  }

  /**
   * The engine's reader is held up in its first delivery until the whole workload has run, so
   * every listing (moved-in trees, new directories) and every handle resolution sees the final
   * tree rather than the one the queued events describe: the worst case of the race between a
   * listing and the events queued before it, made deterministic.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("stalledSeeds")
  void replay_randomWorkloadWhileReaderStalled_matchesFinalTree(long seed) throws Exception {
    run(seed, true);
  }

  private void run(long seed, boolean stalled) throws Exception {
    String only = System.getProperty("tidemark.model.engine");
    assumeTrue(only == null || only.equalsIgnoreCase(kind.name()), "engine " + only + " only");
    Path base = tmp.toRealPath();
    Path root = Files.createDirectory(base.resolve("root"));
    Path outside = Files.createDirectory(base.resolve("outside"));
    Path everFile = base.resolve("ever-existed.txt");
    seedInitialTree(root, seed);
    TreeModel model = TreeModel.scan(root);
    Set<String> known = new HashSet<>(model.entries().keySet());

    EventRecorder events = new EventRecorder();
    HeldReader sink = new HeldReader(events);
    held = sink;
    engine =
        EngineFactory.create(
            kind, new EngineConfig(root, ProcessHandle.current().pid(), EngineConfig.DEFAULT_RENAME_PAIR_TIMEOUT));
    InotifyQueueLimit.startSane(kind, engine, sink);
    if (stalled) {
      sink.holdNext();
      Shell.run(root, ": > " + STALL); // a foreign pid: fanotify drops the test JVM's own events
      events.await(FsEvent.Kind.CREATE, STALL); // the reader now waits in onEvents
    }

    Process child =
        JavaChild.start(
            RandomFsWorkload.class,
            root.toString(),
            outside.toString(),
            Long.toString(seed),
            Integer.toString(OPS),
            everFile.toString(),
            MARKER,
            base.resolve("ops.txt").toString());
    String childOut = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("workload finished").isTrue();
    assertThat(child.exitValue()).as("workload exit; output:\n" + childOut).isZero();
    sink.release();
    events.await(
            "CREATE " + MARKER + " or an overflow",
            e -> e.kind() == FsEvent.Kind.OVERFLOW
                || (e.kind() == FsEvent.Kind.CREATE && MARKER.equals(e.path())));
    if (stalled && events.find(e -> e.kind() == FsEvent.Kind.OVERFLOW).isPresent()) {
      // A filesystem mark hears the whole filesystem: other processes' activity while the reader
      // was held filled the queue. Nothing can be replayed over a gap.
      abort("the kernel queue overflowed while the reader was held (busy filesystem): no verdict");
    }
    events.await(FsEvent.Kind.CREATE, MARKER);
    events.awaitQuiet(EngineConfig.DEFAULT_RENAME_PAIR_TIMEOUT.multipliedBy(10));
    assertThat(events.failure()).as("engine failure").isNull();

    List<FsEvent> all = events.events();
    known.addAll(Files.readAllLines(everFile));
    known.add(MARKER);
    known.add(STALL);
    String context =
        kind + (stalled ? " stalled" : "") + " seed " + seed
            + " (reproduce: -Dtidemark.model.seed=" + seed + ")";
    List<String> strangers = new ArrayList<>();
    for (FsEvent e : all) {
      assertThat(e.kind()).as(context + ": overflow with only " + OPS + " ops").isNotEqualTo(FsEvent.Kind.OVERFLOW);
      for (String p : new String[] {e.path(), e.from()}) {
        if (p != null && !known.contains(p)) {
          strangers.add(e.toString());
        }
      }
      model.apply(e);
    }
    Map<String, Boolean> actual = TreeModel.scan(root).entries();
    if (!strangers.isEmpty() || !model.entries().equals(actual)) {
      Path log = writeFailureLog(context, all, Files.readAllLines(base.resolve("ops.txt")));
      SoftAssertions soft = new SoftAssertions();
      soft.assertThat(diff(model.entries(), actual))
          .as(context + ": replayed model vs disk (model-only '+', disk-only '-', type '~'); log " + log)
          .isEmpty();
      soft.assertThat(strangers).as(context + ": events naming paths that never existed; log " + log).isEmpty();
      soft.assertAll();
    }
  }

  /** A few dirs and files that exist before the engine starts. */
  private static void seedInitialTree(Path root, long seed) throws IOException {
    java.util.Random r = new java.util.Random(~seed);
    for (String d : List.of("a", "a/b", "c", "c/d/e")) {
      Files.createDirectories(root.resolve(d));
      for (int i = r.nextInt(3); i >= 0; i--) {
        Files.writeString(root.resolve(d).resolve("i" + i), "initial");
      }
    }
  }

  private static List<String> diff(Map<String, Boolean> model, Map<String, Boolean> disk) {
    List<String> out = new ArrayList<>();
    TreeMap<String, Boolean> all = new TreeMap<>(model);
    all.putAll(disk);
    for (String p : all.keySet()) {
      Boolean m = model.get(p);
      Boolean d = disk.get(p);
      if (d == null) {
        out.add("+ " + p + (m ? "/" : ""));
      } else if (m == null) {
        out.add("- " + p + (d ? "/" : ""));
      } else if (!m.equals(d)) {
        out.add("~ " + p + " model " + (m ? "dir" : "file") + ", disk " + (d ? "dir" : "file"));
      }
    }
    return out;
  }

  private static Path writeFailureLog(String context, List<FsEvent> events, List<String> ops)
      throws IOException {
    Path dir = Path.of("target", "model-failures");
    Files.createDirectories(dir);
    Path log = dir.resolve(context.replaceAll("[^A-Za-z0-9]+", "-") + ".log").toAbsolutePath();
    List<String> lines = new ArrayList<>();
    lines.add(context);
    events.forEach(e -> lines.add(e.toString()));
    lines.add("");
    lines.add("operations (workload order):");
    lines.addAll(ops);
    Files.write(log, lines);
    return log;
  }
}
