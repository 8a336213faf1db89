package io.tidemark.agent.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where an agent keeps its journal for one root: outside the root (so the agent never hears its
 * own writes), one directory per root, held by one agent at a time.
 *
 * <p>Default: {@code $XDG_STATE_HOME/tidemark/roots/<name>-<hash of the root path>}, with {@code
 * $XDG_STATE_HOME} defaulting to {@code ~/.local/state}.
 */
public final class StateDirectory implements AutoCloseable {
  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private StateDirectory(Path dir, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  public Path path() {
    return dir;
  }

  /** The default state directory for {@code root} (a real, absolute path). */
  public static Path defaultFor(Path root) {
    String xdg = System.getenv("XDG_STATE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".local", "state");
    String name = root.getFileName() == null ? "root" : root.getFileName().toString();
    return base.resolve("tidemark").resolve("roots").resolve(name + "-" + shortHash(root));
  }

  /**
   * Creates (if needed) and locks {@code dir} for {@code root}.
   *
   * @throws StateDirectoryException when it lies inside the root or another agent holds it
   */
  public static StateDirectory claim(Path dir, Path root) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    Files.createDirectories(absolute);
    Path real = absolute.toRealPath();
    if (real.startsWith(root)) {
      throw new StateDirectoryException(
          "state dir "
              + real
              + " is inside the watched root "
              + root
              + ": the agent would journal its own writes; pass --state with a directory outside"
              + " the root");
    }
    FileChannel channel =
        FileChannel.open(
            real.resolve("agent.lock"),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException heldByThisProcess) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new StateDirectoryException(
          "another agent is already running with state dir "
              + real
              + ": stop it, or pass a different --state");
    }
    return new StateDirectory(real, channel, lock);
  }

  private static String shortHash(Path root) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(root.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      lockChannel.close();
    }
  }
}
