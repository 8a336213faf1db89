package io.tidemark.agent.engine.fanotify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mounts a watch root spans, from {@code /proc/self/mountinfo}: the one holding the root and
 * every one mounted below it. Each needs its own FAN_MARK_FILESYSTEM mark.
 */
final class MountTable {
  /** One mount: where it is, its filesystem type and source (for error messages). */
  record Mount(String point, String fsType, String source) {
    @Override
    public String toString() {
      return point + " (" + fsType + " " + source + ")";
    }
  }

  private MountTable() {}

  /** First the mount holding {@code root} (its point replaced by root), then those below it. */
  static List<Mount> spanning(String root) throws IOException {
    return spanning(root, Files.readAllLines(Path.of("/proc/self/mountinfo")));
  }

  static List<Mount> spanning(String root, List<String> mountinfo) {
    String rootSlash = root.equals("/") ? "/" : root + "/";
    Mount holder = null;
    List<Mount> below = new ArrayList<>();
    for (String line : mountinfo) {
      Mount m = parse(line);
      if (m == null) {
        continue;
      }
      if (contains(m.point(), root)) {
        // the longest (last mounted wins on ties) mount point that is a prefix of root holds it
        if (holder == null || m.point().length() >= holder.point().length()) {
          holder = m;
        }
      } else if (m.point().startsWith(rootSlash)) {
        below.add(m);
      }
    }
    List<Mount> result = new ArrayList<>();
    result.add(
        holder == null
            ? new Mount(root, "?", "?")
            : new Mount(root, holder.fsType(), holder.source()));
    result.addAll(below);
    return result;
  }

  /** True when {@code dir} is {@code path} or one of its ancestors. */
  private static boolean contains(String dir, String path) {
    return dir.equals(path) || path.startsWith(dir.equals("/") ? "/" : dir + "/");
  }

  /** mountinfo(5): id parent maj:min root point options [optional...] - fstype source super. */
  static Mount parse(String line) {
    String[] f = line.split(" ");
    int dash = -1;
    for (int i = 6; i < f.length; i++) {
      if (f[i].equals("-")) {
        dash = i;
        break;
      }
    }
    if (f.length < 7 || dash < 0 || dash + 2 >= f.length) {
      return null;
    }
    return new Mount(unescape(f[4]), f[dash + 1], unescape(f[dash + 2]));
  }

  /** mountinfo escapes space, tab, newline and backslash as octal {@code \ooo}. */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length()) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
