package io.tidemark.peer.sync;

import java.util.HashMap;
import java.util.Map;

/**
 * How far an initial reconcile's copy has come: the files it asked for (with their sizes from the
 * manifest) and how many of them have landed. Totals grow while the manifest streams in.
 */
final class CopyProgress {
  private final Map<String, Long> waiting = new HashMap<>();
  private long files;
  private long bytes;
  private long filesDone;
  private long bytesDone;

  void reset() {
    waiting.clear();
    files = bytes = filesDone = bytesDone = 0;
  }

  void wanted(String path, long size) {
    if (waiting.put(path, size) == null) {
      files++;
      bytes += size;
    }
  }

  /** True when {@code path} was one the copy waited for. */
  boolean landed(String path) {
    Long size = waiting.remove(path);
    if (size == null) {
      return false;
    }
    filesDone++;
    bytesDone += size;
    return true;
  }

  void report(ReplicaListener listener) {
    listener.copying(filesDone, files, bytesDone, bytes);
  }
}
