package io.tidemark.agent.runtime;

import io.tidemark.agent.engine.EngineConfig;
import io.tidemark.agent.engine.EngineFactory;
import io.tidemark.agent.engine.WatchEngine;
import io.tidemark.agent.git.FsmonitorEndpoint;
import io.tidemark.agent.git.FsmonitorEndpointFile;
import io.tidemark.agent.git.FsmonitorResponder;
import io.tidemark.agent.ignore.IgnoreRules;
import io.tidemark.agent.journal.ChangeJournal;
import io.tidemark.agent.journal.JournalWriter;
import io.tidemark.agent.journal.ProgressListener;
import io.tidemark.agent.journal.Reconciler;
import io.tidemark.agent.service.AgentServer;
import io.tidemark.agent.service.JournalQueries;
import io.tidemark.agent.watch.WatchRoot;
import io.grpc.BindableService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running agent for one root, started in the order that loses nothing: claim the state dir,
 * open the journal, start the engine (from here every change is heard), reconcile the index with
 * the disk (what changed while no agent ran), then serve. {@link #close()} stops in reverse and
 * journals everything heard before it.
 *
 * <p>The actors that journal live events ({@link WatchRoot}, {@link JournalWriter}) are not on
 * that path: the actor system is created on a thread of its own once the agent serves (class
 * loading and config parsing, 0.3-2 s on a loaded 2-CPU machine, longer than the whole crawl; in
 * parallel with it, it only slowed the crawl down), and the startup reconcile is journalled by
 * {@code start} itself, the journal's only writer until the actors exist. Events heard meanwhile wait in a {@link DeferredSink} and are journalled,
 * after the reconcile, as soon as the actors are up; a sync-to-now query waits for that, a plain
 * query simply does not see them yet (as with any event still in the settle window).
 */
public final class AgentRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentRuntime.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final StateDirectory state;
  private final ChangeJournal journal;
  private final CompletableFuture<ActorSystem<Void>> system;
  private final CompletableFuture<Actors> actors;
  private final WatchEngine engine;
  private final SyncCookies cookies;
  private final AgentQueries queries;
  private final CompletableFuture<Throwable> failed;
  private AgentServer server;
  private FsmonitorEndpoint fsmonitor;
  private final StartupPhases phases;
  private boolean closed;

  private record Actors(
      ActorSystem<Void> system,
      ActorRef<JournalWriter.Command> writer,
      ActorRef<WatchRoot.Command> root) {}

  private AgentRuntime(Builder b) {
    this.state = b.state;
    this.journal = b.journal;
    this.system = b.system;
    this.actors = b.actors;
    this.engine = b.engine;
    this.cookies = b.cookies;
    this.queries = b.queries;
    this.failed = b.failed;
    this.phases = b.phases;
  }

  /**
   * Starts the agent and returns once the root is watched and reconciled and the servers listen.
   *
   * @param extraServices more gRPC services for the same server (replication), given the queries
   * @throws IOException with a message naming the cause and the fix
   */
  public static AgentRuntime start(
      AgentSettings settings,
      ProgressListener progress,
      Function<JournalQueries, List<BindableService>> extraServices)
      throws IOException {
    EngineConfig engineConfig = EngineConfig.forRoot(settings.root());
    Path root = engineConfig.root();
    Path stateDir =
        settings.stateDir() != null ? settings.stateDir() : StateDirectory.defaultFor(root);
    Builder b = new Builder();
    StartupPhases phases = new StartupPhases();
    b.phases = phases;
    b.system = new CompletableFuture<>();
    try {
      b.state = StateDirectory.claim(stateDir, root);
      phases.mark("state dir");
    } catch (IOException | RuntimeException | Error e) {
      b.system.thenAccept(ActorSystem::terminate);
      throw e;
    }
    AgentRuntime runtime = null;
    try {
      IgnoreRules ignore = IgnoreRules.load(root, settings.ignoreGlobs());
      phases.mark("ignore rules");
      b.journal = ChangeJournal.open(b.state.path(), root, settings.journal());
      phases.mark("journal open");
      b.cookies = new SyncCookies(root);
      AppendListeners listeners = new AppendListeners();
      b.failed = new CompletableFuture<>();
      b.engine = EngineFactory.create(settings.engine(), engineConfig);
      DeferredSink sink = new DeferredSink();
      b.engine.start(sink);
      phases.mark("engine start");
      // Watching from here on, so the startup crawl can begin; the actor system is still being
      // created meanwhile.
      Predicate<String> ignored = path -> isIgnored(ignore, root, path);
      b.startupReconcile = Reconciler.start(root, b.journal, ignored, progress, true);
      b.startupReconcile.finish();
      phases.mark("reconcile");
      // The journal holds what changed while no agent ran: live events go to the actors from
      // now on, as soon as they exist (the writer's startup reconcile answers with the result
      // above).
      b.actors = b.system.thenApply(s -> {
        Actors a = spawn(s, b, settings, root, ignore, ignored, listeners, progress);
        sink.attach(a.root());
        a.root().tell(WatchRoot.Begin.INSTANCE);
        phases.mark("actors up");
        return a;
      });
      b.actors.whenComplete((a, e) -> {
        if (e != null && !(unwrap(e) instanceof StartAbandoned)) {
          log.error("the actor system did not start: {}", e.toString());
          b.failed.complete(e instanceof CompletionException ce ? ce.getCause() : e);
        }
      });
      b.queries =
          new AgentQueries(b.journal, b.cookies, listeners, root.toString(), b.engine.name(),
              () -> "watching", b.state.path().toAbsolutePath().toString());
      runtime = new AgentRuntime(b);
      runtime.serve(settings, extraServices.apply(b.queries));
      phases.mark("serve");
      createActorSystem(b.system, phases);
      return runtime;
    } catch (IOException | RuntimeException | Error e) {
      b.system.completeExceptionally(new StartAbandoned());
      if (runtime != null) {
        runtime.close();
      } else {
        closeQuietly(b);
      }
      throw e;
    }
  }

  /**
   * Creates the actor system on a thread of its own, once the agent serves: class loading, config
   * parsing and the JIT work they bring cost 0.3-0.5 s of CPU, which on a 2-CPU machine the
   * start-up crawl would otherwise share.
   */
  private static void createActorSystem(CompletableFuture<ActorSystem<Void>> system, StartupPhases phases) {
    Thread.ofPlatform().name("tidemark-actor-system-start").daemon().start(() -> {
      try {
        system.complete(ActorSystem.create(Behaviors.empty(), "tidemark"));
        phases.mark("actor system");
      } catch (RuntimeException | Error e) {
        system.completeExceptionally(e);
      }
    });
  }

  /** Completes the actor system's future when start-up failed before it was created. */
  private static final class StartAbandoned extends RuntimeException {
    StartAbandoned() {
      super("the agent's start-up failed", null, false, false);
    }
  }

  private static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : e;
  }

  private static Actors spawn(
      ActorSystem<Void> system,
      Builder b,
      AgentSettings settings,
      Path root,
      IgnoreRules ignore,
      Predicate<String> ignored,
      AppendListeners listeners,
      ProgressListener progress) {
    JournalWriter.AfterAppend after =
        new JournalWriter.AfterAppend() {
          @Override
          public void appended(long highSeq) {
            listeners.fire();
          }

          @Override
          public void cookieArrived(String name) {
            b.cookies.arrived(name);
          }
        };
    ActorRef<JournalWriter.Command> writer =
        system.systemActorOf(
            JournalWriter.create(b.journal, root, ignored, after, progress, Duration.ofMinutes(1),
                b.startupReconcile),
            "journal",
            DispatcherSelector.fromConfig("tidemark.blocking-io-dispatcher"));
    WatchRoot.Settings rootSettings =
        new WatchRoot.Settings(
            settings.coalescer(), ignore, settings.minReconcileInterval(), System::nanoTime, true);
    Consumer<Throwable> fatal = b.failed::complete;
    ActorRef<WatchRoot.Command> watch =
        system.systemActorOf(
            WatchRoot.create(writer, rootSettings, new CompletableFuture<>(), fatal),
            "watch-root",
            org.apache.pekko.actor.typed.Props.empty());
    return new Actors(system, writer, watch);
  }

  private static boolean isIgnored(IgnoreRules ignore, Path root, String path) {
    if (ignore.isIgnored(path, false)) {
      return true;
    }
    // dir-only rules (build/): only a directory can match them
    return ignore.isIgnored(path, true)
        && Files.isDirectory(root.resolve(path), LinkOption.NOFOLLOW_LINKS);
  }

  private void serve(AgentSettings settings, List<BindableService> extra) throws IOException {
    AgentServer.Builder builder =
        AgentServer.builder(queries).host(settings.host()).port(settings.port()).token(settings.token());
    if (settings.tlsCert() != null) {
      builder.tls(settings.tlsCert(), settings.tlsKey());
    }
    extra.forEach(builder::addService);
    server = builder.start();
    if (settings.fsmonitor()) {
      fsmonitor =
          FsmonitorEndpoint.start(
              new FsmonitorResponder(queries, Path.of(queries.status().root())),
              FsmonitorEndpointFile.newSecret());
      fsmonitor.endpointFile().writeTo(state.path());
    }
  }

  /**
   * One full collection once the start-up garbage (the crawl, the index scan) is dead, so the heap
   * shrinks back (MaxHeapFreeRatio in the launcher) instead of holding the crawl's peak for the
   * agent's lifetime. Callers run it after they announced {@code ready}: it stops every thread
   * for tens of ms.
   */
  public void releaseStartupMemory() {
    System.gc();
  }

  /** How long each start-up phase took ({@link StartupPhases}). */
  public String startupPhases() {
    return phases.toString();
  }

  public JournalQueries queries() {
    return queries;
  }

  public String engineName() {
    return engine.name();
  }

  public Path stateDir() {
    return state.path();
  }

  /** host:port the gRPC server listens on. */
  public String target() {
    return server.target();
  }

  public int port() {
    return server.port();
  }

  /** Completes with the cause if the engine stops for good (the CLI exits non-zero). */
  public CompletableFuture<Throwable> failure() {
    return failed;
  }

  /** Journals everything heard so far; returns once it is in RocksDB. */
  public void flushPending() {
    Actors a = await(actors, "the actors");
    if (a != null) {
      ask(a, a.root(), WatchRoot.FlushAll::new);
      ask(a, a.writer(), JournalWriter.Barrier::new);
    }
  }

  private static <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof StartAbandoned) && !(unwrap(e.getCause()) instanceof StartAbandoned)) {
        log.warn("{} did not start: {}", what, e.toString());
      }
    } catch (TimeoutException e) {
      log.warn("{} did not start: {}", what, e.toString());
    }
    return null;
  }

  private <T, R> void ask(Actors a, ActorRef<T> target, Function<ActorRef<R>, T> message) {
    try {
      AskPattern.<T, R>ask(target, message::apply, STOP_TIMEOUT, a.system().scheduler())
          .toCompletableFuture()
          .get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("agent did not settle in {}: {}", STOP_TIMEOUT, e.toString());
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (fsmonitor != null) {
      try {
        fsmonitor.endpointFile().deleteFrom(state.path());
      } catch (IOException e) {
        log.debug("could not remove the fsmonitor endpoint file: {}", e.toString());
      }
      fsmonitor.close();
    }
    if (server != null) {
      server.close();
    }
    engine.close();
    flushPending();
    cookies.failAll(new IOException("the agent is stopping"));
    ActorSystem<Void> s = await(system, "the actor system");
    if (s != null) {
      s.terminate();
      try {
        s.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        log.warn("actor system did not stop cleanly: {}", e.toString());
      }
    }
    journal.close();
    try {
      state.close();
    } catch (IOException e) {
      log.debug("could not release the state dir lock: {}", e.toString());
    }
  }

  private static void closeQuietly(Builder b) {
    if (b.engine != null) {
      b.engine.close();
    }
    if (b.startupReconcile != null) {
      b.startupReconcile.close();
    }
    b.system.thenAccept(ActorSystem::terminate);
    if (b.journal != null) {
      b.journal.close();
    }
    try {
      b.state.close();
    } catch (IOException e) {
      log.debug("could not release the state dir lock: {}", e.toString());
    }
  }

  /** Collects what {@link #start} builds, so a failure half-way can undo it. */
  private static final class Builder {
    StateDirectory state;
    ChangeJournal journal;
    CompletableFuture<ActorSystem<Void>> system;
    CompletableFuture<Actors> actors;
    WatchEngine engine;
    SyncCookies cookies;
    AgentQueries queries;
    CompletableFuture<Throwable> failed;
    StartupPhases phases;
    Reconciler.Pending startupReconcile;
  }
}
