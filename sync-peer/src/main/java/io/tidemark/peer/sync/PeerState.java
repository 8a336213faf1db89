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
 * after each acked checkpoint, so a restart resumes with nothing lost or applied twice. A {@code
 * running} marker, removed by {@link #stoppedCleanly()}, tells the next start that the last run
 * died (kill -9, crash, power loss) and may have left temp files in DST.
 */
public final class PeerState {
  private static final String CURSOR = "cursor";
  private static final String RUNNING = "running";

  private final Path dir;
  private final boolean lastRunDied;
  private String cursor;

  private PeerState(Path dir, String cursor, boolean lastRunDied) {
    this.dir = dir;
    this.cursor = cursor;
    this.lastRunDied = lastRunDied;
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
    Path running = real.resolve(RUNNING);
    boolean died = Files.exists(running);
    if (!died) {
      Files.writeString(running, ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
    }
    return new PeerState(real, cursor, died);
  }

  /** True when the previous run on this state dir did not stop cleanly. */
  public boolean lastRunDied() {
    return lastRunDied;
  }

  /** The replica stopped cleanly (nothing half-written is left in DST). */
  public void stoppedCleanly() throws IOException {
    Files.deleteIfExists(dir.resolve(RUNNING));
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
