package io.tidemark.agent.engine.inotify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Tells a directory that holds no subdirectory from its link count, on filesystems where a
 * directory's count is 2 + its subdirectories (as find(1) does). The initial crawl lists a
 * directory only to find the subdirectories to watch, so it can skip such a leaf (100k files in
 * 100-file directories: 1,000 listings of 100 names become 1,000 stats). Only on the root's own
 * filesystem: a mount below the root may be of any kind.
 */
class LeafCheck {
  /** Filesystems whose directory link count is 2 + its number of subdirectories. */
  private static final Set<String> NLINK_COUNTS_SUBDIRS = Set.of("tmpfs", "ext2", "ext3", "ext4", "xfs");

  /** For any other filesystem: every directory is listed. */
  static final LeafCheck NEVER = new LeafCheck(null);

  private final Object rootDev;

  private LeafCheck(Object rootDev) {
    this.rootDev = rootDev;
  }

  static LeafCheck forRoot(Path root) {
    try {
      if (NLINK_COUNTS_SUBDIRS.contains(Files.getFileStore(root).type())) {
        return new LeafCheck(Files.getAttribute(root, "unix:dev"));
      }
    } catch (IOException | RuntimeException e) {
      // unknown: list everything
    }
    return NEVER;
  }

  /**
   * True when {@code dir}, on the root's filesystem, has no subdirectory now; false when it has,
   * or may have, or the stat failed (the listing then finds out).
   */
  boolean hasNoSubdirectory(Path dir) {
    if (rootDev == null) {
      return false;
    }
    try {
      Map<String, Object> a = Files.readAttributes(dir, "unix:nlink,dev", LinkOption.NOFOLLOW_LINKS);
      return rootDev.equals(a.get("dev")) && Integer.valueOf(2).equals(a.get("nlink"));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
