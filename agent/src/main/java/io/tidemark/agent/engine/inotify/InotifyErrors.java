package io.tidemark.agent.engine.inotify;

import io.tidemark.agent.engine.EngineException;
import io.tidemark.agent.linux.ErrnoException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns inotify errnos into {@link EngineException}s that name the limit, its current value and
 * the sysctl that raises it. The /proc directory is a parameter so tests can point it at a fake.
 */
final class InotifyErrors {
  static final Path PROC_INOTIFY = Path.of("/proc/sys/fs/inotify");

  private InotifyErrors() {}

  /** inotify_add_watch on {@code dir} failed. */
  static EngineException addWatch(ErrnoException e, Path dir, Path procInotify) {
    return switch (e.errno()) {
      case ErrnoException.ENOSPC -> new EngineException(
          "inotify watch limit reached (" + limit(procInotify, "max_user_watches")
              + " watches) while watching " + dir + ": raise fs.inotify.max_user_watches"
              + " (sysctl -w fs.inotify.max_user_watches=524288), or use --engine fanotify",
          e);
      case ErrnoException.EACCES -> new EngineException(
          "cannot watch " + dir + ": permission denied; run tidemark as a user that can read"
              + " every directory under the root",
          e);
      default -> new EngineException(
          "cannot watch " + dir + " (inotify_add_watch errno " + e.errno() + "); check that"
              + " the directory is readable and on a local filesystem",
          e);
    };
  }

  /** inotify_init1 failed. */
  static EngineException init(ErrnoException e, Path procInotify) {
    if (e.errno() == ErrnoException.EMFILE) {
      return new EngineException(
          "inotify instance limit reached (" + limit(procInotify, "max_user_instances")
              + " instances): raise fs.inotify.max_user_instances"
              + " (sysctl -w fs.inotify.max_user_instances=1024) or stop other watchers",
          e);
    }
    if (e.errno() == ErrnoException.ENFILE || e.errno() == ErrnoException.ENOMEM) {
      return new EngineException(
          "cannot create an inotify instance: out of file descriptors or memory (errno "
              + e.errno() + "); raise fs.file-max or free memory",
          e);
    }
    return new EngineException(
        "cannot create an inotify instance (errno " + e.errno() + "): is inotify enabled in"
            + " this kernel (CONFIG_INOTIFY_USER)?",
        e);
  }

  /** The current value of a limit, or "unknown" when /proc cannot tell. */
  static String limit(Path procInotify, String name) {
    try {
      return Files.readString(procInotify.resolve(name)).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
