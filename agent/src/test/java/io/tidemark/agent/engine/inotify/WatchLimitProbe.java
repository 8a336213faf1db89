package io.tidemark.agent.engine.inotify;

import io.tidemark.agent.engine.EngineConfig;
import io.tidemark.agent.engine.EventSink;
import io.tidemark.agent.engine.FsEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Child-JVM probe for the watch-limit test, run inside a user namespace whose inotify watch limit
 * was lowered (so the machine-wide limit is untouched). {@code start ROOT}: prints the message of
 * start()'s exception. {@code after ROOT}: starts, makes a new directory, prints onFailure's.
 */
public final class WatchLimitProbe {
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[1]);
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    EventSink sink = new EventSink() {
      @Override
      public void onEvents(List<FsEvent> batch) {}

      @Override
      public void onFailure(Throwable cause) {
        failure.complete(cause);
      }
    };
    try (InotifyEngine engine = new InotifyEngine(EngineConfig.forRoot(root))) {
      try {
        engine.start(sink);
      } catch (Exception e) {
        System.out.println("start: " + e.getMessage());
        return;
      }
      Files.createDirectory(root.resolve("one-too-many"));
      System.out.println("after: " + failure.get(10, TimeUnit.SECONDS).getMessage());
    }
  }
}
