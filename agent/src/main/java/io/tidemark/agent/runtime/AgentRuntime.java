package io.tidemark.agent.runtime;

import io.tidemark.agent.engine.EngineConfig;
import io.tidemark.agent.engine.EngineFactory;
import io.tidemark.agent.engine.EventSink;
import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.engine.WatchEngine;
import io.tidemark.agent.git.FsmonitorEndpoint;
import io.tidemark.agent.git.FsmonitorEndpointFile;
import io.tidemark.agent.git.FsmonitorResponder;
import io.tidemark.agent.ignore.IgnoreRules;
import io.tidemark.agent.journal.ChangeJournal;
import io.tidemark.agent.journal.JournalWriter;
import io.tidemark.agent.journal.ProgressListener;
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
 */
public final class AgentRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentRuntime.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final StateDirectory state;
  private final ChangeJournal journal;
  private final ActorSystem<Void> system;
  private final ActorRef<JournalWriter.Command> writer;
  private final ActorRef<WatchRoot.Command> watchRoot;
  private final WatchEngine engine;
  private final SyncCookies cookies;
  private final AgentQueries queries;
  private final CompletableFuture<Void> ready;
  private final CompletableFuture<Throwable> failed;
  private AgentServer server;
  private FsmonitorEndpoint fsmonitor;
  private boolean closed;

  private record Actors(ActorRef<JournalWriter.Command> writer, ActorRef<WatchRoot.Command> root) {}

  private AgentRuntime(Builder b) {
    this.state = b.state;
    this.journal = b.journal;
    this.system = b.system;
    this.writer = b.actors.writer();
    this.watchRoot = b.actors.root();
    this.engine = b.engine;
    this.cookies = b.cookies;
    this.queries = b.queries;
    this.ready = b.ready;
    this.failed = b.failed;
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
    // Creating the actor system is mostly class loading and config parsing; it needs nothing
    // from the journal or the engine, so it runs while they open (2 cores: ~0.4-1.5 s less).
    CompletableFuture<ActorSystem<Void>> system =
        CompletableFuture.supplyAsync(
            () -> ActorSystem.create(Behaviors.empty(), "tidemark"),
            r -> Thread.ofPlatform().name("tidemark-actor-system-start").daemon().start(r));
    try {
      b.state = StateDirectory.claim(stateDir, root);
    } catch (IOException | RuntimeException | Error e) {
      system.thenAccept(ActorSystem::terminate);
      throw e;
    }
    AgentRuntime runtime = null;
    try {
      IgnoreRules ignore = IgnoreRules.load(root, settings.ignoreGlobs());
      b.journal = ChangeJournal.open(b.state.path(), root, settings.journal());
      b.cookies = new SyncCookies(root);
      AppendListeners listeners = new AppendListeners();
      b.failed = new CompletableFuture<>();
      b.ready = new CompletableFuture<>();
      b.engine = EngineFactory.create(settings.engine(), engineConfig);
      b.system = join(system);
      b.actors = spawn(b, settings, root, ignore, listeners, progress);
      ActorRef<WatchRoot.Command> watch = b.actors.root();
      b.engine.start(
          new EventSink() {
            @Override
            public void onEvents(List<FsEvent> batch) {
              watch.tell(new WatchRoot.EngineBatch(List.copyOf(batch)));
            }

            @Override
            public void onFailure(Throwable cause) {
              watch.tell(new WatchRoot.EngineFailed(cause));
            }
          });
      watch.tell(WatchRoot.Begin.INSTANCE);
      awaitReady(b.ready, b.failed);
      // The startup crawl's maps (every path with its stat, the whole index) are garbage now:
      // one full collection here lets the heap shrink back (MaxHeapFreeRatio in the launcher)
      // instead of holding the crawl's peak for the agent's lifetime. bench/memory.sh: 100k
      // files, RSS per file 686 -> see the commit message.
      System.gc();
      b.queries =
          new AgentQueries(b.journal, b.cookies, listeners, root.toString(), b.engine.name(),
              () -> "watching", b.state.path().toAbsolutePath().toString());
      runtime = new AgentRuntime(b);
      runtime.serve(settings, extraServices.apply(b.queries));
      return runtime;
    } catch (IOException | RuntimeException | Error e) {
      if (b.system == null) {
        system.thenAccept(ActorSystem::terminate);
      }
      if (runtime != null) {
        runtime.close();
      } else {
        closeQuietly(b);
      }
      throw e;
    }
  }

  private static ActorSystem<Void> join(CompletableFuture<ActorSystem<Void>> system)
      throws IOException {
    try {
      return system.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw asIo(cause);
    }
  }

  private static Actors spawn(
      Builder b,
      AgentSettings settings,
      Path root,
      IgnoreRules ignore,
      AppendListeners listeners,
      ProgressListener progress) {
    Predicate<String> ignored = path -> isIgnored(ignore, root, path);
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
        b.system.systemActorOf(
            JournalWriter.create(b.journal, root, ignored, after, progress, Duration.ofMinutes(1)),
            "journal",
            DispatcherSelector.fromConfig("tidemark.blocking-io-dispatcher"));
    WatchRoot.Settings rootSettings =
        new WatchRoot.Settings(
            settings.coalescer(), ignore, settings.minReconcileInterval(), System::nanoTime);
    Consumer<Throwable> fatal = b.failed::complete;
    ActorRef<WatchRoot.Command> watch =
        b.system.systemActorOf(
            WatchRoot.create(writer, rootSettings, b.ready, fatal),
            "watch-root",
            org.apache.pekko.actor.typed.Props.empty());
    return new Actors(writer, watch);
  }

  private static boolean isIgnored(IgnoreRules ignore, Path root, String path) {
    if (ignore.isIgnored(path, false)) {
      return true;
    }
    // dir-only rules (build/): only a directory can match them
    return ignore.isIgnored(path, true)
        && Files.isDirectory(root.resolve(path), LinkOption.NOFOLLOW_LINKS);
  }

  private static void awaitReady(CompletableFuture<Void> ready, CompletableFuture<Throwable> failed)
      throws IOException {
    try {
      CompletableFuture.anyOf(ready, failed).get();
      if (failed.isDone()) {
        throw asIo(failed.join());
      }
      ready.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting", e);
    } catch (ExecutionException e) {
      throw asIo(e.getCause());
    }
  }

  private static IOException asIo(Throwable t) {
    return t instanceof IOException io ? io : new IOException(t.getMessage(), t);
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
    ask(watchRoot, WatchRoot.FlushAll::new);
    ask(writer, JournalWriter.Barrier::new);
  }

  private <T, R> void ask(ActorRef<T> target, Function<ActorRef<R>, T> message) {
    try {
      AskPattern.<T, R>ask(target, message::apply, STOP_TIMEOUT, system.scheduler())
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
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("actor system did not stop cleanly: {}", e.toString());
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
    if (b.system != null) {
      b.system.terminate();
    }
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
    ActorSystem<Void> system;
    Actors actors;
    WatchEngine engine;
    SyncCookies cookies;
    AgentQueries queries;
    CompletableFuture<Void> ready;
    CompletableFuture<Throwable> failed;
  }
}
