package io.tidemark.agent.git;

import io.tidemark.agent.runtime.StateDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs the fsmonitor hook into a git repository: writes {@code <git-common-dir>/hooks/}
 * {@value #HOOK_NAME} (the template with the endpoint file's path filled in) and sets {@code
 * core.fsmonitor} (to the hook's absolute path), {@code core.fsmonitorHookVersion 2} and {@code
 * core.untrackedCache true}; optionally {@code core.splitIndex true}. Starts nothing. Running it again changes nothing that is already
 * right. The hook finds the work tree from its working directory (git runs it at the top level),
 * so linked worktrees share one hook.
 */
public final class FsmonitorHookInstaller {
  public static final String HOOK_NAME = "tidemark-fsmonitor";
  private static final String TEMPLATE = "tidemark-fsmonitor.bash";

  /** What {@link #install} found and did, one line per action, for the user. */
  public record Result(Path workTree, Path hook, Path endpointFile, List<String> actions) {}

  private FsmonitorHookInstaller() {}

  /**
   * @param dir a directory inside the work tree
   * @param stateDir the agent's state directory (holds {@code fsmonitor.endpoint}); null for the
   *     default state directory of an agent whose root is the work tree
   */
  public static Result install(Path dir, Path stateDir) throws GitInstallException {
    return install(dir, stateDir, false);
  }

  /**
   * @param splitIndex also set {@code core.splitIndex}: with fsmonitor, git rewrites the index on
   *     almost every status (the fsmonitor token lives in it); split, it writes a small delta
   *     instead of the whole file (8 MB at 100k files, about half of a status here). Off by
   *     default because JGit- and libgit2-based tools cannot read a split index.
   */
  public static Result install(Path dir, Path stateDir, boolean splitIndex)
      throws GitInstallException {
    if (!Files.isDirectory(dir)) {
      throw new GitInstallException("not a directory: " + dir, true, null);
    }
    String top = git(dir, true, "rev-parse", "--show-toplevel");
    if (top.isEmpty()) {
      throw new GitInstallException(
          dir + " is a bare repository or inside .git; run git-install in a work tree", true, null);
    }
    Path workTree = Path.of(top);
    Path commonDir = workTree.resolve(git(workTree, false, "rev-parse", "--git-common-dir"));
    Path hook = commonDir.resolve("hooks").resolve(HOOK_NAME).toAbsolutePath().normalize();
    Path state = stateDir != null ? stateDir : StateDirectory.defaultFor(realPath(workTree));
    Path endpointFile = FsmonitorEndpointFile.pathIn(state.toAbsolutePath().normalize());
    List<String> actions = new ArrayList<>();
    try {
      actions.add(writeHook(hook, render(endpointFile)));
    } catch (IOException e) {
      throw new GitInstallException("cannot write " + hook + ": " + e.getMessage(), false, e);
    }
    actions.add(setConfig(workTree, "core.fsmonitor", hook.toString()));
    actions.add(setConfig(workTree, "core.fsmonitorHookVersion", "2"));
    actions.add(setConfig(workTree, "core.untrackedCache", "true"));
    if (splitIndex) {
      actions.add(setConfig(workTree, "core.splitIndex", "true"));
    }
    endpointWarning(endpointFile, workTree, actions);
    return new Result(workTree, hook, endpointFile, List.copyOf(actions));
  }

  private static Path realPath(Path p) throws GitInstallException {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      throw new GitInstallException("cannot resolve " + p + ": " + e.getMessage(), false, e);
    }
  }

  /** The hook script for an agent whose endpoint file is {@code endpointFile}. */
  public static String render(Path endpointFile) {
    try (InputStream in = FsmonitorHookInstaller.class.getResourceAsStream(TEMPLATE)) {
      if (in == null) {
        throw new IllegalStateException("hook template " + TEMPLATE + " missing from the jar");
      }
      String template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return template
          .replace("@BASH@", shebang())
          .replace("@ENDPOINT_FILE@", shellQuote(endpointFile.toString()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read hook template " + TEMPLATE, e);
    }
  }

  /** bash by absolute path when it is in a usual place: one exec fewer than env, per status. */
  static String shebang() {
    for (String bash : List.of("/bin/bash", "/usr/bin/bash", "/usr/local/bin/bash")) {
      if (Files.isExecutable(Path.of(bash))) {
        return "#!" + bash;
      }
    }
    return "#!/usr/bin/env bash";
  }

  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static String writeHook(Path hook, String script) throws IOException {
    if (Files.isRegularFile(hook)
        && Files.readString(hook, StandardCharsets.UTF_8).equals(script)
        && Files.isExecutable(hook)) {
      return "hook " + hook + " already up to date";
    }
    boolean existed = Files.exists(hook);
    Files.createDirectories(hook.getParent());
    Path temp =
        Files.createTempFile(
            hook.getParent(),
            HOOK_NAME + ".",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    try {
      Files.writeString(temp, script, StandardCharsets.UTF_8);
      Files.move(temp, hook, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    return (existed ? "updated hook " : "wrote hook ") + hook;
  }

  private static String setConfig(Path workTree, String key, String value)
      throws GitInstallException {
    String old = git(workTree, false, List.of(0, 1), "config", "--get", key);
    if (old.equals(value)) {
      return "git config " + key + " already " + value;
    }
    git(workTree, false, "config", key, value);
    return "git config " + key + " " + value + (old.isEmpty() ? "" : " (was " + old + ")");
  }

  private static void endpointWarning(Path endpointFile, Path workTree, List<String> actions) {
    try {
      FsmonitorEndpointFile endpoint = FsmonitorEndpointFile.read(endpointFile);
      if (!RepoScope.of(endpoint.root(), workTree).covered()) {
        actions.add(
            "warning: the running agent watches "
                + endpoint.root()
                + ", which does not cover "
                + workTree
                + "; git will check every file until an agent watches the work tree");
      }
    } catch (NoSuchFileException none) {
      // no agent has run yet: nothing to compare
    } catch (IOException unreadable) {
      actions.add("warning: " + unreadable.getMessage());
    }
  }

  private static String git(Path dir, boolean usage, String... args) throws GitInstallException {
    return git(dir, usage, List.of(0), args);
  }

  private static String git(Path dir, boolean usage, List<Integer> okCodes, String... args)
      throws GitInstallException {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    String shown = "git " + String.join(" ", args);
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new GitInstallException("cannot run git (is it installed and on PATH?)", false, e);
    }
    try {
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      byte[] err = process.getErrorStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new GitInstallException(shown + " timed out in " + dir, false, null);
      }
      if (!okCodes.contains(process.exitValue())) {
        String why = new String(err, StandardCharsets.UTF_8).strip();
        String what = usage ? dir + " is not inside a git work tree" : shown + " failed in " + dir;
        throw new GitInstallException(what + (why.isEmpty() ? "" : " (" + why + ")"), usage, null);
      }
      return new String(out, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new GitInstallException(shown + " failed in " + dir + ": " + e.getMessage(), false, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GitInstallException(shown + " interrupted", false, e);
    }
  }
}
