/**
 * The running agent: state directory, the actors between the engine and the journal (WatchRoot,
 * JournalWriter), sync-to-now cookies, and {@link io.tidemark.agent.runtime.AgentRuntime}, which
 * starts them in the order that loses nothing (watch first, then reconcile, then serve).
 */
package io.tidemark.agent.runtime;
