package io.tidemark.agent.engine.fanotify;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.tidemark.agent.engine.EngineConfig;
import io.tidemark.agent.engine.EngineException;
import io.tidemark.agent.engine.EventSink;
import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.engine.ReadPacer;
import io.tidemark.agent.engine.WatchEngine;
import io.tidemark.agent.linux.ErrnoException;
import io.tidemark.agent.linux.LibC;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fanotify engine: one FAN_MARK_FILESYSTEM mark per filesystem the root spans, directory
 * handles resolved to paths through a {@link DirectoryCache}, events outside the root dropped in
 * userspace. One reader thread polls the group fd and an eventfd (so {@link #close()} can wake
 * it), reads up to 256 KiB at a time and hands each read's events to the sink as one batch.
 */
public final class FanotifyEngine implements WatchEngine {
  private static final Logger log = LoggerFactory.getLogger(FanotifyEngine.class);
  private static final int READ_BUFFER = 256 * 1024;
  private static final int POLLFD_SIZE = 8; // struct pollfd {int fd; short events, revents}
  /**
   * Bigger than any record we can be sent: metadata + two DFID_NAME (handle of at most
   * MAX_HANDLE_SZ, name of at most NAME_MAX) + one FID.
   */
  private static final int MAX_RECORD = 4096;
  /** Small reads inside a burst are followed by a 0.5 ms pause (see {@link ReadPacer}). */
  private static final int COALESCE_BELOW = 16 * 1024;
  private static final long COALESCE_NANOS = 500_000;

  private final EngineConfig config;
  private final String root;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private FanotifyGroup group;
  private HandleResolver resolver;
  private int wakeFd = -1;
  private Thread reader;

  public FanotifyEngine(EngineConfig config) {
    this.config = config;
    this.root = config.root().toString();
  }

  /** True when a filesystem mark can be set on {@code root} (CAP_SYS_ADMIN, kernel support). */
  public static boolean isAvailable(Path root) {
    try {
      String real = root.toRealPath().toString();
      FanotifyGroup.open(List.of(MountTable.spanning(real).get(0))).close();
      return true;
    } catch (IOException | LastErrorException | LinkageError e) {
      log.debug("fanotify unavailable for {}: {}", root, e.toString());
      return false;
    }
  }

  @Override
  public String name() {
    return "fanotify";
  }

  @Override
  public void start(EventSink sink) throws IOException {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("engine already started");
    }
    List<MountTable.Mount> mounts = MountTable.spanning(root);
    group = FanotifyGroup.open(mounts);
    try {
      resolver = new HandleResolver();
      for (MountTable.Mount m : mounts) {
        resolver.addFilesystem(m.point());
      }
      Regions regions = new Regions();
      DirectoryCache cache = new DirectoryCache(root, resolver, regions);
      boolean nlinkCountsSubdirs =
          mounts.stream().allMatch(m -> NLINK_COUNTS_SUBDIRS.contains(m.fsType()));
      EventTranslator translator =
          new EventTranslator(
              root,
              cache,
              regions,
              new TreeLister(resolver, cache, regions),
              () -> seed(cache, nlinkCountsSubdirs),
              config.selfPid());
      wakeFd = LibC.eventFd(LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
      // The walk that learns the directory handles runs on the reader thread, before its first
      // read: the marks are set, so the kernel queues every event meanwhile, and the caller (the
      // start-up reconcile crawl) need not wait for it (0.3-1.2 s for 100k files on a loaded
      // 2-CPU machine).
      reader = new Thread(() -> {
        seed(cache, nlinkCountsSubdirs);
        run(translator, sink);
      }, "tidemark-fanotify");
      reader.setDaemon(true);
      reader.start();
    } catch (LastErrorException | ErrnoException e) {
      close();
      throw new EngineException(
          "cannot prepare fanotify for " + root + " (" + e.getMessage()
              + "): check the root is readable or use --engine inotify",
          e);
    }
  }

  /** Filesystems whose directory link count is 2 + its number of subdirectories. */
  private static final Set<String> NLINK_COUNTS_SUBDIRS = Set.of("tmpfs", "ext2", "ext3", "ext4", "xfs");

  /**
   * Learns the handle of every directory under the root now that the marks are set, so events
   * for a directory deleted before we read them still resolve, and paths come from event time.
   *
   * <p>Only directories are needed, and Java cannot see {@code d_type}, so on filesystems whose
   * directory link count is 2 + subdirectories (every mount under the root one of {@link
   * #NLINK_COUNTS_SUBDIRS}) a directory's entries are stat'ed only until that many subdirectories
   * were found (none at all for a leaf), as find(1) does. Elsewhere every entry is stat'ed.
   * 1M files in 100-file directories on tmpfs: 1M lstat calls become 10k.
   */
  private void seed(DirectoryCache cache, boolean nlinkCountsSubdirs) {
    Deque<Path> todo = new ArrayDeque<>();
    todo.push(config.root());
    while (!todo.isEmpty() && !closed.get()) {
      Path dir = todo.pop();
      HandleKey key = resolver.encode(dir.toString());
      if (key != null) {
        cache.put(key, dir.toString(), DirectoryCache.STREAM);
      }
      int subdirsLeft = Integer.MAX_VALUE;
      if (nlinkCountsSubdirs) {
        try {
          int nlink = (Integer) Files.getAttribute(dir, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
          if (nlink >= 2) {
            subdirsLeft = nlink - 2;
          }
        } catch (IOException | RuntimeException e) {
          continue; // vanished or unreadable: its events still resolve
        }
      }
      if (subdirsLeft == 0) {
        continue;
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path p : entries) {
          if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            todo.push(p);
            if (--subdirsLeft == 0) {
              break;
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        // vanished or unreadable: its events still resolve
      }
    }
  }

  private void run(EventTranslator translator, EventSink sink) {
    try (Memory pollFds = new Memory(2L * POLLFD_SIZE);
        Memory buffer = new Memory(READ_BUFFER)) {
      byte[] heap = new byte[READ_BUFFER];
      pollFds.clear();
      pollFds.setInt(0, group.fd());
      pollFds.setShort(4, LibC.POLLIN);
      pollFds.setInt(POLLFD_SIZE, wakeFd);
      pollFds.setShort(POLLFD_SIZE + 4, LibC.POLLIN);
      ReadPacer pacer = new ReadPacer(COALESCE_BELOW, COALESCE_NANOS);
      while (!closed.get()) {
        pollFds.setShort(6, (short) 0);
        pollFds.setShort(POLLFD_SIZE + 6, (short) 0);
        LibC.poll(pollFds, 2, -1);
        if (closed.get() || pollFds.getShort(POLLFD_SIZE + 6) != 0) {
          return;
        }
        int n = LibC.read(group.fd(), buffer, READ_BUFFER);
        if (n <= 0) {
          continue; // EAGAIN after a spurious wakeup (the group fd is non-blocking)
        }
        buffer.read(0, heap, 0, n);
        List<FsEvent> batch = new ArrayList<>();
        try {
          translator.beginRead();
          translator.translate(heap, n, batch);
          // the next record would have fit: the read emptied the queue
          translator.endRead(n <= READ_BUFFER - MAX_RECORD);
        } catch (EventTranslator.RootGone gone) {
          deliver(sink, batch);
          fail(sink, new EngineException("watch root " + root + " was " + gone.getMessage()
              + ": start the watch again on the directory's new location"));
          return;
        }
        deliver(sink, batch);
        pacer.afterRead(n, System.nanoTime());
      }
    } catch (ErrnoException e) {
      fail(sink, new EngineException("reading fanotify events for " + root + " failed ("
          + e.getMessage() + "): restart the watch or use --engine inotify", e));
    } catch (RuntimeException e) {
      fail(sink, e);
    }
  }

  private static void deliver(EventSink sink, List<FsEvent> batch) {
    if (!batch.isEmpty()) {
      sink.onEvents(batch);
    }
  }

  private void fail(EventSink sink, Throwable cause) {
    if (!closed.get()) {
      sink.onFailure(cause);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (wakeFd >= 0) {
      try {
        LibC.signalEventFd(wakeFd);
      } catch (ErrnoException e) {
        log.warn("could not wake the fanotify reader of {}: {}", root, e.getMessage());
      }
    }
    if (reader != null && reader != Thread.currentThread()) {
      try {
        reader.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (group != null) {
      group.close();
    }
    if (resolver != null) {
      resolver.close();
    }
    if (wakeFd >= 0) {
      LibC.closeQuietly(wakeFd);
    }
  }
}
