package io.tidemark.peer.replica;

/**
 * When the replica forces data to disk. {@code ALWAYS}: each file's data before its rename and its
 * directory after; {@code BATCH} (default): every file and directory touched since the last
 * checkpoint, before the checkpoint's cursor is recorded (a crash can lose at most the unacked
 * tail, which is replayed); {@code NEVER}: leave it to the kernel (tests, scratch replicas).
 */
public enum FsyncPolicy {
  ALWAYS,
  BATCH,
  NEVER
}
