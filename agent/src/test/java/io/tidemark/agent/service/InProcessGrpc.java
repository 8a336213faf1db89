package io.tidemark.agent.service;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A service served in-process with direct executors (calls run on the test's thread, so a test
 * sees their effects in order), and a channel to it; both shut down after each test.
 */
final class InProcessGrpc implements AfterEachCallback {
  private Server server;
  private ManagedChannel channel;

  ManagedChannel serve(ServerServiceDefinition service) throws IOException {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    return channel;
  }

  /** Stops the server now, as an agent shutting down with calls open. */
  void shutDownServer() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
