package io.tidemark.peer.cli;

import io.tidemark.agent.cli.AgentTarget;
import io.tidemark.agent.cli.CliExit;
import io.tidemark.agent.cli.StopSignals;
import io.tidemark.agent.cli.TidemarkMain;
import io.tidemark.agent.engine.EngineKind;
import io.tidemark.agent.journal.ProgressListener;
import io.tidemark.agent.replication.ReplicationService;
import io.tidemark.agent.runtime.AgentRuntime;
import io.tidemark.agent.runtime.AgentSettings;
import io.tidemark.agent.runtime.StateDirectory;
import io.tidemark.peer.replica.FsyncPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tidemark sync SRC DST}: an agent on SRC (serving on {@code --listen}) and a peer on DST in
 * one process, the peer on an in-process gRPC link to the agent's replication service.
 */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description = {
      "Keep DST a replica of SRC until SIGTERM: an agent on SRC and a peer on DST in one process",
      "(the agent also serves on --listen, for flush, changes and other peers).",
      "Prints the initial copy's progress on stderr, 'in sync at <cursor>' on stdout once DST has",
      "caught up, then a line on stderr for each second in which files were sent."
    })
final class SyncCommand implements Callable<Integer> {
  private static final String NAME = "tidemark sync";

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SRC", description = "directory to replicate")
  Path src;

