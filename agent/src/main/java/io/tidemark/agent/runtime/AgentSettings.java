package io.tidemark.agent.runtime;

import io.tidemark.agent.engine.EngineKind;
import io.tidemark.agent.journal.JournalOptions;
import io.tidemark.agent.watch.CoalescerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to run one agent.
 *
 * @param stateDir null for {@link StateDirectory#defaultFor the default}
 * @param port 0 for an ephemeral port
 * @param token null: no bearer token required (loopback only)
 * @param tlsCert with {@code tlsKey}: serve TLS; both null for plaintext
 * @param fsmonitor serve the git fsmonitor endpoint and write its endpoint file
 */
public record AgentSettings(
    Path root,
    EngineKind engine,
    Path stateDir,
    String host,
    int port,
    List<String> ignoreGlobs,
    String token,
    Path tlsCert,
    Path tlsKey,
    JournalOptions journal,
    CoalescerSettings coalescer,
    Duration minReconcileInterval,
    boolean fsmonitor) {

  public AgentSettings {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(engine, "engine");
    ignoreGlobs = List.copyOf(ignoreGlobs);
  }

  /** Defaults for {@code root}: auto engine, default state dir, 127.0.0.1:7433. */
  public static AgentSettings defaults(Path root) {
    return new AgentSettings(
        root,
        EngineKind.AUTO,
        null,
        "127.0.0.1",
        7433,
        List.of(),
        null,
        null,
        null,
        JournalOptions.defaults(),
        CoalescerSettings.defaults(),
        Duration.ofSeconds(2),
        true);
  }

  public AgentSettings withEngine(EngineKind kind) {
    return new AgentSettings(root, kind, stateDir, host, port, ignoreGlobs, token, tlsCert, tlsKey,
        journal, coalescer, minReconcileInterval, fsmonitor);
  }

  public AgentSettings withStateDir(Path dir) {
    return new AgentSettings(root, engine, dir, host, port, ignoreGlobs, token, tlsCert, tlsKey,
        journal, coalescer, minReconcileInterval, fsmonitor);
  }

  public AgentSettings withListen(String listenHost, int listenPort) {
    return new AgentSettings(root, engine, stateDir, listenHost, listenPort, ignoreGlobs, token,
        tlsCert, tlsKey, journal, coalescer, minReconcileInterval, fsmonitor);
  }

  public AgentSettings withIgnore(List<String> globs) {
    return new AgentSettings(root, engine, stateDir, host, port, globs, token, tlsCert, tlsKey,
        journal, coalescer, minReconcileInterval, fsmonitor);
  }

  public AgentSettings withToken(String bearer) {
    return new AgentSettings(root, engine, stateDir, host, port, ignoreGlobs, bearer, tlsCert,
        tlsKey, journal, coalescer, minReconcileInterval, fsmonitor);
  }

  public AgentSettings withTls(Path cert, Path key) {
    return new AgentSettings(root, engine, stateDir, host, port, ignoreGlobs, token, cert, key,
        journal, coalescer, minReconcileInterval, fsmonitor);
  }

  public AgentSettings withJournal(JournalOptions options) {
    return new AgentSettings(root, engine, stateDir, host, port, ignoreGlobs, token, tlsCert,
        tlsKey, options, coalescer, minReconcileInterval, fsmonitor);
  }

  public AgentSettings withFsmonitor(boolean serve) {
    return new AgentSettings(root, engine, stateDir, host, port, ignoreGlobs, token, tlsCert,
        tlsKey, journal, coalescer, minReconcileInterval, serve);
  }
}
