package io.tidemark.agent.journal;

/**
 * A root-relative directory prefix that filters answers. {@code "src"} matches {@code src} and
 * everything below it, not {@code src2}. It also matches a change to an ancestor ({@code DELETED
 * a} matches prefix {@code a/b}), because a directory record implies its children. The empty
 * prefix matches everything.
 */
record PathPrefix(String dir) {

  static final PathPrefix ALL = new PathPrefix("");

  static PathPrefix of(String prefix) {
    if (prefix == null) {
      return ALL;
    }
    String p = prefix;
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    return p.isEmpty() ? ALL : new PathPrefix(p);
  }

  /** {@code path} lies in the prefix, or is an ancestor of it. */
  boolean matches(String path) {
    if (dir.isEmpty() || path.isEmpty()) {
      return true;
    }
    return isAtOrUnder(path, dir) || isAtOrUnder(dir, path);
  }

  boolean matches(Change c) {
    return matches(c.path()) || (c.from() != null && matches(c.from()));
  }

  static boolean isAtOrUnder(String path, String ancestor) {
    return path.equals(ancestor)
        || (path.length() > ancestor.length()
            && path.startsWith(ancestor)
            && path.charAt(ancestor.length()) == '/');
  }
}
