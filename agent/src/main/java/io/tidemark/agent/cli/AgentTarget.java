package io.tidemark.agent.cli;

/** {@code HOST:PORT} of an agent; IPv6 hosts in brackets ({@code [::1]:7433}). */
public record AgentTarget(String host, int port) {

  /** Where to connect: port 1..65535. */
  public static AgentTarget parse(String text) {
    return parse(text, 1);
  }

  /** Where to listen: port 0..65535, 0 for any free port. */
  public static AgentTarget parseListen(String text) {
    return parse(text, 0);
  }

  private static AgentTarget parse(String text, int minPort) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("expected HOST:PORT, e.g. 127.0.0.1:7433, got '" + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("put an IPv6 host in brackets, e.g. [::1]:7433: '" + text + "'");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < minPort || port > 65535) {
      throw new IllegalArgumentException(
          "port must be " + minPort + "..65535 in '" + text + "'");
    }
    return new AgentTarget(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
