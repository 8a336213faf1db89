package io.tidemark.agent.engine.inotify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.agent.engine.FsEvent;
import org.junit.jupiter.api.Test;

class EventBufferTest {
  final EventBuffer buf = new EventBuffer();

  static FsEvent create(String p) {
    return FsEvent.of(FsEvent.Kind.CREATE, p, false, 0);
  }

  @Test
  void drainReady_noOpenSlot_everything() {
    buf.add(create("a"));
    buf.add(create("b"));
    assertThat(buf.drainReady()).containsExactly(create("a"), create("b"));
    assertThat(buf.isEmpty()).isTrue();
  }

  @Test
  void drainReady_openSlot_holdsEverythingAfterItUntilFilled() {
    buf.add(create("a"));
    long slot = buf.reserve();
    buf.add(create("n"));
    assertThat(buf.drainReady()).containsExactly(create("a"));
    assertThat(buf.drainReady()).isEmpty();
    FsEvent movedOut = new FsEvent(FsEvent.Kind.RENAME, null, "n", false, 0);
    buf.fill(slot, movedOut);
    assertThat(buf.drainReady()).containsExactly(movedOut, create("n"));
  }

  @Test
  void fill_ticketsSurviveEarlierDrains() {
    buf.add(create("a"));
    buf.drainReady();
    long s1 = buf.reserve();
    long s2 = buf.reserve();
    buf.fill(s2, create("second"));
    assertThat(buf.drainReady()).isEmpty();
    buf.fill(s1, create("first"));
    assertThat(buf.drainReady()).containsExactly(create("first"), create("second"));
    assertThatThrownBy(() -> buf.fill(s1, create("x"))).isInstanceOf(RuntimeException.class);
  }
}
