package io.tidemark.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.engine.JavaChild;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tidemark watch}: exit codes and one-line errors in-process, JSON lines end to end. */
class WatchCommandTest {
  private static final String EOF = "<end of output>";

  @TempDir Path tmp;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = TidemarkMain.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static void assertOneLineError(Run r, String contains) {
    assertThat(r.exit()).as(r.err()).isEqualTo(CliExit.USAGE);
    assertThat(r.err().strip().lines()).as("stderr: " + r.err()).hasSize(1);
    assertThat(r.err()).startsWith("tidemark").contains(contains);
  }

  @Test
  void watch_missingRootArgument_exitsUsageWithOneLine() {
    assertOneLineError(run("watch"), "ROOT");
  }

  @Test
  void watch_rootDoesNotExist_exitsUsageWithOneLine() {
    assertOneLineError(run("watch", tmp.resolve("nope").toString()), "does not exist");
  }

  @Test
  void watch_rootIsAFile_exitsUsageWithOneLine() throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    assertOneLineError(run("watch", file.toString()), "not a directory");
  }

  @Test
  void watch_unknownEngine_exitsUsageNamingTheValidOnes() {
    Run r = run("watch", tmp.toString(), "--engine", "kqueue");
    assertOneLineError(r, "kqueue");
    assertThat(r.err()).contains("fanotify").contains("inotify");
  }

  @Test
  void main_noCommand_exitsUsageWithOneLine() {
    assertOneLineError(run(), "missing command");
  }

  @Test
  void main_unknownOption_exitsUsageWithOneLine() {
    assertOneLineError(run("watch", tmp.toString(), "--frobnicate"), "--frobnicate");
  }

  @Test
  void main_help_exitsZeroAndListsWatch() {
    Run r = run("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("watch");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void watch_help_exitsZeroAndListsOptions() {
    Run r = run("watch", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("--engine").contains("--json");
  }

  @Test
  @Timeout(60)
  void watch_jsonInotifyChildProcess_printsReadyThenEventsAndExitsZeroOnSigterm() throws Exception {
    Path root = Files.createDirectory(tmp.toRealPath().resolve("root"));
    Path stderr = tmp.resolve("stderr.txt");
    Process watch =
        JavaChild.builder(
                TidemarkMain.class, "watch", root.toString(), "--json", "--engine", "inotify")
            .redirectError(stderr.toFile())
            .start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                      lines.add(line);
                    }
                  } catch (java.io.IOException ignored) {
                    // the stream closes when the child exits
                  }
                  lines.add(EOF);
                });
    try {
      String ready = lines.poll(30, TimeUnit.SECONDS);
      assertThat(ready)
          .as("first line; stderr: " + Files.readString(stderr))
          .isEqualTo("{\"kind\":\"ready\",\"engine\":\"inotify\"}");

      Files.writeString(root.resolve("hello.txt"), "hi");
      String create = null;
      for (String line; (line = lines.poll(10, TimeUnit.SECONDS)) != null && !line.equals(EOF); ) {
        if (line.contains("\"path\":\"hello.txt\"") && line.contains("\"kind\":\"create\"")) {
          create = line;
          break;
        }
      }
      assertThat(create).as("a create line for hello.txt; stderr: " + Files.readString(stderr)).isNotNull();
      assertThat(create)
          .isEqualTo("{\"kind\":\"create\",\"path\":\"hello.txt\",\"from\":null,\"dir\":false,\"pid\":null}");

      watch.destroy(); // SIGTERM
      assertThat(watch.waitFor(10, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
      assertThat(watch.exitValue()).as("stderr: " + Files.readString(stderr)).isZero();
      reader.join(5_000);
    } finally {
      watch.destroyForcibly();
    }
  }
}
