package io.tidemark.agent.runtime;

import io.tidemark.agent.engine.EventSink;
import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.watch.WatchRoot;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The engine's sink from the moment it watches, before the actor that will take its events
 * exists: start-up starts the engine (and the crawl behind it) while the actor system is still
 * being created. Holds what arrives until {@link #attach}, then hands it over in order; from then
 * on it forwards directly.
 */
final class DeferredSink implements EventSink {
  private List<WatchRoot.Command> held = new ArrayList<>();
  private ActorRef<WatchRoot.Command> target;

  @Override
  public void onEvents(List<FsEvent> batch) {
    deliver(new WatchRoot.EngineBatch(List.copyOf(batch)));
  }

  @Override
  public void onFailure(Throwable cause) {
    deliver(new WatchRoot.EngineFailed(cause));
  }

  private synchronized void deliver(WatchRoot.Command c) {
    if (target == null) {
      held.add(c);
    } else {
      target.tell(c);
    }
  }

  /** Sends everything held to {@code root}, in order, and forwards to it from now on. */
  synchronized void attach(ActorRef<WatchRoot.Command> root) {
    held.forEach(root::tell);
    held = null;
    target = root;
  }
}
