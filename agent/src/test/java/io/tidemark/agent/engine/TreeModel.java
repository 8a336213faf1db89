package io.tidemark.agent.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The reference model for {@link EngineModelTest}: root-relative path to "is a directory",
 * changed only by replaying engine events. Create adds, delete removes the subtree, rename moves
 * the subtree (replacing what was at the target), a move out removes it.
 */
final class TreeModel {
  private final TreeMap<String, Boolean> entries = new TreeMap<>();

  static TreeModel scan(Path root) throws IOException {
    TreeModel m = new TreeModel();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.skip(1)
          .forEach(
              p ->
                  m.entries.put(
                      root.relativize(p).toString(),
                      Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)));
    }
    return m;
  }

  Map<String, Boolean> entries() {
    return entries;
  }

  void apply(FsEvent e) {
    switch (e.kind()) {
      case CREATE -> entries.put(e.path(), e.dir());
      case DELETE -> removeSubtree(e.path());
      case RENAME -> {
        if (e.from() == null) {
          entries.put(e.path(), e.dir());
        } else if (e.path() == null) {
          removeSubtree(e.from());
        } else {
          move(e.from(), e.path(), e.dir());
        }
      }
      case MODIFY, CLOSE_WRITE, ATTRIB -> {}
      case OVERFLOW -> throw new IllegalStateException("overflow: the model cannot be replayed");
    }
  }

  private void move(String from, String to, boolean dir) {
    List<Map.Entry<String, Boolean>> moved = new ArrayList<>(subtree(from).entrySet());
    removeSubtree(to);
    removeSubtree(from);
    if (moved.isEmpty()) {
      entries.put(to, dir); // the model never heard of the source; keep what the event says
    }
    for (Map.Entry<String, Boolean> m : moved) {
      entries.put(to + m.getKey().substring(from.length()), m.getValue());
    }
  }

  private Map<String, Boolean> subtree(String top) {
    TreeMap<String, Boolean> sub = new TreeMap<>();
    if (entries.containsKey(top)) {
      sub.put(top, entries.get(top));
    }
    sub.putAll(entries.subMap(top + "/", top + "0")); // '0' sorts right after '/'
    return sub;
  }

  private void removeSubtree(String top) {
    entries.remove(top);
    entries.subMap(top + "/", top + "0").clear();
  }
}
