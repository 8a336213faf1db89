package io.tidemark.agent.engine.inotify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RenamePairerTest {
  static final long MS = 1_000_000L;
  final WatchTree tree = new WatchTree();
  final WatchTree.Dir root = tree.setRoot(1);
  final RenamePairer pairer = new RenamePairer(20 * MS);

  @Test
  void moveTo_matchingCookie_returnsTheFromHalfOnce() {
    pairer.moveFrom(7, root, "a", "a", false, null, 0, 0);
    assertThat(pairer.moveTo(8)).isNull();
    RenamePairer.Pending p = pairer.moveTo(7);
    assertThat(p.fromPath()).isEqualTo("a");
    assertThat(pairer.moveTo(7)).isNull();
    assertThat(pairer.isEmpty()).isTrue();
  }

  @Test
  void expire_onlyHalvesWhoseDeadlinePassedBeforeTheDrain() {
    pairer.moveFrom(1, root, "a", "a", false, null, 0, 0);
    pairer.moveFrom(2, root, "b", "b", false, null, 1, 10 * MS);
    assertThat(pairer.expire(19 * MS)).isEmpty();
    assertThat(pairer.expire(20 * MS)).extracting(RenamePairer.Pending::cookie).containsExactly(1);
    assertThat(pairer.expire(100 * MS)).extracting(RenamePairer.Pending::cookie).containsExactly(2);
    assertThat(pairer.isEmpty()).isTrue();
  }

  @Test
  void pollTimeout_untilOldestDeadline_orForeverWhenNone() {
    assertThat(pairer.pollTimeoutMillis(0)).isEqualTo(-1);
    pairer.moveFrom(1, root, "a", "a", false, null, 0, 0);
    assertThat(pairer.pollTimeoutMillis(5 * MS)).isEqualTo(15);
    assertThat(pairer.pollTimeoutMillis(30 * MS)).isEqualTo(1); // overdue: poll briefly, then drain
  }

  @Test
  void expireAll_overflow_everythingGoes() {
    pairer.moveFrom(1, root, "a", "a", false, null, 0, 0);
    pairer.moveFrom(2, root, "b", "b", false, null, 1, 0);
    assertThat(pairer.expireAll()).hasSize(2);
    assertThat(pairer.isEmpty()).isTrue();
  }
}