  @Parameters(index = "1", paramLabel = "DST", description = "replica directory (created if missing)")
  Path dst;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:0",
      description = "the agent's gRPC address (default: ${DEFAULT-VALUE}, a free loopback port)")
  String listen;

  @Option(names = "--state", paramLabel = "DIR",
      description = "state dir outside SRC and DST: agent state in DIR/agent, peer state in DIR/peer"
          + " (default: per root under $XDG_STATE_HOME/tidemark)")
  Path state;

  @Option(names = "--engine", paramLabel = "auto|fanotify|inotify", defaultValue = "auto",
      description = "kernel interface (default: ${DEFAULT-VALUE})")
  String engine;

  @Option(names = "--fsync", paramLabel = "always|batch|never", defaultValue = "batch",
      description = "when applied files reach the disk (default: ${DEFAULT-VALUE})")
  String fsync;

  /** Hidden: only for bench/replication.sh to measure what the in-process link buys. */
  @Option(names = "--link", paramLabel = "in-process|loopback", defaultValue = "in-process", hidden = true)
  String link;

  @Override
  public Integer call() throws Exception {
    if (!link.equals("in-process") && !link.equals("loopback")) {
      throw new ParameterException(spec.commandLine(), "--link must be in-process or loopback");
    }
    if (!Files.isDirectory(src)) {
      throw new ParameterException(spec.commandLine(),
          (Files.exists(src) ? "SRC is not a directory: " : "SRC does not exist: ") + src);
    }
    Path srcReal = src.toRealPath();
    Path dstPlanned = Replica.realish(dst);
    if (dstPlanned.startsWith(srcReal)) {
      throw new ParameterException(spec.commandLine(), "DST " + dst + " is inside SRC " + src
          + ": the replica would replicate itself; pick a DST outside SRC");
    }
    if (srcReal.startsWith(dstPlanned)) {
      throw new ParameterException(spec.commandLine(), "SRC " + src + " is inside DST " + dst
          + ": replicating would overwrite the source; pick a DST outside SRC");
    }
    EngineKind kind;
    try {
      kind = EngineKind.parse(engine);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    AgentTarget listenAt = parseListen();
    FsyncPolicy policy = Replica.fsync(spec, fsync);
    Path dstReal = Replica.checkDst(spec, dst);
    if (state != null && (Replica.realish(state).startsWith(srcReal)
        || Replica.realish(state).startsWith(dstReal))) {
      throw new ParameterException(spec.commandLine(), "--state " + state
          + " must be outside SRC and DST");
    }

    PrintStream err = System.err;
    CountDownLatch stop = new CountDownLatch(1);
    StopSignals.onTerminate(stop::countDown);
    AgentSettings settings = AgentSettings.defaults(srcReal)
        .withEngine(kind)
        .withStateDir(state == null ? null : state.resolve("agent"))
        .withListen(listenAt.host(), listenAt.port());
    AtomicReference<ReplicationService> replication = new AtomicReference<>();
    Path agentState = settings.stateDir() != null ? settings.stateDir() : StateDirectory.defaultFor(srcReal);
    err.println(NAME + ": scanning " + srcReal);
    try (AgentRuntime agent = AgentRuntime.start(settings, scanProgress(err), q -> {
      try {
        replication.set(ReplicationService.create(q, srcReal, agentState));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return List.of(replication.get().service());
    })) {
      agent.releaseStartupMemory();
      err.println(NAME + ": watching " + srcReal + " with " + agent.engineName() + " on "
          + agent.target() + "; copying into " + dstReal);
      CountDownLatch firstSync = new CountDownLatch(1);
      InSyncListener listener = new InSyncListener(NAME, System.out, err) {
        @Override
        void caughtUp() {
          firstSync.countDown();
        }
      };
      // The embedded peer talks to the agent in-process: the same Replicate stream, without the
      // serialising, HTTP/2 framing and socket copies of loopback TCP (most of a transfer's CPU
      // besides hashing). Other peers and `tidemark flush` use --listen as before.
      try (PeerLink peerLink = link.equals("loopback")
              ? Channels.open(spec, AgentTarget.parse(agent.target()), null, null)
              : InProcessLink.start(replication.get())) {
        Replica replica;
        try {
          replica = Replica.start(spec, peerLink.channel(), dstReal,
              state == null ? null : state.resolve("peer"), policy, listener);
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (replica) {
          agent.failure().thenRun(stop::countDown);
          replica.client.refused().thenRun(stop::countDown);
          reportActivity(replication.get(), firstSync, stop, err);
          if (agent.failure().isDone()) {
            err.println(NAME + ": " + TidemarkMain.describe(agent.failure().join()));
            return CliExit.FAILURE;
          }
          if (replica.client.refused().isDone()) {
            err.println(NAME + ": " + Replica.describeRefusal(agent.target(), replica.client.refused().join()));
            return CliExit.FAILURE;
          }
        }
      }
    } finally {
      if (replication.get() != null) {
        replication.get().close(); // after the agent's server: no stream writes to it any more
      }
    }
    return CliExit.OK;
  }

  private AgentTarget parseListen() {
    try {
      return AgentTarget.parseListen(listen);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--listen: " + e.getMessage());
    }
  }

  /** At most one stderr line a second while SRC is crawled. */
  private static ProgressListener scanProgress(PrintStream err) {
    AtomicLong last = new AtomicLong(System.nanoTime());
    return scanned -> {
      long now = System.nanoTime();
      long before = last.get();
      if (now - before >= TimeUnit.SECONDS.toNanos(1) && last.compareAndSet(before, now)) {
        err.println(String.format("%s: scanned %,d paths", NAME, scanned));
      }
    };
  }

  /**
   * One short stderr line per second in which files were sent, until stop; none before the first
   * catch-up (the peer shows the initial copy's progress then).
   */
  private static void reportActivity(ReplicationService replication, CountDownLatch firstSync,
      CountDownLatch stop, PrintStream err) throws InterruptedException {
    ReplicationService.Totals last = replication.totals();
    boolean counting = false;
    while (!stop.await(1, TimeUnit.SECONDS)) {
      ReplicationService.Totals now = replication.totals();
      long files = now.files() - last.files();
      long bytes = now.wireBytes() - last.wireBytes();
      if (!counting) { // the second that ended the initial copy is not activity
        counting = firstSync.getCount() == 0;
        last = now;
        continue;
      }
      if (files != 0 || bytes != 0) {
        err.println(String.format("%s: %,d file(s), %,d bytes sent (total %,d files, %,d bytes)",
            NAME, files, bytes, now.files(), now.wireBytes()));
      }
      last = now;
    }
  }
}
