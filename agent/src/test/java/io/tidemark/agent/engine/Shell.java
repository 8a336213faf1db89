package io.tidemark.agent.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code sh -c} script in a child process, so the engine sees a pid that is not the test
 * JVM's. Redirections and builtins ({@code echo x > f}, {@code : > f}) run in the shell itself, so
 * their events carry exactly {@link Result#pid()}.
 */
final class Shell {
  private Shell() {}

  record Result(long pid, int exit, String output) {}

  static Result run(Path cwd, String script) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("sh", "-c", script)
            .directory(cwd.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: sh -c '" + script + "'");
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("sh -c '" + script + "' exited " + p.exitValue() + ": " + out);
    }
    return new Result(p.pid(), p.exitValue(), out);
  }
}
