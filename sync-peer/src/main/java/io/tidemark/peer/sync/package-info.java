/**
 * The replica's connection side: {@link io.tidemark.peer.sync.ReplicaClient} keeps one
 * {@code Replicate} stream open (reconnecting with backoff, resuming from {@link
 * io.tidemark.peer.sync.PeerState}), and {@link io.tidemark.peer.sync.ReplicaSession} applies one
 * stream's instructions in order, asks for what it cannot apply (Want), and acks checkpoints once
 * they are applied and recorded. Streams go one way (source → peer), so chains never loop.
 */
package io.tidemark.peer.sync;
