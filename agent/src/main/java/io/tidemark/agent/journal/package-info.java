/**
 * The durable change journal: coalesced {@link io.tidemark.agent.journal.Change}s numbered by
 * sequence in RocksDB, the path index beside them, and the cursors that address them.
 */
package io.tidemark.agent.journal;
