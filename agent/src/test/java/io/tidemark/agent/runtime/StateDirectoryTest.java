package io.tidemark.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {
  @TempDir Path tmp;

  @Test
  void claim_dirInsideRoot_isRefusedWithTheFix() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root")).toRealPath();

    assertThatThrownBy(() -> StateDirectory.claim(root.resolve(".state"), root))
        .isInstanceOf(StateDirectoryException.class)
        .hasMessageContaining("inside the watched root")
        .hasMessageContaining("--state");
  }

  @Test
  void claim_secondClaimWhileHeld_isRefused() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root")).toRealPath();
    Path state = tmp.resolve("state");
    try (StateDirectory first = StateDirectory.claim(state, root)) {
      assertThatThrownBy(() -> StateDirectory.claim(state, root))
          .isInstanceOf(StateDirectoryException.class)
          .hasMessageContaining("already running");
    }
    try (StateDirectory again = StateDirectory.claim(state, root)) {
      assertThat(again.path()).isEqualTo(state.toRealPath());
    }
  }

  @Test
  void defaultFor_differentRoots_differentDirsOutsideTheRoot() {
    Path a = StateDirectory.defaultFor(Path.of("/srv/a/src"));
    Path b = StateDirectory.defaultFor(Path.of("/srv/b/src"));

    assertThat(a).isNotEqualTo(b);
    assertThat(a.getFileName().toString()).startsWith("src-");
    assertThat(a.startsWith("/srv/a/src")).isFalse();
  }
}
