package io.tidemark.agent.cli;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.tidemark.agent.service.AgentServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** How a client subcommand finds and authenticates to an agent: a picocli mixin. */
public final class AgentOptions {

  @Option(
      names = "--agent",
      paramLabel = "HOST:PORT",
      description = "the agent to ask (default: " + AgentServer.DEFAULT_TARGET + ")")
  String agent;

  @Option(
      names = "--endpoint-file",
      paramLabel = "FILE",
      description = "read HOST:PORT from the first line of FILE instead of --agent")
  Path endpointFile;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      defaultValue = "${env:TIDEMARK_TOKEN}",
      description = "bearer token the agent requires (default: $TIDEMARK_TOKEN)")
  String token;

  @Option(
      names = {"--tls-ca", "--cacert"},
      paramLabel = "PEM",
      description = "use TLS, trusting the certificate(s) in PEM (the agent's cert or its CA)")
  Path caCert;

  /** Connects lazily: the first call finds out whether an agent is there. */
  AgentClient connect(CommandSpec spec) {
    AgentTarget target = target(spec);
    ChannelCredentials credentials = credentials(spec);
    return new AgentClient(
        target,
        Grpc.newChannelBuilderForAddress(target.host(), target.port(), credentials).build(),
        token == null || token.isEmpty() ? null : token,
        caCert != null);
  }

  /** The agent's bearer token, or null for none. */
  public String token() {
    return token == null || token.isEmpty() ? null : token;
  }

  /** The CA to trust for TLS, or null for plaintext. */
  public Path tlsCa() {
    return caCert;
  }

  public AgentTarget target(CommandSpec spec) {
    if (agent != null && endpointFile != null) {
      throw new ParameterException(
          spec.commandLine(), "give --agent or --endpoint-file, not both");
    }
    String text = agent;
    if (endpointFile != null) {
      try {
        text = Files.readAllLines(endpointFile, StandardCharsets.UTF_8).stream()
            .map(String::strip)
            .filter(line -> !line.isEmpty())
            .findFirst()
            .orElseThrow(() -> new ParameterException(
                spec.commandLine(), "endpoint file " + endpointFile + " is empty"));
      } catch (IOException e) {
        throw new ParameterException(
            spec.commandLine(), "cannot read endpoint file " + endpointFile + ": " + e);
      }
    }
    try {
      return AgentTarget.parse(text == null ? AgentServer.DEFAULT_TARGET : text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(),
          (endpointFile != null ? "endpoint file " + endpointFile : "--agent") + ": " + e.getMessage());
    }
  }

  private ChannelCredentials credentials(CommandSpec spec) {
    if (caCert == null) {
      return InsecureChannelCredentials.create();
    }
    try {
      return TlsChannelCredentials.newBuilder().trustManager(caCert.toFile()).build();
    } catch (IOException e) {
      throw new ParameterException(
          spec.commandLine(), "cannot read --tls-ca " + caCert + ": " + e.getMessage());
    }
  }
}
