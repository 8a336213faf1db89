package io.tidemark.agent.cli;

import io.tidemark.agent.engine.EngineConfig;
import io.tidemark.agent.engine.EngineFactory;
import io.tidemark.agent.engine.EngineKind;
import io.tidemark.agent.engine.EventSink;
import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.engine.WatchEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tidemark watch ROOT}: live, recursive, rename-aware events, readable or JSON lines. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = {
      "Print every change under ROOT as it happens (recursive, renames paired).",
      "With --json: one object per line, first {\"kind\":\"ready\",...} once the tree is covered."
    })
public final class WatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ROOT", description = "directory to watch")
  Path root;

  @Option(
      names = "--engine",
      paramLabel = "auto|fanotify|inotify",
      defaultValue = "auto",
      description = "kernel interface (default: ${DEFAULT-VALUE}; auto prefers fanotify)")
  String engine;

  @Option(names = "--json", description = "one JSON object per line")
  boolean json;

  @Override
  public Integer call() throws Exception {
    EngineKind kind = parseEngine();
    EngineConfig config = config();
    EventPrinter printer =
        json ? new JsonEventPrinter(System.out) : new TextEventPrinter(System.out);
    CountDownLatch stop = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    StopSignals.onTerminate(stop::countDown);
    try (WatchEngine watch = EngineFactory.create(kind, config)) {
      watch.start(
          new EventSink() {
            @Override
            public void onEvents(List<FsEvent> batch) {
              printer.print(batch);
            }

            @Override
            public void onFailure(Throwable cause) {
              failure.set(cause);
              stop.countDown();
            }
          });
      if (kind == EngineKind.AUTO) {
        System.err.println("tidemark: watching " + config.root() + " with " + watch.name());
      }
      printer.ready(watch.name());
      stop.await();
    }
    printer.flush();
    if (failure.get() != null) {
      System.err.println("tidemark watch: " + TidemarkMain.describe(failure.get()));
      return CliExit.FAILURE;
    }
    return CliExit.OK;
  }

  private EngineKind parseEngine() {
    try {
      return EngineKind.parse(engine);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private EngineConfig config() throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS) && !Files.exists(root)) {
      throw new ParameterException(spec.commandLine(), "root does not exist: " + root);
    }
    if (!Files.isDirectory(root)) {
      throw new ParameterException(spec.commandLine(), "root is not a directory: " + root);
    }
    return EngineConfig.forRoot(root.toAbsolutePath());
  }
}
