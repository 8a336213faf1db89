/**
 * The replica's file side: {@link io.tidemark.peer.replica.SafePath} validates every path from
 * the wire, {@link io.tidemark.peer.replica.Confinement} resolves it inside DST without following
 * a symlink in any parent, and {@link io.tidemark.peer.replica.ReplicaWriter} applies instructions
 * (temp file in the target directory, verified SHA-256, fsync policy, atomic rename; links as
 * links; directory trees; renames as renames).
 */
package io.tidemark.peer.replica;
