package io.tidemark.peer.it;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test started (child JVMs, proxies, channels) after it, last first: a failed test
 * must not leave an agent running that the next one would meet on its port or its state dir.
 */
public final class Closer implements AfterEachCallback {
  private final List<AutoCloseable> open = new ArrayList<>();

  public <T extends AutoCloseable> T track(T closeable) {
    open.add(closeable);
    return closeable;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Exception first = null;
    for (AutoCloseable c : open.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    open.clear();
    if (first != null) {
      throw first;
    }
  }

  /** A loopback port free right now (for an agent that must come back on the same port). */
  public static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
