package io.tidemark.agent.engine.fanotify;

import static io.tidemark.agent.linux.Fanotify.*;

import com.sun.jna.LastErrorException;
import io.tidemark.agent.engine.EngineException;
import io.tidemark.agent.linux.Fanotify;
import io.tidemark.agent.linux.Handles;
import io.tidemark.agent.linux.LibC;
import java.util.List;

/**
 * One fanotify group with a filesystem mark on every mount a root spans. Owns the group fd; the
 * errno of each refusal becomes an {@link EngineException} that says what to do.
 */
final class FanotifyGroup implements AutoCloseable {
  static final int BASE_FLAGS =
      FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME | FAN_REPORT_FID;
  static final int EVENT_FILE_FLAGS = Handles.O_RDONLY | Handles.O_LARGEFILE | Handles.O_CLOEXEC;
  static final long MASK =
      FAN_MODIFY | FAN_CLOSE_WRITE | FAN_CREATE | FAN_DELETE | FAN_RENAME | FAN_ATTRIB | FAN_ONDIR;

  private final int fd;
  private final boolean targetFid;
  private boolean closed;

  private FanotifyGroup(int fd, boolean targetFid) {
    this.fd = fd;
    this.targetFid = targetFid;
  }

  /** Creates the group and marks each mount; closes the group again if any mark fails. */
  static FanotifyGroup open(List<MountTable.Mount> mounts) throws EngineException {
    FanotifyGroup group = init();
    try {
      for (MountTable.Mount m : mounts) {
        group.mark(m);
      }
      return group;
    } catch (EngineException e) {
      group.close();
      throw e;
    }
  }

  private static FanotifyGroup init() throws EngineException {
    try {
      // FAN_REPORT_TARGET_FID (5.17+) gives the handle of a created/renamed directory, so the
      // cache learns its path at event time instead of asking the kernel later.
      return new FanotifyGroup(
          Fanotify.INSTANCE.fanotify_init(BASE_FLAGS | FAN_REPORT_TARGET_FID, EVENT_FILE_FLAGS),
          true);
    } catch (LastErrorException e) {
      if (e.getErrorCode() != EINVAL) {
        throw initError(e);
      }
    }
    try {
      return new FanotifyGroup(Fanotify.INSTANCE.fanotify_init(BASE_FLAGS, EVENT_FILE_FLAGS), false);
    } catch (LastErrorException e) {
      throw initError(e);
    }
  }

  private static EngineException initError(LastErrorException e) {
    return switch (e.getErrorCode()) {
      case EPERM ->
          new EngineException(
              "fanotify needs CAP_SYS_ADMIN: run as root or use --engine inotify", e);
      case EINVAL ->
          new EngineException(
              "kernel too old for FAN_REPORT_DFID_NAME (needs Linux 5.9+): use --engine inotify",
              e);
      case EMFILE ->
          new EngineException(
              "too many fanotify groups (fs.fanotify.max_user_groups): stop other watchers,"
                  + " raise the sysctl or use --engine inotify",
              e);
      default ->
          new EngineException(
              "fanotify_init failed (errno " + e.getErrorCode() + "): use --engine inotify", e);
    };
  }

  private void mark(MountTable.Mount m) throws EngineException {
    try {
      Fanotify.INSTANCE.fanotify_mark(
          fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, MASK, Handles.AT_FDCWD, m.point());
    } catch (LastErrorException e) {
      throw switch (e.getErrorCode()) {
        case EPERM ->
            new EngineException(
                "fanotify filesystem marks need CAP_SYS_ADMIN (refused on " + m
                    + "): run as root or use --engine inotify",
                e);
        case ENODEV, EXDEV, EOPNOTSUPP ->
            new EngineException(
                "the filesystem mounted at " + m
                    + " cannot report file ids to fanotify: use --engine inotify for this root",
                e);
        case EINVAL ->
            new EngineException(
                "kernel too old for FAN_RENAME on " + m
                    + " (needs Linux 5.17+): use --engine inotify",
                e);
        case ENOENT ->
            new EngineException(
                m.point() + " vanished while it was being marked: check the path and retry", e);
        default ->
            new EngineException(
                "fanotify_mark on " + m + " failed (errno " + e.getErrorCode()
                    + "): use --engine inotify",
                e);
      };
    }
  }

  int fd() {
    return fd;
  }

  /** Whether created/renamed entries come with their own handle (FAN_REPORT_TARGET_FID). */
  boolean reportsTargetFid() {
    return targetFid;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      LibC.closeQuietly(fd);
    }
  }
}
