/**
 * One watch root between the engine and the journal: the {@link io.tidemark.agent.watch.Coalescer}
 * (pure, injected time) turns engine event batches into the net changes of each adaptive settle
 * window, in replay-safe order, and the {@link io.tidemark.agent.watch.WatchRoot} actor drives it
 * with a timer and publishes what settles.
 */
package io.tidemark.agent.watch;
