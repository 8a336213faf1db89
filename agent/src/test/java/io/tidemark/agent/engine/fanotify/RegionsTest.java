package io.tidemark.agent.engine.fanotify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RegionsTest {
  private final Regions regions = new Regions();

  @Test
  void touch_pathAtInsideOrAboveARegion_true() {
    regions.add("/r/a/b", 1);
    assertThat(regions.touch("/r/a/b")).isTrue();
    assertThat(regions.touch("/r/a/b/c/d")).as("inside").isTrue();
    assertThat(regions.touch("/r/a")).as("holds it").isTrue();
    assertThat(regions.touch("/r/a/bb")).as("a sibling sharing a prefix").isFalse();
    assertThat(regions.touch("/r/x")).isFalse();
  }

  @Test
  void catchUp_dropsOnlyEarlierWindows() {
    regions.add("/r/old", 1);
    regions.add("/r/new", 2);
    regions.catchUp(2);
    assertThat(regions.touch("/r/old")).isFalse();
    assertThat(regions.touch("/r/new")).isTrue();
    regions.add("/r/new", 1); // a later listing keeps the later window
    regions.catchUp(3);
    assertThat(regions.isEmpty()).isTrue();
  }

  @Test
  void wasReported_pathOrSomethingBelowIt() {
    regions.reported("/r/m/x/f");
    assertThat(regions.wasReported("/r/m/x/f")).isTrue();
    assertThat(regions.wasReported("/r/m/x")).as("a move of x takes f along").isTrue();
    assertThat(regions.wasReported("/r/m/xx")).isFalse();
    regions.settled();
    assertThat(regions.wasReported("/r/m/x/f")).isFalse();
  }
}
