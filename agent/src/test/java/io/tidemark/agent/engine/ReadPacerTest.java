package io.tidemark.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadPacerTest {
  private static final long MS = 1_000_000;

  private final List<Long> parks = new ArrayList<>();
  private final ReadPacer pacer = new ReadPacer(16 * 1024, 500_000, parks::add);

  @Test
  void firstSmallReadAfterQuiet_noPause_soEventsRightBehindItAreReadAtOnce() {
    pacer.afterRead(200, 0);
    pacer.afterRead(200, 50 * MS); // the next file, 50 ms later

    assertThat(parks).isEmpty();
  }

  @Test
  void smallReadsBackToBack_pauseFromTheSecondOn() {
    pacer.afterRead(200, 0);
    pacer.afterRead(300, MS / 10);
    pacer.afterRead(300, MS / 5);

    assertThat(parks).containsExactly(500_000L, 500_000L);
  }

  @Test
  void bigReads_neverPause_andEndTheBurst() {
    pacer.afterRead(200, 0);
    pacer.afterRead(64 * 1024, MS / 10);
    pacer.afterRead(200, MS / 5); // first small read after a big one

    assertThat(parks).isEmpty();
  }

  @Test
  void emptyReads_neverPause() {
    pacer.afterRead(200, 0);
    pacer.afterRead(0, MS / 10);
    pacer.afterRead(-1, MS / 5);
    pacer.afterRead(200, MS / 4);

    assertThat(parks).isEmpty();
  }
}
