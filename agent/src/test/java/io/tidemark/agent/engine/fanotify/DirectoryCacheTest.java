package io.tidemark.agent.engine.fanotify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cache's bookkeeping of stream and ahead paths. The kernel's answer to "where is this handle
 * now" is a map here; the engine tests run the real thing.
 */
class DirectoryCacheTest {
  private final Map<HandleKey, String> now = new HashMap<>();
  private final Regions regions = new Regions();
  private DirectoryCache cache;

  @BeforeEach
  void setUp() {
    cache = new DirectoryCache("/r", now::get, regions);
    cache.setWindow(1);
  }

  private static HandleKey key(int n) {
    byte[] b = new byte[24];
    b[23] = (byte) n;
    return new HandleKey().set(b, 0, 24).copy();
  }

  @Test
  void lookup_unknownHandleInsideRoot_isAheadAndARegion() {
    now.put(key(1), "/r/a");
    assertThat(cache.lookup(key(1))).isEqualTo("/r/a");
    assertThat(cache.window()).isEqualTo(1);
    assertThat(regions.touch("/r/a")).isTrue();
  }

  @Test
  void lookup_unknownHandleOutsideRoot_isAStreamEntry() {
    now.put(key(1), "/elsewhere/a");
    assertThat(cache.lookup(key(1))).isEqualTo("/elsewhere/a");
    assertThat(cache.window()).isEqualTo(DirectoryCache.STREAM);
    assertThat(regions.isEmpty()).isTrue();
  }

  @Test
  void catchUp_promotesAheadEntriesOfEarlierWindows() {
    now.put(key(1), "/r/a");
    cache.lookup(key(1));
    cache.catchUp(1);
    assertThat(cache.hasAhead()).as("same window: not yet").isTrue();
    cache.catchUp(2);
    assertThat(cache.hasAhead()).isFalse();
    now.clear();
    assertThat(cache.lookup(key(1))).isEqualTo("/r/a");
    assertThat(cache.window()).isEqualTo(DirectoryCache.STREAM);
  }

  @Test
  void renameTree_touchingAnAheadEntry_putsItInDoubt_resolvedAgainOrLastKnownIfGone() {
    now.put(key(1), "/r/a/b");
    cache.lookup(key(1));
    cache.renameTree("/r/a", "/r/z", DirectoryCache.STREAM);
    now.put(key(1), "/r/z/b");
    assertThat(cache.lookup(key(1))).as("resolved again").isEqualTo("/r/z/b");
    cache.renameTree("/r/z", "/r/y", DirectoryCache.STREAM);
    now.clear(); // deleted meanwhile
    assertThat(cache.lookup(key(1))).as("last known").isEqualTo("/r/z/b");
    assertThat(cache.window()).isNotEqualTo(DirectoryCache.STREAM);
  }

  @Test
  void renameTree_ancestorOfTheRenameNotInDoubt() {
    now.put(key(1), "/r/a");
    cache.lookup(key(1));
    now.clear();
    cache.renameTree("/r/a/x", "/r/a/y", DirectoryCache.STREAM);
    assertThat(cache.lookup(key(1))).isEqualTo("/r/a");
  }

  @Test
  void renameTree_streamEntriesMovedUnderAnAheadPath_becomeAhead() {
    cache.put(key(1), "/r/s/d", DirectoryCache.STREAM);
    cache.renameTree("/r/s", "/r/ahead/s", 1);
    assertThat(cache.lookup(key(1))).isEqualTo("/r/ahead/s/d");
    assertThat(cache.window()).isEqualTo(1);
  }

  @Test
  void learn_neverOverridesADirectoryTheStreamPlaces() {
    cache.put(key(1), "/r/b", DirectoryCache.STREAM);
    cache.learn(key(1), "/r/listed/b", 1);
    cache.learn(key(2), "/r/listed/c", 1);
    assertThat(cache.lookup(key(1))).isEqualTo("/r/b");
    assertThat(cache.lookup(key(2))).isEqualTo("/r/listed/c");
    assertThat(cache.window()).isEqualTo(1);
  }

  @Test
  void catchUp_dropsADoubtfulEntryGoneSinceAnEarlierWindow() {
    now.put(key(1), "/r/a");
    cache.lookup(key(1));
    cache.renameTree("/r/a", "/r/b", DirectoryCache.STREAM);
    now.clear();
    cache.catchUp(2); // found gone in window 2
    assertThat(cache.hasAhead()).isTrue();
    cache.catchUp(3);
    assertThat(cache.hasAhead()).isFalse();
  }
}
