package io.tidemark.peer.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback between a peer and an agent that the test can break: {@link #cutAll}
 * resets every open connection (as a network failure would, mid-message), {@link #refuse} closes
 * new connections as soon as they are accepted, {@link #throttle} slows agent-to-peer traffic so a
 * multi-MB file is still streaming when the test cuts. Counts the bytes each way.
 */
public final class CutProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Socket> blackholed = ConcurrentHashMap.newKeySet();
  private final AtomicLong toPeer = new AtomicLong();
  private final AtomicLong toAgent = new AtomicLong();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile boolean refusing;
  private volatile long throttleBytesPerSecond;
  private volatile boolean closed;

  public CutProxy(int targetPort) throws IOException {
    this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("cut-proxy-accept").start(this::acceptLoop);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** {@code 127.0.0.1:PORT} for a peer's {@code --agent}. */
  public String target() {
    return "127.0.0.1:" + port();
  }

  public long bytesToPeer() {
    return toPeer.get();
  }

  public long bytesToAgent() {
    return toAgent.get();
  }

  /** Connections accepted so far (refused ones included). */
  public int accepted() {
    return accepted.get();
  }

  /** Resets every open connection now (RST, no orderly close). */
  public void cutAll() {
    for (Socket s : open) {
      reset(s);
    }
  }

  /**
   * Every connection open now goes silent both ways but stays open (a NAT dropping the flow, a
   * pulled cable): no RST, no FIN, so only the ends' own keepalive can tell. New connections work.
   */
  public void blackholeAll() {
    blackholed.addAll(open);
  }

  public void refuse(boolean on) {
    refusing = on;
  }

  /** Agent-to-peer bytes per second from now on; 0 for full speed. */
  public void throttle(long bytesPerSecond) {
    throttleBytesPerSecond = bytesPerSecond;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket peer;
      try {
        peer = listener.accept();
      } catch (IOException e) {
        return;
      }
      accepted.incrementAndGet();
      if (refusing) {
        reset(peer);
        continue;
      }
      Socket agent = new Socket();
      try {
        agent.connect(target, 10_000);
      } catch (IOException e) {
        reset(peer);
        continue;
      }
      open.add(peer);
      open.add(agent);
      Thread.ofPlatform().daemon().name("cut-proxy-up").start(() -> pump(peer, agent, toAgent, false));
      Thread.ofPlatform().daemon().name("cut-proxy-down").start(() -> pump(agent, peer, toPeer, true));
    }
  }

  private void pump(Socket from, Socket to, AtomicLong counter, boolean throttled) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buf)) > 0; ) {
        if (blackholed.contains(from)) {
          continue;
        }
        out.write(buf, 0, n);
        counter.addAndGet(n);
        long rate = throttleBytesPerSecond;
        if (throttled && rate > 0) {
          Thread.sleep(Math.max(1, n * 1000L / rate));
        }
      }
    } catch (IOException | InterruptedException e) {
      // cut, or the other side went away
    } finally {
      reset(from);
      reset(to);
    }
  }

  private void reset(Socket s) {
    open.remove(s);
    try {
      s.setSoLinger(true, 0); // close() then sends RST
    } catch (IOException ignored) {
      // already closed
    }
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    cutAll();
  }
}
