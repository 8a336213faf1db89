package io.tidemark.agent.git;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * {@code <stateDir>/fsmonitor.endpoint}: how the hook finds the agent's fsmonitor endpoint.
 *
 * <p>Format (UTF-8, '\n'-terminated lines, read by the hook with a bash {@code read} loop):
 *
 * <pre>
 * # tidemark fsmonitor endpoint v1
 * port=41234
 * secret=64 lowercase hex digits (32 random bytes)
 * root=/absolute/agent/root
 * </pre>
 *
 * Unknown keys are ignored. The file is mode 0600 in a 0700 state directory (the state directory
 * is per user, so the secret is too), written to a temp file in the same directory and renamed
 * over the old one, so a reader sees the old or the new file, never half of one.
 */
public record FsmonitorEndpointFile(int port, String secret, Path root) {
  public static final String FILE_NAME = "fsmonitor.endpoint";
  private static final String HEADER = "# tidemark fsmonitor endpoint v1";

  public FsmonitorEndpointFile {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    Objects.requireNonNull(secret, "secret");
    if (!secret.matches("[0-9a-f]{16,}")) {
      throw new IllegalArgumentException("secret must be lowercase hex");
    }
  }

  /** 32 random bytes as 64 hex digits. */
  public static String newSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** {@code $XDG_STATE_HOME/tidemark}, else {@code ~/.local/state/tidemark}. */
  public static Path defaultStateDir() {
    String xdg = System.getenv("XDG_STATE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "tidemark");
    }
    return Path.of(System.getProperty("user.home"), ".local", "state", "tidemark");
  }

  public static Path pathIn(Path stateDir) {
    return stateDir.resolve(FILE_NAME);
  }

  /** Writes this endpoint to {@code <stateDir>/fsmonitor.endpoint}, creating the dir (0700). */
  public Path writeTo(Path stateDir) throws IOException {
    Files.createDirectories(
        stateDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path target = pathIn(stateDir);
    Path temp =
        Files.createTempFile(
            stateDir,
            FILE_NAME + ".",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(render().getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename atomically in " + stateDir, e);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    return target;
  }

  /** Removes the file if it still names this endpoint (a newer agent may have replaced it). */
  public void deleteFrom(Path stateDir) throws IOException {
    Path target = pathIn(stateDir);
    try {
      if (read(target).equals(this)) {
        Files.deleteIfExists(target);
      }
    } catch (java.nio.file.NoSuchFileException gone) {
      // nothing to remove
    }
  }

  String render() {
    return HEADER + "\nport=" + port + "\nsecret=" + secret + "\nroot=" + root + "\n";
  }

  /**
   * @throws java.nio.file.NoSuchFileException when no agent has written one
   * @throws IOException when it is unreadable or malformed (the message names the file)
   */
  public static FsmonitorEndpointFile read(Path file) throws IOException {
    String port = null;
    String secret = null;
    String root = null;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (line.startsWith("#") || eq < 0) {
        continue;
      }
      String value = line.substring(eq + 1);
      switch (line.substring(0, eq)) {
        case "port" -> port = value;
        case "secret" -> secret = value;
        case "root" -> root = value;
        default -> {}
      }
    }
    if (port == null || secret == null || root == null) {
      throw new IOException(file + ": not an fsmonitor endpoint file (needs port, secret, root)");
    }
    try {
      return new FsmonitorEndpointFile(Integer.parseInt(port), secret, Path.of(root));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }
}
