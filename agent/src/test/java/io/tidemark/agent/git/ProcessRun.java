package io.tidemark.agent.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command in a directory and captures stdout bytes, stderr and the exit code. */
record ProcessRun(int exit, byte[] out, String err) {

  static ProcessRun run(Path dir, List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
    p.getOutputStream().close();
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return p.getErrorStream().readAllBytes();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + command);
    }
    return new ProcessRun(p.exitValue(), out, new String(err.join(), StandardCharsets.UTF_8));
  }

  String outText() {
    return new String(out, StandardCharsets.UTF_8);
  }

  ProcessRun ok() {
    if (exit != 0) {
      throw new AssertionError("exit " + exit + ": " + err);
    }
    return this;
  }
}
