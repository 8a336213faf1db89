package io.tidemark.peer.replica;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Resolves {@link SafePath}s inside DST without following symlinks: every parent component is
 * checked with {@code lstat} (NOFOLLOW) and must be a real directory, so a symlink planted in DST
 * that points outside can never carry a write, delete or rename out. The last component is never
 * followed either: files are replaced by rename(2), links deleted as links, and the basis is opened
 * with O_NOFOLLOW. {@link ReplicaWriter} re-checks right before each operation.
 *
 * <p><b>Residual TOCTOU</b>: between the check and the syscall a local process with write access
 * to DST could swap a checked parent directory for a symlink. Closing that needs dirfd-relative
 * calls (openat2 with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, then mkdirat/renameat/unlinkat), which
 * the JDK does not expose; it is a follow-up (JNA). The replica is meant to be DST's only writer.
 */
public final class Confinement {
  private final Path root;

  /** @throws IOException when DST is not a directory */
  public Confinement(Path root) throws IOException {
    this.root = root.toRealPath();
    if (!Files.isDirectory(this.root)) {
      throw new IOException("replica root " + root + " is not a directory");
    }
  }

  public Path root() {
    return root;
  }

  /**
   * The on-disk path of {@code p}, after checking that every parent is a directory and not a
   * link; with {@code createParents}, missing parents are created (each one checked again).
   *
   * @throws ConfinementException when a parent is a symlink or not a directory
   */
  public Path resolve(SafePath p, boolean createParents) throws ConfinementException, IOException {
    Path dir = root;
    for (int i = 0; i < p.components().size() - 1; i++) {
      dir = dir.resolve(p.components().get(i));
      BasicFileAttributes a = lstat(dir);
      if (a != null && createParents && !a.isDirectory() && !a.isSymbolicLink()) {
        Files.delete(dir); // SRC has a directory here now: the file it replaces goes
        a = null;
      }
      if (a == null && createParents) {
        try {
          Files.createDirectory(dir);
        } catch (FileAlreadyExistsException raced) {
          // checked below
        }
        a = lstat(dir);
      }
      if (a == null) {
        throw new NoSuchFileException(dir.toString(), null, "parent directory missing");
      }
      if (a.isSymbolicLink()) {
        throw new ConfinementException(p.path(),
            "parent '" + root.relativize(dir) + "' is a symlink in DST; it is never followed");
      }
      if (!a.isDirectory()) {
        throw new ConfinementException(p.path(), "parent '" + root.relativize(dir) + "' is not a directory");
      }
    }
    return dir.resolve(p.name());
  }

  /** lstat, or null when nothing is there. */
  static BasicFileAttributes lstat(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
