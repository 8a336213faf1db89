package io.tidemark.agent.git;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code git status} in a work tree twice: as configured (fsmonitor on), and with fsmonitor and
 * the untracked cache off and without writing the index ({@code --no-optional-locks}), so the
 * reference run leaves the fsmonitor state alone. Reusable against the real agent.
 */
record GitStatusComparison(String withFsmonitor, String reference) {

  static GitStatusComparison of(Path workTree) throws IOException, InterruptedException {
    String with = status(workTree, List.of());
    String without =
        status(
            workTree,
            List.of("--no-optional-locks", "-c", "core.fsmonitor=", "-c", "core.untrackedCache=false"));
    return new GitStatusComparison(with, without);
  }

  static String status(Path workTree, List<String> options)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(options);
    command.addAll(List.of("status", "--porcelain", "--untracked-files=all"));
    return ProcessRun.run(workTree, command).ok().outText();
  }

  boolean same() {
    return withFsmonitor.equals(reference);
  }
}
