package io.tidemark.agent.engine.fanotify;

import io.tidemark.agent.engine.FsEvent;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports what a directory that just arrived under the root holds, as a CREATE for every entry
 * below it (see FsEvent: consumers never crawl a moved-in tree themselves), and learns the
 * handles of the directories in it, so later events in them resolve without asking the kernel.
 *
 * <p>The event names the directory by handle and by the path it had at that point of the event
 * stream; by the time we list, it may have moved on (or another directory taken its place). We
 * list only when the handle still resolves to that path: then the entries are where we say they
 * are. Otherwise a later event in the queue moves or deletes it, and that event brings its own
 * listing. What a listing shows is the tree <em>now</em>, ahead of the events still queued: the
 * paths go into {@link Regions} and the cache as ahead of the stream.
 */
final class TreeLister {
  private static final Logger log = LoggerFactory.getLogger(TreeLister.class);

  private final HandleResolver resolver;
  private final DirectoryCache cache;
  private final Regions regions;

  TreeLister(HandleResolver resolver, DirectoryCache cache, Regions regions) {
    this.resolver = resolver;
    this.cache = cache;
    this.regions = regions;
  }

  /** Whether the directory {@code handle} names is at {@code absoluteDir} now. */
  boolean isAt(HandleKey handle, String absoluteDir) {
    return handle != null && absoluteDir.equals(resolver.resolve(handle));
  }

  /**
   * Appends a CREATE for every entry below {@code absoluteDir} (not for the top itself), named
   * under {@code relativeDir}, if the directory {@code handle} names is still at {@code
   * absoluteDir}. {@code window}: the read being translated.
   */
  void listInto(
      HandleKey handle, String absoluteDir, String relativeDir, int pid, long window, List<FsEvent> out) {
    if (!isAt(handle, absoluteDir)) {
      return; // moved on, replaced or deleted since: the queued event that did it follows
    }
    regions.add(absoluteDir, window);
    Path top = Path.of(absoluteDir);
    try {
      Files.walkFileTree(
          top,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (!dir.equals(top)) {
                String abs = dir.toString();
                HandleKey key = resolver.encode(abs);
                if (key != null) {
                  cache.learn(key, abs, window);
                }
                report(dir, true);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (!file.equals(top)) { // the top turned into a file after the check: nothing below
                report(file, attrs.isDirectory());
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE; // gone again: its DELETE/RENAME event follows
            }

            private void report(Path p, boolean dir) {
              regions.reported(p.toString());
              out.add(FsEvent.of(FsEvent.Kind.CREATE, relativeDir + "/" + top.relativize(p), dir, pid));
            }
          });
    } catch (IOException e) {
      log.debug("could not list {} that arrived under the root: {}", absoluteDir, e.toString());
    }
  }
}
