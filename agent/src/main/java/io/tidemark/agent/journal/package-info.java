/**
 * The durable change journal of one watch root. {@link io.tidemark.agent.journal.ChangeJournal}
 * numbers coalesced {@link io.tidemark.agent.journal.Change}s by seq within an epoch in RocksDB
 * (column families {@code journal}, {@code index}, {@code meta}; byte layout in its Javadoc),
 * keeps the path index (last stat + last seq + tombstones) beside them in the same atomic batch,
 * and answers {@code changesSince(cursor)} from the journal or, for cursors older than
 * compaction kept, from the index. {@link io.tidemark.agent.journal.Reconciler} finds what
 * changed while nobody listened (restart, queue overflow) with a parallel stat-only crawl and
 * journals it, so old cursors stay valid. Cursor tokens themselves are {@link
 * io.tidemark.proto.cursor.Cursor} in the proto module.
 */
package io.tidemark.agent.journal;
