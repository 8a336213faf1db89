package io.tidemark.agent.cli;

import io.tidemark.agent.engine.EngineKind;
import io.tidemark.agent.journal.JournalOptions;
import io.tidemark.agent.journal.ProgressListener;
import io.tidemark.agent.replication.ReplicationService;
import io.tidemark.agent.runtime.AgentRuntime;
import io.tidemark.agent.runtime.AgentSettings;
import io.tidemark.agent.runtime.StateDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tidemark agent ROOT}: watch ROOT, keep its change journal, serve it over gRPC (and to
 * git's fsmonitor hook). The first stdout line is {@code ready <cursor>}.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Watch ROOT and serve its change journal (and replication) over gRPC until SIGTERM.",
      "Prints 'ready <cursor>' once the tree is crawled and watched."
    })
public final class AgentCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(AgentCommand.class);

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ROOT", description = "directory to watch")
  Path root;

  @Option(names = "--engine", paramLabel = "auto|fanotify|inotify", defaultValue = "auto",
      description = "kernel interface (default: ${DEFAULT-VALUE})")
  String engine;

  @Option(names = "--state", paramLabel = "DIR",
      description = "state directory, outside ROOT (default: $XDG_STATE_HOME/tidemark/roots/...)")
  Path state;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7433",
      description = "gRPC address (default: ${DEFAULT-VALUE}; port 0 picks one)")
  String listen;

  @Option(names = "--ignore", paramLabel = "GLOB",
      description = "gitignore-style pattern never journalled (repeatable; adds to .tidemarkignore)")
  List<String> ignore = new ArrayList<>();

  @Option(names = "--token", paramLabel = "T", defaultValue = "${env:TIDEMARK_TOKEN}",
      description = "require this bearer token from clients (needed off loopback)")
  String token;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "serve TLS with this certificate chain")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "private key for --tls-cert (PKCS#8)")
  Path tlsKey;

  @Option(names = "--retain-entries", paramLabel = "N", defaultValue = "1000000",
      description = "journal entries kept; a cursor older than the oldest kept gets fresh_instance"
          + " (default: ${DEFAULT-VALUE})")
  long retainEntries;

  @Option(names = "--retain-age", paramLabel = "AGE", defaultValue = "30d",
      description = "journal entries older than AGE are dropped: e.g. 90m, 12h, 30d (default: ${DEFAULT-VALUE})")
  String retainAge;

  @Option(names = "--retain-tombstones", paramLabel = "N", defaultValue = "1000000",
      description = "deleted paths remembered past the journal, for older cursors (default: ${DEFAULT-VALUE})")
  long retainTombstones;

  @Override
  public Integer call() throws Exception {
    long startNs = System.nanoTime();
    long startWallMs = System.currentTimeMillis();
    AgentSettings settings = settings();
    CountDownLatch stop = new CountDownLatch(1);
    StopSignals.onTerminate(stop::countDown);
    PrintStream err = System.err;
    ProgressListener progress = CrawlProgress.onTerminal(err);
    Path realRoot = settings.root().toRealPath();
    Path stateDir = settings.stateDir() != null ? settings.stateDir() : StateDirectory.defaultFor(realRoot);
    AtomicReference<ReplicationService> replication = new AtomicReference<>();
    try (AgentRuntime agent = AgentRuntime.start(settings, progress, q -> {
      try {
        replication.set(ReplicationService.create(q, realRoot, stateDir));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return List.of(replication.get().service());
    })) {
      CrawlProgress.clear(err);
      err.println("tidemark: watching " + settings.root().toRealPath() + " with " + agent.engineName()
          + ", serving on " + agent.target() + " (state in " + agent.stateDir() + ")");
      System.out.println("ready " + agent.queries().currentCursor());
      System.out.flush();
      long readyMs = (System.nanoTime() - startNs) / 1_000_000;
      long readyWallMs = System.currentTimeMillis();
      agent.releaseStartupMemory();
      // JMX only after `ready`: loading it costs tens of ms
      long jvmStartMs = ManagementFactory.getRuntimeMXBean().getStartTime();
      log.info("ready in {} ms (JVM up {} ms, main at {} ms, command at {} ms; {})", readyMs,
          readyWallMs - jvmStartMs, TidemarkMain.MAIN_STARTED_MS - jvmStartMs,
          startWallMs - jvmStartMs, agent.startupPhases());
      agent.failure().thenRun(stop::countDown);
      stop.await();
      if (agent.failure().isDone()) {
        err.println("tidemark agent: " + TidemarkMain.describe(agent.failure().join()));
        return CliExit.FAILURE;
      }
    } finally {
      if (replication.get() != null) {
        replication.get().close(); // after the server: no stream writes to it any more
      }
    }
    return CliExit.OK;
  }

  private AgentSettings settings() {
    if (!Files.isDirectory(root)) {
      throw new ParameterException(spec.commandLine(),
          (Files.exists(root) ? "root is not a directory: " : "root does not exist: ") + root);
    }
    EngineKind kind;
    try {
      kind = EngineKind.parse(engine);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    AgentTarget target;
    try {
      target = AgentTarget.parseListen(listen);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--listen: " + e.getMessage());
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
    }
    if (retainEntries < 1) {
      throw new ParameterException(spec.commandLine(), "--retain-entries must be at least 1");
    }
    if (retainTombstones < 0) {
      throw new ParameterException(spec.commandLine(), "--retain-tombstones must be 0 or more");
    }
    JournalOptions journal;
    try {
      journal = JournalOptions.defaults()
          .withMaxEntries(retainEntries)
          .withMaxAge(RetentionAge.parse(retainAge))
          .withMaxTombstones(retainTombstones);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--retain-age: " + e.getMessage());
    }
    AgentSettings s = AgentSettings.defaults(root.toAbsolutePath())
        .withJournal(journal)
        .withEngine(kind)
        .withStateDir(state)
        .withListen(target.host(), target.port())
        .withIgnore(ignore)
        .withToken(token);
    return tlsCert == null ? s : s.withTls(tlsCert, tlsKey);
  }
}
