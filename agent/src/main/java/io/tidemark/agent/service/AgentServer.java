package io.tidemark.agent.service;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's gRPC server: {@code JournalService} plus any other services (replication), on
 * HOST:PORT over Netty. Loopback by default; any other address needs a token, and TLS is used
 * when a certificate and key are given.
 *
 * <pre>{@code
 * try (AgentServer server = AgentServer.builder(journal).port(0).token(t).start()) {
 *   int port = server.port();
 * }
 * }</pre>
 */
public final class AgentServer implements AutoCloseable {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 7433;
  /** Where clients look for an agent unless told otherwise. */
  public static final String DEFAULT_TARGET = DEFAULT_HOST + ":" + DEFAULT_PORT;
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
  /** Inbound message cap: a replication peer's Want carries a large file's block signature. */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 64 << 20;

  private final Server server;
  private final InetSocketAddress address;
  private final JournalFrontDoor journal;
  private final ExecutorService journalReads;

  private AgentServer(
      Server server, InetSocketAddress address, JournalFrontDoor journal, ExecutorService reads) {
    this.server = server;
    this.address = address;
    this.journal = journal;
    this.journalReads = reads;
  }

  public static Builder builder(JournalQueries journal) {
    return new Builder(journal);
  }

  /** The bound port (the real one when 0 was asked for). */
  public int port() {
    return address.getPort();
  }

  public String host() {
    return address.getHostString();
  }

  /** {@code HOST:PORT} as the CLI's {@code --agent} takes it. */
  public String target() {
    String host = host();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
  }

  public JournalFrontDoor journal() {
    return journal;
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops accepting calls, cancels open streams, waits {@code SHUTDOWN_GRACE} for them to end. */
  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      journalReads.shutdownNow();
    }
  }

  /** What to serve and where; {@link #start()} validates and binds. */
  public static final class Builder {
    private final JournalQueries journalQueries;
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private String token;
    private Path certChain;
    private Path privateKey;
    private JournalFrontDoor.Settings settings = JournalFrontDoor.Settings.DEFAULTS;
    private int maxInboundMessageBytes = DEFAULT_MAX_INBOUND_MESSAGE_BYTES;
    private final List<BindableService> services = new ArrayList<>();

    private Builder(JournalQueries journal) {
      this.journalQueries = Objects.requireNonNull(journal, "journal");
    }

    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** 0 picks a free port; {@link AgentServer#port()} says which. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range 0..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /** Require {@code authorization: Bearer TOKEN} on every call; null for none. */
    public Builder token(String token) {
      this.token = token == null || token.isEmpty() ? null : token;
      return this;
    }

    /** Serve TLS with this PEM certificate chain and PEM (PKCS#8) private key. */
    public Builder tls(Path certChain, Path privateKey) {
      this.certChain = Objects.requireNonNull(certChain, "certChain");
      this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
      return this;
    }

    public Builder settings(JournalFrontDoor.Settings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Largest message a client may send (default {@link #DEFAULT_MAX_INBOUND_MESSAGE_BYTES}). */
    public Builder maxInboundMessageBytes(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("max inbound message size must be positive: " + bytes);
      }
      this.maxInboundMessageBytes = bytes;
      return this;
    }

    /** Another service on the same port (e.g. replication). */
    public Builder addService(BindableService service) {
      services.add(Objects.requireNonNull(service, "service"));
      return this;
    }

    /**
     * @throws IllegalArgumentException for a non-loopback address without a token, an unknown
     *     host, or unreadable TLS files
     * @throws IOException when the port cannot be bound (in use, not permitted)
     */
    public AgentServer start() throws IOException {
      InetAddress ip = resolve(host);
      if (!ip.isLoopbackAddress() && token == null) {
        throw new IllegalArgumentException(
            "listening on "
                + host
                + " needs --token: only loopback addresses (127.0.0.1, ::1) may serve without one");
      }
      ServerCredentials credentials = credentials();
      ExecutorService reads = Executors.newFixedThreadPool(4, daemonThreads("tidemark-journal-read-"));
      JournalFrontDoor journal = JournalFrontDoor.create(journalQueries, reads, settings);
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(new InetSocketAddress(ip, port), credentials)
              .maxInboundMessageSize(maxInboundMessageBytes)
              // Peers ping every 30 s to find dead links (the default permits one per 5 min and
              // answers more with GOAWAY); the agent pings too, to drop peers that vanished.
              .permitKeepAliveTime(5, TimeUnit.SECONDS)
              .keepAliveTime(60, TimeUnit.SECONDS)
              .keepAliveTimeout(20, TimeUnit.SECONDS);
      List<BindableService> all = new ArrayList<>();
      all.add(journal.service());
      all.addAll(services);
      for (BindableService service : all) {
        builder.addService(
            token == null
                ? service.bindService()
                : ServerInterceptors.intercept(service, TokenAuthInterceptor.requiring(token)));
      }
      Server server = builder.build();
      try {
        server.start();
      } catch (IOException e) {
        reads.shutdownNow();
        throw new IOException(
            "cannot listen on " + host + ":" + port + ": " + e.getMessage()
                + (port == 0 ? "" : " (is another agent running? pick another --port)"),
            e);
      }
      InetSocketAddress bound = (InetSocketAddress) server.getListenSockets().get(0);
      return new AgentServer(
          server, new InetSocketAddress(ip, bound.getPort()), journal, reads);
    }

    private ServerCredentials credentials() throws IOException {
      if (certChain == null) {
        return InsecureServerCredentials.create();
      }
      for (Path file : List.of(certChain, privateKey)) {
        if (!Files.isReadable(file)) {
          throw new IllegalArgumentException("cannot read TLS file " + file);
        }
      }
      return TlsServerCredentials.create(certChain.toFile(), privateKey.toFile());
    }

    private static InetAddress resolve(String host) {
      try {
        return InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("unknown host to listen on: " + host, e);
      }
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
