package io.tidemark.agent.service;

/**
 * A {@code path_prefix} from the wire: root-relative, '/'-separated, no {@code .} / {@code ..} or
 * empty components, no NUL. Anything else is refused with a message saying why, before the
 * journal is asked.
 */
final class PathPrefix {
  private PathPrefix() {}

  /**
   * The prefix without a trailing '/', or "" for all paths.
   *
   * @throws IllegalArgumentException saying what is wrong and what a prefix looks like
   */
  static String validate(String prefix) {
    if (prefix.isEmpty()) {
      return "";
    }
    if (prefix.indexOf('\0') >= 0) {
      throw invalid(prefix, "contains a NUL character");
    }
    if (prefix.startsWith("/")) {
      throw invalid(prefix, "is absolute; give it relative to the watched root");
    }
    String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    for (String part : trimmed.split("/", -1)) {
      if (part.equals("..")) {
        throw invalid(prefix, "contains '..'; a prefix cannot leave the watched root");
      }
      if (part.isEmpty() || part.equals(".")) {
        throw invalid(prefix, "is not normalised (empty or '.' component)");
      }
    }
    return trimmed;
  }

  private static IllegalArgumentException invalid(String prefix, String why) {
    return new IllegalArgumentException(
        "path_prefix "
            + printable(prefix)
            + " "
            + why
            + ": expected a root-relative path like 'src/main'");
  }

  private static String printable(String prefix) {
    return "'" + prefix.replace("\0", "\\0") + "'";
  }
}
