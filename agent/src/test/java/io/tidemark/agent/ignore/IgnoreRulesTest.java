package io.tidemark.agent.ignore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IgnoreRulesTest {
  @TempDir Path root;

  @Test
  void isIgnored_gitignoreSyntaxInFile_matchesLikeGit() throws Exception {
    Files.writeString(root.resolve(".tidemarkignore"), "# build output\nbuild/\n*.o\n!keep.o\n/top.txt\n");
    IgnoreRules rules = IgnoreRules.load(root, List.of());

    assertThat(rules.isIgnored("build", true)).isTrue();
    assertThat(rules.isIgnored("build/classes/A.class", false)).isTrue();
    assertThat(rules.isIgnored("src/build", false)).as("build/ matches directories only").isFalse();
    assertThat(rules.isIgnored("src/main.o", false)).isTrue();
    assertThat(rules.isIgnored("src/keep.o", false)).as("negation").isFalse();
    assertThat(rules.isIgnored("top.txt", false)).isTrue();
    assertThat(rules.isIgnored("sub/top.txt", false)).as("anchored to the root").isFalse();
    assertThat(rules.isIgnored("src/main.c", false)).isFalse();
  }

  @Test
  void isIgnored_commandLineGlobs_addToTheFile() throws Exception {
    IgnoreRules rules = IgnoreRules.load(root, List.of("*.log", "node_modules/"));

    assertThat(rules.isIgnored("a/b/debug.log", false)).isTrue();
    assertThat(rules.isIgnored("web/node_modules/x/index.js", false)).isTrue();
    assertThat(rules.isIgnored("web/index.js", false)).isFalse();
  }

  @Test
  void isIgnored_cookieFiles_alwaysIgnoredEvenWithoutRules() throws Exception {
    IgnoreRules rules = IgnoreRules.load(root, List.of());

    assertThat(rules.isIgnored(IgnoreRules.COOKIE_PREFIX + "42-7", false)).isTrue();
    assertThat(IgnoreRules.none().isIgnored(IgnoreRules.COOKIE_PREFIX + "1", false)).isTrue();
    assertThat(rules.isIgnored("sub/" + IgnoreRules.COOKIE_PREFIX + "1", false))
        .as("cookies live only at the root")
        .isFalse();
    assertThat(rules.isIgnored("anything", false)).isFalse();
  }

  @Test
  void isIgnored_replicaTempFiles_alwaysIgnoredAtAnyDepth() throws Exception {
    IgnoreRules rules = IgnoreRules.load(root, List.of());

    assertThat(rules.isIgnored(IgnoreRules.REPLICA_TEMP_PREFIX + "abc", false)).isTrue();
    assertThat(IgnoreRules.none().isIgnored("a/b/" + IgnoreRules.REPLICA_TEMP_PREFIX + "x", false))
        .isTrue();
    assertThat(rules.isIgnored("a/tidemark-tmp-x", false)).isFalse();
    assertThat(rules.isIgnored(IgnoreRules.REPLICA_TEMP_PREFIX + "d/child", false))
        .as("only the temp file itself, which is never a directory")
        .isFalse();
  }
}
