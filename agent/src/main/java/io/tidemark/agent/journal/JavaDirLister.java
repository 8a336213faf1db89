package io.tidemark.agent.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link DirLister} on {@code java.nio}: {@code readdir} through a {@link DirectoryStream} and
 * {@link FileStat#lstat} per entry (a map of attributes each). The fallback where {@link
 * NativeDirLister} is unavailable, and the reference it is tested against.
 */
final class JavaDirLister implements DirLister {

  @Override
  public Dir openRoot(Path root) {
    return new JavaDir(root);
  }

  private record JavaDir(Path dir) implements Dir {

    @Override
    public void list(EntrySink sink) throws IOException {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path p : entries) {
          String name = p.getFileName().toString();
          FileStat stat;
          try {
            stat = FileStat.lstat(p);
          } catch (UncheckedIOException e) {
            sink.statFailed(name, e.getCause());
            continue;
          }
          if (stat != null) {
            sink.entry(name, stat, stat.isDir() ? p : null);
          }
        }
      }
    }

    @Override
    public Dir openChild(Object ref) {
      return new JavaDir((Path) ref); // opened by list(), which reports a vanished directory
    }

    @Override
    public void retain() {}

    @Override
    public void release() {}
  }
}
