/**
 * The source side of replication: {@link io.tidemark.agent.replication.ReplicationService} serves
 * {@code tidemark.v1.ReplicationService} next to the JournalService. Each peer stream is one
 * {@link io.tidemark.agent.replication.PeerStream}: it reads journal pages from the peer's cursor
 * (the journal is the buffer; it wakes on appends), turns each change into instructions by reading
 * the file as it is now on SRC ({@link io.tidemark.agent.replication.SourceTree}), sends content
 * as deltas against the version it last sent that peer (signatures cached by content hash; with a
 * state dir, {@link io.tidemark.agent.replication.SentVersionsStore} keeps what each peer holds,
 * with the signatures, across agent restarts), and
 * sends only while the peer's stream is ready, so a slow peer slows its own stream and nothing
 * else. Acked cursors per peer back {@code Flush}.
 */
package io.tidemark.agent.replication;
