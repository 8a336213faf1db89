package io.tidemark.peer.sync;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The replica's durable progress, in its own state dir (never inside DST): {@code cursor} holds
 * the last cursor applied (one line, UTF-8), replaced atomically (temp, fsync, rename, fsync dir)
 * after each acked checkpoint, so a restart resumes with nothing lost or applied twice.
 */
public final class PeerState {
  private static final String CURSOR = "cursor";

  private final Path dir;
  private String cursor;

  private PeerState(Path dir, String cursor) {
    this.dir = dir;
    this.cursor = cursor;
  }

  /** {@code $XDG_STATE_HOME/tidemark/peers/<name>} (default {@code ~/.local/state}). */
  public static Path defaultDir(String peerName) {
    String xdg = System.getenv("XDG_STATE_HOME");
    Path base = xdg != null && !xdg.isBlank()
        ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".local", "state");
    return base.resolve("tidemark").resolve("peers").resolve(peerName);
  }

  /**
   * Opens (creating) the state dir of the replica of {@code replicaRoot}.
   *
   * @throws IllegalArgumentException when the state dir lies inside the replica
   */
  public static PeerState open(Path dir, Path replicaRoot) throws IOException {
    Files.createDirectories(dir);
    Path real = dir.toRealPath();
    if (real.startsWith(replicaRoot.toRealPath())) {
      throw new IllegalArgumentException(
          "the peer state dir " + dir + " is inside the replica " + replicaRoot
              + ": pick another --state (it must survive the replica being rewritten)");
    }
    String cursor;
    try {
      cursor = Files.readString(real.resolve(CURSOR), StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      cursor = "";
    }
    return new PeerState(real, cursor);
  }

  public Path dir() {
    return dir;
  }

  /** The last recorded cursor; empty for a new replica. */
  public synchronized String cursor() {
    return cursor;
  }

  public synchronized void record(String newCursor) throws IOException {
    Path temp = dir.resolve(CURSOR + ".tmp");
    try (FileChannel c = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      c.write(java.nio.ByteBuffer.wrap((newCursor + "\n").getBytes(StandardCharsets.UTF_8)));
      c.force(true);
    }
    Files.move(temp, dir.resolve(CURSOR), StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
    cursor = newCursor;
  }
}
