package io.tidemark.agent.engine.inotify;

import io.tidemark.agent.engine.EngineException;
import io.tidemark.agent.linux.ErrnoException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns inotify errnos into {@link EngineException}s that name the limit, its current value and
 * the sysctl that raises it. The /proc directory is a parameter so tests can point it at a fake.
 */
final class InotifyErrors {
  static final Path PROC_SYS = Path.of("/proc/sys");
  static final String MAX_USER_WATCHES = "fs/inotify/max_user_watches";
  static final String MAX_USER_INSTANCES = "fs/inotify/max_user_instances";
  /** The same limit for the current user namespace; lower than the global one in containers. */
  static final String USERNS_WATCHES = "user/max_inotify_watches";

  private InotifyErrors() {}

  /** inotify_add_watch on {@code dir} failed. */
  static EngineException addWatch(ErrnoException e, Path dir, Path procSys) {
    return switch (e.errno()) {
      case ErrnoException.ENOSPC -> new EngineException(
          "inotify watch limit reached (" + limit(procSys, MAX_USER_WATCHES) + " watches"
              + userNamespaceLimit(procSys) + ") while watching " + dir
              + ": raise fs.inotify.max_user_watches"
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
  static EngineException init(ErrnoException e, Path procSys) {
    if (e.errno() == ErrnoException.EMFILE) {
      return new EngineException(
          "inotify instance limit reached (" + limit(procSys, MAX_USER_INSTANCES)
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

  /** ", user.max_inotify_watches=N" when this user namespace has a lower limit; else "". */
  private static String userNamespaceLimit(Path procSys) {
    try {
      long global = Long.parseLong(limit(procSys, MAX_USER_WATCHES));
      long userns = Long.parseLong(limit(procSys, USERNS_WATCHES));
      return userns < global ? "; this user namespace allows only user.max_inotify_watches="
          + userns : "";
    } catch (NumberFormatException unknown) {
      return "";
    }
  }

  /**
   * The current value of a limit, or "unknown" when /proc cannot tell. One read(2) from offset 0:
   * a sysctl file answers a read at a non-zero offset with EOF, and Files.readString reads a
   * zero-size file in small steps, so it returns only the first digit ("1" for 16384).
   */
  static String limit(Path procSys, String name) {
    try (InputStream in = Files.newInputStream(procSys.resolve(name))) {
      byte[] buf = new byte[64];
      int n = in.read(buf);
      return n <= 0 ? "unknown" : new String(buf, 0, n, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
