package io.tidemark.peer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tidemark sync}, {@code peer} and {@code flush} as child JVMs, as a user runs them. */
class SyncCommandTest {
  @TempDir Path tmp;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void killChildren() throws Exception {
    for (Process p : children) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void sync_followsWritesRenamesDeletesAndModes_thenStopsCleanlyOnSigterm() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = tmp.resolve("dst");
    Files.writeString(src.resolve("before.txt"), "there before the agent");
    Files.createDirectories(src.resolve("old/deep"));
    Files.writeString(src.resolve("old/deep/f"), "deep");

    Child sync = start("sync", "--state", tmp.resolve("state").toString(), src.toString(), dst.toString());
    sync.awaitStdoutLine("in sync", Duration.ofSeconds(60));
    assertThat(describe(dst)).isEqualTo(describe(src));

    Files.writeString(src.resolve("new.txt"), "fresh");
    Files.writeString(src.resolve("before.txt"), "modified after the first sync");
    Files.setPosixFilePermissions(src.resolve("new.txt"), PosixFilePermissions.fromString("rwx------"));
    Files.move(src.resolve("old"), src.resolve("renamed"));
    Files.writeString(src.resolve("renamed/deep/g"), "x".repeat(200_000));
    Files.delete(src.resolve("renamed/deep/f"));
    Files.createSymbolicLink(src.resolve("link"), Path.of("new.txt"));

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(describe(dst)).isEqualTo(describe(src)));

    sync.process.toHandle().destroy(); // SIGTERM
    assertThat(sync.process.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
    assertThat(sync.process.exitValue()).as("stderr:\n%s", sync.stderr()).isZero();
  }

  @Test
  void flush_returnsOnceThePeerHasAppliedEverything() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = tmp.resolve("dst");
    Child agent = start("agent", "--state", tmp.resolve("agent-state").toString(), "--listen", "127.0.0.1:0",
        src.toString());
    agent.awaitStdoutLine("ready", Duration.ofSeconds(60));
    String target = agent.awaitStderrMatch("serving on ", Duration.ofSeconds(10));
    Child peer = start("peer", "--agent", target, "--state", tmp.resolve("peer-state").toString(),
        dst.toString());
    peer.awaitStdoutLine("in sync", Duration.ofSeconds(60));

    for (int i = 0; i < 20; i++) {
      Files.writeString(src.resolve("f" + i), "content " + i);
    }
    Child flush = start("flush", "--agent", target, "--timeout", "30");
    assertThat(flush.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(flush.process.exitValue()).as("flush stderr:\n%s", flush.stderr()).isZero();
    assertThat(describe(dst)).isEqualTo(describe(src));
  }

  // ---- helpers ----

  private Child start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.tidemark.agent.cli.TidemarkMain");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("XDG_STATE_HOME", tmp.resolve("xdg").toString());
    Process p = pb.start();
    children.add(p);
    return new Child(p);
  }

  /** A child process whose stdout and stderr are read into lists as they come. */
  static final class Child {
    final Process process;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();

    Child(Process process) {
      this.process = process;
      pump(process.getInputStream(), out);
      pump(process.getErrorStream(), err);
    }

    private static void pump(java.io.InputStream in, List<String> lines) {
      Thread.ofPlatform().daemon().start(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            synchronized (lines) {
              lines.add(line);
            }
          }
        } catch (IOException ignored) {
          // process gone
        }
      });
    }

    String stderr() {
      synchronized (err) {
        return String.join("\n", err);
      }
    }

    void awaitStdoutLine(String containing, Duration timeout) {
      await().atMost(timeout).pollInterval(Duration.ofMillis(100))
          .failFast("the child exited: " + stderrSupplier(), () -> !process.isAlive())
          .until(() -> {
            synchronized (out) {
              return out.stream().anyMatch(l -> l.contains(containing));
            }
          });
    }

    /** The rest of the first stderr line after {@code marker}, up to a space or comma. */
    String awaitStderrMatch(String marker, Duration timeout) {
      return await().atMost(timeout).pollInterval(Duration.ofMillis(100))
          .until(() -> {
            synchronized (err) {
              for (String l : err) {
                int i = l.indexOf(marker);
                if (i >= 0) {
                  return l.substring(i + marker.length()).split("[ ,]")[0];
                }
              }
              return null;
            }
          }, v -> v != null);
    }

    private Object stderrSupplier() {
      return new Object() {
        @Override
        public String toString() {
          return stderr();
        }
      };
    }
  }

  /** path → type, mode, content hash or link target; Tidemark's own cookie/temp files left out. */
  static Map<String, String> describe(Path root) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (p.equals(root) || p.getFileName().toString().startsWith(".tidemark-")) {
          continue;
        }
        String rel = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          m.put(rel, "link -> " + Files.readSymbolicLink(p));
        } else {
          int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
          m.put(rel, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
              ? "dir " + Integer.toOctalString(mode)
              : "file " + Integer.toOctalString(mode) + " " + sha(Files.readAllBytes(p)));
        }
      }
    } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
      m.put("(walk raced a change)", e.toString());
    }
    return m;
  }

  private static String sha(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
