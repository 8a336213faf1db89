package io.tidemark.peer.it;

import static org.awaitility.Awaitility.await;

import io.tidemark.agent.cli.TidemarkMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A {@code tidemark} subcommand in a child JVM, as a user runs it: its own pid (so fanotify's
 * self-exclusion does not hide the test's writes from an agent), real signals (SIGTERM, SIGKILL),
 * stdout and stderr collected line by line as they come.
 */
public final class TidemarkProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final List<String> out = new CopyOnWriteArrayList<>();
  private final List<String> err = new CopyOnWriteArrayList<>();

  private TidemarkProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    pump(process.getInputStream(), out);
    pump(process.getErrorStream(), err);
  }

  /** Starts {@code tidemark ARGS...}; {@code xdg} is its XDG_STATE_HOME (default state dirs). */
  public static TidemarkProcess start(Path xdg, String... args) throws IOException {
    return start(xdg, List.of(), args);
  }

  /** The same with extra JVM options (system properties) before the main class. */
  public static TidemarkProcess start(Path xdg, List<String> jvmOptions, String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseSerialGC", "-Xshare:auto"));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TidemarkMain.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("XDG_STATE_HOME", xdg.toString());
    pb.environment().remove("TIDEMARK_TOKEN");
    Process p = pb.start();
    p.getOutputStream().close();
    return new TidemarkProcess(String.join(" ", args), p);
  }

  private static void pump(InputStream in, List<String> lines) {
    Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process is gone
      }
    });
  }

  public Process process() {
    return process;
  }

  public List<String> stdout() {
    return List.copyOf(out);
  }

  public List<String> stderrLines() {
    return List.copyOf(err);
  }

  public String stderr() {
    return String.join("\n", err);
  }

  /** How many stdout lines contain {@code text} so far. */
  public long countStdout(String text) {
    return out.stream().filter(l -> l.contains(text)).count();
  }

  /** Waits until stdout has had {@code count} lines containing {@code text}; fails fast if the process exits. */
  public void awaitStdout(String text, long count, Duration timeout) {
    await(name + ": stdout line #" + count + " containing '" + text + "'").atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .failFast("the process exited; stderr:\n" + lazyStderr(), () -> !process.isAlive())
        .until(() -> countStdout(text) >= count);
  }

  public void awaitStdout(String text, Duration timeout) {
    awaitStdout(text, 1, timeout);
  }

  /** The rest of the first stderr line after {@code marker}, up to a space or comma. */
  public String awaitStderrAfter(String marker, Duration timeout) {
    return await(name + ": stderr '" + marker + "'").atMost(timeout).pollInterval(Duration.ofMillis(50))
        .failFast("the process exited; stderr:\n" + lazyStderr(), () -> !process.isAlive())
        .until(() -> {
          for (String l : err) {
            int i = l.indexOf(marker);
            if (i >= 0) {
              return l.substring(i + marker.length()).split("[ ,;]")[0];
            }
          }
          return null;
        }, v -> v != null);
  }

  /** Group 1 of the first stderr line matching {@code pattern}. */
  public String awaitStderrMatch(java.util.regex.Pattern pattern, Duration timeout) {
    return await(name + ": stderr matching " + pattern).atMost(timeout).pollInterval(Duration.ofMillis(50))
        .failFast("the process exited; stderr:\n" + lazyStderr(), () -> !process.isAlive())
        .until(() -> {
          for (String l : err) {
            java.util.regex.Matcher m = pattern.matcher(l);
            if (m.find()) {
              return m.group(1);
            }
          }
          return null;
        }, v -> v != null);
  }

  /** kill -9, and waits for it to be gone. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " survived SIGKILL for 30 s");
    }
  }

  /** SIGTERM; the exit code, or fails when it does not exit within {@code timeout}. */
  public int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not stop within " + timeout + " of SIGTERM; stderr:\n" + stderr());
    }
    return process.exitValue();
  }

  /** Waits for the process to exit on its own; its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still runs after " + timeout + "; stderr:\n" + stderr());
    }
    return process.exitValue();
  }

  private Object lazyStderr() {
    return new Object() {
      @Override
      public String toString() {
        return stderr();
      }
    };
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
