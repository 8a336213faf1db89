package io.tidemark.agent.git;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback HTTP/1.1 endpoint the fsmonitor hook talks to:
 *
 * <pre>
 * GET /fsmonitor?token=TOKEN&amp;sync=1&amp;repo=/abs/work/tree
 * Authorization: Bearer SECRET
 * </pre>
 *
 * 200 {@code text/plain}: the body is exactly the hook's output ({@link FsmonitorAnswer}), with
 * a {@code Content-Length} the hook checks, so it can tell a complete answer from a cut one. 401 for a missing or wrong secret, 404/405 for anything but
 * that one GET, 500 when the journal fails; the hook answers "everything" to git for all of them.
 *
 * <p>The JDK's built-in server on a two-thread executor: one tiny endpoint, bound to 127.0.0.1
 * on an ephemeral port, with no dependency beyond the JDK. Queries block (sync-to-now) on these
 * threads, never on an actor dispatcher.
 */
public final class FsmonitorEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FsmonitorEndpoint.class);
  static final String PATH = "/fsmonitor";

  private final FsmonitorResponder responder;
  private final byte[] secret;
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicLong queries = new AtomicLong();

  private FsmonitorEndpoint(FsmonitorResponder responder, String secret) throws IOException {
    this.responder = responder;
    this.secret = secret.getBytes(StandardCharsets.US_ASCII);
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "tidemark-fsmonitor-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /** Starts serving on 127.0.0.1, an ephemeral port; {@link #endpointFile()} says where. */
  public static FsmonitorEndpoint start(FsmonitorResponder responder, String secret)
      throws IOException {
    FsmonitorEndpoint endpoint = new FsmonitorEndpoint(responder, secret);
    endpoint.server.start();
    return endpoint;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** What to write to {@code <stateDir>/fsmonitor.endpoint} for the hook. */
  public FsmonitorEndpointFile endpointFile() {
    return new FsmonitorEndpointFile(
        port(), new String(secret, StandardCharsets.US_ASCII), responder.root());
  }

  /** Authorised {@code /fsmonitor} queries answered so far (for tests and status). */
  public long queriesAnswered() {
    return queries.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!PATH.equals(exchange.getRequestURI().getPath())) {
        send(exchange, 404, "not found: only GET " + PATH + "\n");
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        send(exchange, 405, "only GET\n");
        return;
      }
      if (!authorised(exchange.getRequestHeaders().getFirst("Authorization"))) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        send(exchange, 401, "missing or wrong secret (see fsmonitor.endpoint)\n");
        return;
      }
      Map<String, String> query;
      try {
        query = parseQuery(exchange.getRequestURI().getRawQuery());
      } catch (IllegalArgumentException badEscape) {
        send(exchange, 400, "bad query string: " + badEscape.getMessage() + "\n");
        return;
      }
      String repo = query.get("repo");
      FsmonitorAnswer answer;
      try {
        answer =
            responder.answer(
                query.getOrDefault("token", ""),
                "1".equals(query.get("sync")),
                repo == null || repo.isEmpty() ? null : Path.of(repo));
      } catch (RuntimeException e) {
        log.warn("fsmonitor query failed; the hook tells git to check everything", e);
        send(exchange, 500, "journal query failed: " + e.getMessage() + "\n");
        return;
      }
      queries.incrementAndGet();
      byte[] body = answer.toBytes();
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private boolean authorised(String header) {
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(given, secret);
  }

  private static void send(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  static Map<String, String> parseQuery(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      out.putIfAbsent(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return out;
  }
}
