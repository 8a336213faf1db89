package io.tidemark.agent.ignore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.ignore.FastIgnoreRule;
import org.eclipse.jgit.ignore.IgnoreNode;

/**
 * Which root-relative paths never reach the journal: the root's {@code .tidemarkignore} (gitignore
 * syntax), the {@code --ignore GLOB}s, and Tidemark's own sync cookies.
 *
 * <p>A path is ignored when it or any of its parent directories is, as in git: ignoring {@code
 * build/} hides everything below it. Matching uses JGit's implementation of gitignore rules.
 */
public final class IgnoreRules {
  public static final String FILE_NAME = ".tidemarkignore";
  /** Prefix of the files sync-to-now writes in the root; never journalled. */
  public static final String COOKIE_PREFIX = ".tidemark-cookie-";
  /** A replica's in-flight file (sync-peer's ReplicaWriter temp), at any depth. */
  public static final String REPLICA_TEMP_PREFIX = ".tidemark-tmp-";

  private static final IgnoreRules NONE = new IgnoreRules(null);

  /**
   * Null without rules: JGit is not touched then. Its jar is signed, and the first class loaded
   * from it costs a signature check of the whole jar (100-600 ms of the agent's start-up).
   */
  private final IgnoreNode node;

  private IgnoreRules(IgnoreNode node) {
    this.node = node;
  }

  /** Only the cookie rule. */
  public static IgnoreRules none() {
    return NONE;
  }

  /** Rules from {@code root/.tidemarkignore} (when present) plus {@code extraGlobs}. */
  public static IgnoreRules load(Path root, List<String> extraGlobs) throws IOException {
    List<FastIgnoreRule> rules = new ArrayList<>();
    try (InputStream in = Files.newInputStream(root.resolve(FILE_NAME))) {
      IgnoreNode fromFile = new IgnoreNode();
      fromFile.parse(in);
      rules.addAll(fromFile.getRules());
    } catch (NoSuchFileException absent) {
      // no .tidemarkignore: only the command-line globs apply
    }
    for (String glob : extraGlobs) {
      if (!glob.isBlank()) {
        rules.add(new FastIgnoreRule(glob.strip()));
      }
    }
    return rules.isEmpty() ? NONE : new IgnoreRules(new IgnoreNode(rules));
  }

  /** True when {@code path} ('/'-separated, root-relative) or one of its parents is ignored. */
  public boolean isIgnored(String path, boolean dir) {
    if (isCookie(path) || isReplicaTemp(path)) {
      return true;
    }
    if (node == null) {
      return false;
    }
    int slash = path.indexOf('/');
    while (slash > 0) {
      if (Boolean.TRUE.equals(node.checkIgnored(path.substring(0, slash), true))) {
        return true;
      }
      slash = path.indexOf('/', slash + 1);
    }
    return Boolean.TRUE.equals(node.checkIgnored(path, dir));
  }

  /** True when the last component of {@code path} is a replica temp file, at any depth. */
  public static boolean isReplicaTemp(String path) {
    return path.startsWith(REPLICA_TEMP_PREFIX, path.lastIndexOf('/') + 1);
  }

  public static boolean isCookie(String path) {
    return path.startsWith(COOKIE_PREFIX) && path.indexOf('/') < 0;
  }
}
