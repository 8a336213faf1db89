package io.tidemark.peer.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A tree as comparable text: path → type, mode bits, SHA-256 of the content or link target. */
public final class Tree {
  private Tree() {}

  /** Everything under {@code root}, Tidemark's own names ({@code .tidemark-*}) included. */
  public static Map<String, String> describe(Path root) throws IOException {
    return describe(root, false);
  }

  /** As {@link #describe(Path)}, leaving out an agent's sync cookies (SRC while an agent runs). */
  public static Map<String, String> describeSource(Path root) throws IOException {
    return describe(root, true);
  }

  private static Map<String, String> describe(Path root, boolean skipOwn) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (p.equals(root) || skipOwn && p.getFileName().toString().startsWith(".tidemark-")) {
          continue;
        }
        String rel = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          m.put(rel, "link -> " + Files.readSymbolicLink(p));
          continue;
        }
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        m.put(rel, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
            ? "dir " + Integer.toOctalString(mode)
            : "file " + Integer.toOctalString(mode) + " " + Files.size(p) + " " + sha256(p));
      }
    } catch (UncheckedIOException | NoSuchFileException e) {
      m.put("(the walk raced a change)", e.toString()); // compare again later
    }
    return m;
  }

  private static String sha256(Path p) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)), 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
