package io.tidemark.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy that counts the bytes it forwards, so two tools (a Tidemark peer and its
 * agent, an rsync client and its daemon) are measured on the wire the same way, TCP payload
 * including all framing (HTTP/2, gRPC, rsync protocol), excluding TCP/IP headers.
 *
 * <pre>
 * java -cp ... io.tidemark.bench.ByteProxy LISTEN_PORT TARGET_PORT CONTROL_PORT
 * </pre>
 *
 * Forwards 127.0.0.1:LISTEN_PORT to 127.0.0.1:TARGET_PORT (any number of connections, both ways,
 * TCP_NODELAY on both legs so small messages are not held back). A connection to CONTROL_PORT
 * gets one line {@code client_to_server server_to_client connections} (totals since start) and is
 * closed: in bash, {@code read -r up down n </dev/tcp/127.0.0.1/CONTROL_PORT}. Prints
 * {@code listening} on stdout once both ports are bound.
 */
public final class ByteProxy {
  private static final AtomicLong UP = new AtomicLong();
  private static final AtomicLong DOWN = new AtomicLong();
  private static final AtomicLong CONNECTIONS = new AtomicLong();

  private ByteProxy() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: ByteProxy LISTEN_PORT TARGET_PORT CONTROL_PORT");
      System.exit(2);
    }
    InetAddress lo = InetAddress.getLoopbackAddress();
    int targetPort = Integer.parseInt(args[1]);
    ServerSocket listen = new ServerSocket();
    listen.setReuseAddress(true);
    listen.bind(new InetSocketAddress(lo, Integer.parseInt(args[0])), 64);
    ServerSocket control = new ServerSocket();
    control.setReuseAddress(true);
    control.bind(new InetSocketAddress(lo, Integer.parseInt(args[2])), 8);
    Thread.ofPlatform().daemon().name("control").start(() -> serveControl(control));
    System.out.println("listening");
    System.out.flush();
    while (true) {
      Socket client = listen.accept();
      CONNECTIONS.incrementAndGet();
      Thread.ofPlatform().name("conn").start(() -> connect(client, lo, targetPort));
    }
  }

  private static void serveControl(ServerSocket control) {
    while (true) {
      try (Socket s = control.accept(); OutputStream out = s.getOutputStream()) {
        out.write((UP.get() + " " + DOWN.get() + " " + CONNECTIONS.get() + "\n")
            .getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        // the reader went away; next
      }
    }
  }

  private static void connect(Socket client, InetAddress lo, int targetPort) {
    try {
      Socket server = new Socket();
      server.setTcpNoDelay(true);
      client.setTcpNoDelay(true);
      server.connect(new InetSocketAddress(lo, targetPort));
      Thread up = Thread.ofPlatform().name("up").start(() -> pump(client, server, UP));
      pump(server, client, DOWN);
      up.join();
    } catch (IOException | InterruptedException e) {
      closeQuietly(client);
    }
  }

  /** Copies until EOF, then half-closes the other side so the peer sees the end as well. */
  private static void pump(Socket from, Socket to, AtomicLong counter) {
    byte[] buf = new byte[256 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buf)) >= 0; ) {
        counter.addAndGet(n); // before the write: whoever reacts to these bytes sees them counted
        out.write(buf, 0, n);
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
