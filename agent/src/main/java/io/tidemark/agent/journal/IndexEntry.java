package io.tidemark.agent.journal;

/**
 * What the path index knows about one path: its last stat, the seq of the last change that
 * touched it, the seq since which it exists ({@code createdSeq}: it was absent, or a tombstone,
 * just before), and whether it is gone ({@code tombstone}; then the stat is zero except for the
 * directory bit).
 */
public record IndexEntry(boolean tombstone, long lastSeq, long createdSeq, FileStat stat) {

  static IndexEntry live(long seq, long createdSeq, FileStat stat) {
    return new IndexEntry(false, seq, createdSeq, stat);
  }

  static IndexEntry tombstone(long seq, boolean wasDir) {
    return new IndexEntry(
        true, seq, 0, new FileStat(0, 0, 0, 0, wasDir ? FileStat.S_IFDIR : 0, null));
  }

  public boolean isDir() {
    return stat.isDir();
  }
}
