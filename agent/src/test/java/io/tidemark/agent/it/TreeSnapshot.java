package io.tidemark.agent.it;

import io.tidemark.agent.ignore.IgnoreRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * What a tree looks like at one moment: root-relative path → type, size, mtime, content hash,
 * mode. Directory mtimes are left out on purpose: they move with every entry added or removed,
 * and the journal reports the entries.
 */
public record TreeSnapshot(Map<String, Entry> entries) {

  public record Entry(boolean dir, long size, long mtimeNanos, long hash, String mode) {}

  public static TreeSnapshot of(Path root) throws IOException {
    Map<String, Entry> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.skip(1).forEach(p -> {
        String rel = root.relativize(p).toString();
        if (IgnoreRules.isCookie(rel)) {
          return; // the agent's own; checked separately
        }
        try {
          PosixFileAttributes a =
              Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          String mode = PosixFilePermissions.toString(a.permissions());
          if (a.isDirectory()) {
            entries.put(rel, new Entry(true, 0, 0, 0, mode));
          } else {
            long mtime = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
            CRC32C crc = new CRC32C();
            crc.update(Files.readAllBytes(p));
            entries.put(rel, new Entry(false, a.size(), mtime, crc.getValue(), mode));
          }
        } catch (java.nio.file.NoSuchFileException raced) {
          // a cookie removed under our feet
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    return new TreeSnapshot(Map.copyOf(entries));
  }

  /** Paths whose entry differs (or exists on one side only). */
  public TreeSet<String> differences(TreeSnapshot later) {
    TreeSet<String> out = new TreeSet<>();
    TreeSet<String> all = new TreeSet<>(entries.keySet());
    all.addAll(later.entries.keySet());
    for (String p : all) {
      if (!Objects.equals(entries.get(p), later.entries.get(p))) {
        out.add(p);
      }
    }
    return out;
  }
}
