package io.tidemark.agent.replication;

import io.tidemark.proto.delta.BlockSignature;
import io.tidemark.proto.delta.ContentObserver;
import io.tidemark.proto.delta.SignatureGenerator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Computes the block signatures of the files a {@link PeerStream} sends on a thread of its own,
 * from copies of the bytes the encoder read: the sender goes on hashing, framing and sending while
 * the signature (as costly per byte as the SHA-256) is made beside it, so a whole-file copy uses a
 * second core. Memory is bounded: {@value #BUFFERS} buffers of {@value #BUFFER_BYTES} bytes, and
 * the sender waits for a free one when the worker falls behind.
 *
 * <pre>{@code
 * BackgroundSigner.Job job = signer.start(size);
 * encoder.encode(basis, channel, sink, job);   // the job sees every byte
 * CompletableFuture<BlockSignature> signature = job.finish();
 * }</pre>
 */
final class BackgroundSigner implements AutoCloseable {
  static final int BUFFERS = 8;
  static final int BUFFER_BYTES = 256 * 1024;

  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  private final BlockingQueue<Runnable> work = new LinkedBlockingQueue<>();
  private final String name;
  private int allocated;
  private Thread worker;
  private volatile boolean closed;

  BackgroundSigner(String name) {
    this.name = name;
  }

  /** A job for content of about {@code expectedLength} bytes (block size as for the cache). */
  Job start(long expectedLength) {
    return new Job(SignatureGenerator.forCache(expectedLength));
  }

  /** Stops the worker after what is queued; jobs not finished by then never complete. */
  @Override
  public synchronized void close() {
    closed = true;
    if (worker != null) {
      work.add(() -> Thread.currentThread().interrupt());
    }
  }

  private synchronized boolean submit(Runnable task) {
    if (closed) {
      return false;
    }
    if (worker == null) {
      worker = Thread.ofVirtual().name("tidemark-sign-" + name).start(this::run);
    }
    work.add(task);
    return true;
  }

  private byte[] buffer() throws InterruptedException {
    byte[] b = free.poll();
    if (b != null) {
      return b;
    }
    synchronized (this) {
      if (allocated < BUFFERS) {
        allocated++;
        return new byte[BUFFER_BYTES];
      }
    }
    return free.take();
  }

  private void run() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        work.take().run();
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  /**
   * One file's signature: fed by the encoder on the sender thread (into buffers handed over when
   * full, so a small file costs the worker one wake-up), made on the worker.
   */
  final class Job implements ContentObserver {
    private final SignatureGenerator generator;
    private final CompletableFuture<BlockSignature> result = new CompletableFuture<>();
    private volatile boolean failed;
    private byte[] copy;
    private int filled;

    private Job(SignatureGenerator generator) {
      this.generator = generator;
    }

    @Override
    public void update(byte[] buf, int off, int len) {
      while (len > 0 && !closed) {
        if (copy == null) {
          try {
            copy = buffer();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the signer", e);
          }
        }
        int n = Math.min(len, BUFFER_BYTES - filled);
        System.arraycopy(buf, off, copy, filled, n);
        filled += n;
        off += n;
        len -= n;
        if (filled == BUFFER_BYTES) {
          handOver(false);
        }
      }
    }

    /** Ends the input; completes once the worker has signed every byte fed before. */
    CompletableFuture<BlockSignature> finish() {
      handOver(true);
      return result;
    }

    /** The content was not read to its end: no signature; the buffer goes back. */
    void abandon() {
      failed = true;
      if (copy != null) {
        free.offer(copy);
        copy = null;
      }
    }

    private void handOver(boolean end) {
      byte[] c = copy;
      int n = filled;
      copy = null;
      filled = 0;
      Runnable task = () -> {
        try {
          if (c != null && !failed) {
            generator.update(c, 0, n);
          }
          if (end && !failed) {
            result.complete(generator.finish());
          }
        } catch (RuntimeException e) {
          failed = true;
          result.completeExceptionally(e);
        } finally {
          if (c != null) {
            free.offer(c);
          }
        }
      };
      if (!submit(task) && c != null) {
        free.offer(c);
      }
    }
  }
}
