package io.tidemark.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.cli.TidemarkMain;
import io.tidemark.agent.engine.EngineKind;
import io.tidemark.agent.engine.JavaChild;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * {@code tidemark agent ROOT --state S --listen 127.0.0.1:0} as a child JVM: a foreign pid for
 * fanotify's self-exclusion, and real signals. {@link #start} returns once the agent printed
 * {@code ready <cursor>} and where it serves.
 */
public final class AgentProcess implements AutoCloseable {
  private static final Pattern SERVING = Pattern.compile("serving on (\\S+) \\(state in");
  private static final Path MAX_QUEUED = Path.of("/proc/sys/fs/inotify/max_queued_events");
  private static final Path SYSCTL_LOCK = Path.of("/tmp/tidemark-inotify-sysctl.lock");
  private static final int SANE_QUEUE = 16384;
  static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final List<String> stderr;
  private final String firstLine;
  private final String target;

  private AgentProcess(Process process, List<String> stderr, String firstLine, String target) {
    this.process = process;
    this.stderr = stderr;
    this.firstLine = firstLine;
    this.target = target;
  }

  /** Starts an agent; fails the test with its stderr if it does not become ready. */
  public static AgentProcess start(Path root, Path state, EngineKind engine, String... extra)
      throws IOException {
    return start(List.of(), root, state, engine, extra);
  }

  /** As {@link #start(Path, Path, EngineKind, String...)}, with extra JVM options (e.g. -Xmx). */
  public static AgentProcess start(
      List<String> jvmOptions, Path root, Path state, EngineKind engine, String... extra)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("agent", root.toString(), "--state",
        state.toString(), "--listen", "127.0.0.1:0", "--engine",
        engine.name().toLowerCase(Locale.ROOT)));
    args.addAll(List.of(extra));
    if (engine == EngineKind.INOTIFY) {
      raiseInotifyQueueIfTiny();
    }
    ProcessBuilder builder = JavaChild.builder(TidemarkMain.class, args.toArray(String[]::new));
    builder.command().addAll(1, jvmOptions);
    Process p = builder.start();
    p.getOutputStream().close();
    List<String> err = new CopyOnWriteArrayList<>();
    pump(p, err);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String first = readFirstLine(p, out, err);
    drain(out);
    AgentProcess agent;
    try {
      Awaitility.await("the agent says where it serves")
          .atMost(Duration.ofSeconds(20))
          .until(() -> err.stream().anyMatch(l -> SERVING.matcher(l).find()));
      String line = err.stream().filter(l -> SERVING.matcher(l).find()).findFirst().orElseThrow();
      Matcher m = SERVING.matcher(line);
      m.find();
      agent = new AgentProcess(p, err, first, m.group(1));
    } catch (RuntimeException e) {
      p.destroyForcibly();
      throw new AssertionError("agent did not say where it serves: " + err, e);
    }
    return agent;
  }

  private static String readFirstLine(Process p, BufferedReader out, List<String> err)
      throws IOException {
    // readLine blocks until the agent is ready or dies; a kill after the timeout unblocks it
    Thread watchdog =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    if (!p.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                      p.destroyForcibly();
                    }
                  } catch (InterruptedException ignored) {
                    // the agent got ready
                  }
                });
    String first = out.readLine();
    watchdog.interrupt();
    if (first == null || !first.startsWith("ready ")) {
      p.destroyForcibly();
      throw new AssertionError("agent did not get ready; first stdout line " + first + ", stderr "
          + String.join("\n", err));
    }
    return first;
  }

  private static void pump(Process p, List<String> into) {
    Thread.ofPlatform()
        .daemon()
        .name("agent-stderr-" + p.pid())
        .start(
            () -> {
              try (BufferedReader r = new BufferedReader(
                  new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                  into.add(l);
                }
              } catch (IOException closed) {
                // the agent is gone
              }
            });
  }

  private static void drain(BufferedReader out) {
    Thread.ofPlatform().daemon().start(() -> {
      try {
        while (out.readLine() != null) {
          // nothing else is expected on stdout
        }
      } catch (IOException closed) {
        // the agent is gone
      }
    });
  }

  /**
   * Someone on this shared machine keeps leaving {@code max_queued_events} at 1, which makes every
   * inotify agent overflow for ever. Raise it (under the lock the engine tests use) if it is below
   * the kernel default; a lower value is never put back.
   */
  private static void raiseInotifyQueueIfTiny() throws IOException {
    if (!Files.isWritable(MAX_QUEUED)) {
      return;
    }
    try (FileChannel ch = FileChannel.open(SYSCTL_LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = ch.lock()) {
      int now = Integer.parseInt(readSysctl(MAX_QUEUED).strip());
      if (now < SANE_QUEUE) {
        Files.writeString(MAX_QUEUED, Integer.toString(SANE_QUEUE));
      }
    }
  }

  /** The first stdout line, {@code ready <cursor>}. */
  public String firstLine() {
    return firstLine;
  }

  public String readyCursor() {
    return firstLine.substring("ready ".length()).strip();
  }

  /** host:port of the gRPC server. */
  public String target() {
    return target;
  }

  public long pid() {
    return process.pid();
  }

  public Process process() {
    return process;
  }

  /** Everything the agent wrote on stderr so far. */
  public List<String> stderr() {
    return List.copyOf(stderr);
  }

  public JournalClient client() {
    return JournalClient.connect(target);
  }

  /** SIGTERM, then the exit code. */
  public int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("agent ignored SIGTERM for 60 s: " + stderr());
    }
    return process.exitValue();
  }

  /** SIGKILL: nothing pending is journalled. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("agent gone after SIGKILL").isTrue();
  }

  /** SIGSTOP: the agent reads nothing until {@link #resume}; the kernel queue fills up. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -" + name).isZero();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        resume();
      } catch (IOException | InterruptedException | AssertionError ignored) {
        // best effort: it may be gone already
      }
      process.destroyForcibly();
    }
  }

  /**
   * One read from offset 0: a sysctl file answers a read at a non-zero offset with EOF, so
   * {@code Files.readString} (which reads a byte first) sees "1" for 16384.
   */
  static String readSysctl(Path file) throws java.io.IOException {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[64];
      int n = in.read(buf);
      return new String(buf, 0, Math.max(n, 0), java.nio.charset.StandardCharsets.US_ASCII);
    }
  }
}
