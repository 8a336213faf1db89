package io.tidemark.agent.engine.inotify;

import com.sun.jna.Memory;
import io.tidemark.agent.engine.EngineConfig;
import io.tidemark.agent.engine.EngineException;
import io.tidemark.agent.engine.EventSink;
import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.engine.ReadPacer;
import io.tidemark.agent.engine.WatchEngine;
import io.tidemark.agent.linux.ErrnoException;
import io.tidemark.agent.linux.Inotify;
import io.tidemark.agent.linux.LibC;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The inotify fallback: one watch per directory (no CAP_SYS_ADMIN needed). {@link #start} crawls
 * the tree on the caller's thread; then one reader thread polls the inotify fd together with an
 * eventfd that {@link #close} signals, reads up to {@link #BUFFER_SIZE} bytes of records at a
 * time and hands each read's events to the sink in one call.
 */
public final class InotifyEngine implements WatchEngine {
  /** Room for thousands of records per read: one JNA call per burst, not per event. */
  static final int BUFFER_SIZE = 256 * 1024;
  /** Small reads inside a burst are followed by a 0.5 ms pause (see {@link ReadPacer}). */
  private static final int COALESCE_BELOW = 8 * 1024;
  private static final long COALESCE_NANOS = 500_000;

  private final EngineConfig config;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile int inotifyFd = -1;
  private volatile int wakeFd = -1;
  private volatile Thread reader;

  public InotifyEngine(EngineConfig config) {
    this.config = config;
  }

  @Override
  public String name() {
    return "inotify";
  }

  @Override
  public void start(EventSink sink) throws IOException {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("inotify engine already started");
    }
    if (closed.get()) {
      throw new IllegalStateException("inotify engine closed");
    }
    try {
      try {
        inotifyFd = Inotify.init(Inotify.IN_NONBLOCK | Inotify.IN_CLOEXEC);
      } catch (ErrnoException e) {
        throw InotifyErrors.init(e, InotifyErrors.PROC_SYS);
      }
      try {
        wakeFd = LibC.eventFd(LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
      } catch (ErrnoException e) {
        throw new EngineException(
            "cannot create an eventfd (errno " + e.errno() + "): raise the open-file limit"
                + " (ulimit -n)", e);
      }
      WatchTree tree = new WatchTree();
      TreeWatcher watcher =
          new TreeWatcher(inotifyFd, config.root(), tree, InotifyErrors.PROC_SYS);
      watcher.watchRoot();
      EventBuffer out = new EventBuffer();
      RenamePairer pairer = new RenamePairer(config.renamePairTimeout().toNanos());
      EventTranslator translator =
          new EventTranslator(inotifyFd, config.root(), tree, watcher, pairer, out);
      Thread t = new Thread(() -> run(sink, translator, pairer, out), "tidemark-inotify");
      t.setDaemon(true);
      reader = t;
      t.start();
    } catch (IOException | RuntimeException | Error e) {
      closed.set(true);
      closeFds();
      throw e;
    }
  }

  private void run(EventSink sink, EventTranslator translator, RenamePairer pairer,
      EventBuffer out) {
    Memory buffer = new Memory(BUFFER_SIZE);
    ByteBuffer records = buffer.getByteBuffer(0, BUFFER_SIZE).order(ByteOrder.nativeOrder());
    Memory pollFds = new Memory(16); // two struct pollfd {int fd; short events; short revents;}
    pollFds.setInt(0, inotifyFd);
    pollFds.setInt(8, wakeFd);
    ReadPacer pacer = new ReadPacer(COALESCE_BELOW, COALESCE_NANOS);
    try {
      while (!closed.get()) {
        pollFds.setShort(4, LibC.POLLIN);
        pollFds.setShort(6, (short) 0);
        pollFds.setShort(12, LibC.POLLIN);
        pollFds.setShort(14, (short) 0);
        LibC.poll(pollFds, 2, pairer.pollTimeoutMillis(System.nanoTime()));
        if (closed.get() || pollFds.getShort(14) != 0) {
          break;
        }
        long readStart = System.nanoTime();
        int n = (pollFds.getShort(6) & LibC.POLLIN) != 0
            ? LibC.read(inotifyFd, buffer, BUFFER_SIZE)
            : -1;
        if (n > 0) {
          translator.translate(records, n, readStart);
        }
        if (n <= BUFFER_SIZE - Inotify.MAX_EVENT) { // the next record would have fit: queue empty
          translator.onDrained(readStart);
        }
        List<FsEvent> batch = out.drainReady();
        if (!batch.isEmpty()) {
          sink.onEvents(batch);
        }
        pacer.afterRead(n, System.nanoTime());
      }
    } catch (Throwable t) {
      if (!closed.get()) {
        List<FsEvent> ready = out.drainReady();
        if (!ready.isEmpty()) {
          sink.onEvents(ready); // what was read before the failure still happened
        }
        closed.set(true);
        sink.onFailure(t);
      }
    } finally {
      closeFds();
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true) && reader == null) {
      return;
    }
    Thread t = reader;
    if (t == null) {
      closeFds();
      return;
    }
    if (t == Thread.currentThread()) {
      return; // called from the sink: the loop sees `closed` when the callback returns
    }
    wakeReader();
    boolean interrupted = false;
    while (t.isAlive()) {
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** For tests: whether the reader thread still runs. */
  boolean readerAlive() {
    Thread t = reader;
    return t != null && t.isAlive();
  }

  /** Under the lock that closes the fds, so the eventfd number cannot be reused meanwhile. */
  private synchronized void wakeReader() {
    if (wakeFd < 0) {
      return; // the reader already exited
    }
    try {
      LibC.signalEventFd(wakeFd);
    } catch (ErrnoException e) {
      throw new IllegalStateException("cannot wake the inotify reader: " + e.getMessage(), e);
    }
  }

  private synchronized void closeFds() {
    LibC.closeQuietly(inotifyFd);
    LibC.closeQuietly(wakeFd);
    inotifyFd = -1;
    wakeFd = -1;
  }
}
