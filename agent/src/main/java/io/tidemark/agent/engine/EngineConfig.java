package io.tidemark.agent.engine;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What an engine watches and how.
 *
 * @param root the absolute, symlink-free watch root (see {@link #forRoot})
 * @param selfPid events caused by this process are dropped (where the engine knows the pid), so
 *     Tidemark never hears its own writes
 * @param renamePairTimeout how long an inotify MOVED_FROM waits for its MOVED_TO before it is
 *     taken for a move out of the root
 */
public record EngineConfig(Path root, long selfPid, Duration renamePairTimeout) {

  public static final Duration DEFAULT_RENAME_PAIR_TIMEOUT = Duration.ofMillis(20);

  public EngineConfig {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(renamePairTimeout, "renamePairTimeout");
    if (!root.isAbsolute()) {
      throw new IllegalArgumentException("root must be absolute: " + root);
    }
  }

  /** Resolves {@code root} to its real path; the caller has checked that it is a directory. */
  public static EngineConfig forRoot(Path root) throws java.io.IOException {
    Path real = root.toRealPath();
    if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new java.nio.file.NotDirectoryException(root.toString());
    }
    return new EngineConfig(real, ProcessHandle.current().pid(), DEFAULT_RENAME_PAIR_TIMEOUT);
  }
}
