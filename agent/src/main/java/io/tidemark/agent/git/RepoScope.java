package io.tidemark.agent.git;

import io.tidemark.agent.journal.Change;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Where a git work tree sits relative to the agent's root, and how a journal path (root-relative)
 * becomes a path git understands (relative to the work tree's top level).
 *
 * <p>Only a work tree equal to the root or inside it is {@linkplain #covered() covered}: when the
 * root is inside the work tree (or elsewhere), the agent cannot see every file git tracks, so
 * every answer must be "check everything". Paths under the work tree's own {@code .git} are
 * dropped: git writes there during every status, and they are never work-tree files.
 */
final class RepoScope {
  private final boolean covered;
  /** The work tree relative to the root, '/'-terminated, or "" when they are the same. */
  private final String prefix;

  private RepoScope(boolean covered, String prefix) {
    this.covered = covered;
    this.prefix = prefix;
  }

  static RepoScope of(Path root, Path repo) {
    Path r = real(root);
    Path w = real(repo);
    if (!w.startsWith(r)) {
      return new RepoScope(false, "");
    }
    String rel = r.relativize(w).toString().replace('\\', '/');
    return new RepoScope(true, rel.isEmpty() ? "" : rel + "/");
  }

  /** The path with symlinks resolved when it exists (the hook sends {@code pwd -P}). */
  static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException missing) {
      return path.toAbsolutePath().normalize();
    }
  }

  boolean covered() {
    return covered;
  }

  String prefix() {
    return prefix;
  }

  /**
   * Adds what git must re-check for {@code change} to {@code out}: the file, both sides of a
   * rename, a directory with a trailing '/'.
   *
   * @return false when the change touches the work tree itself or one of its parents (a rename
   *     or delete of the whole tree): only "check everything" is right then
   */
  boolean addPaths(Change change, Collection<String> out) {
    if (change.from() != null && !addPath(change.from(), change.dir(), out)) {
      return false;
    }
    return addPath(change.path(), change.dir(), out);
  }

  private boolean addPath(String rootRelative, boolean dir, Collection<String> out) {
    String p = trimSlashes(rootRelative);
    if (p.isEmpty() || prefix.startsWith(p + "/")) {
      return false;
    }
    if (!p.startsWith(prefix)) {
      return true; // outside the work tree: not git's business
    }
    String rel = p.substring(prefix.length());
    if (rel.equals(".git") || rel.startsWith(".git/")) {
      return true;
    }
    out.add(dir ? rel + "/" : rel);
    return true;
  }

  private static String trimSlashes(String path) {
    int start = 0;
    int end = path.length();
    while (start < end && path.charAt(start) == '/') {
      start++;
    }
    while (end > start && path.charAt(end - 1) == '/') {
      end--;
    }
    return path.substring(start, end);
  }
}
