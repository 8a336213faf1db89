package io.tidemark.agent.journal;

import java.util.Comparator;

/**
 * The path index's key order on {@code String}s: RocksDB compares keys as UTF-8 bytes, which is
 * Unicode code point order. {@link String#compareTo} compares UTF-16 units instead and puts
 * supplementary characters (surrogate pairs) below U+E000..U+FFFF; this fixes that up without
 * encoding anything.
 */
final class PathOrder {

  static final Comparator<String> CODE_POINTS = PathOrder::compare;

  private PathOrder() {}

  static int compare(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        if (x >= 0xD800 && y >= 0xD800) {
          return fixUp(x) - fixUp(y);
        }
        return x - y;
      }
    }
    return a.length() - b.length();
  }

  /** Surrogates up above U+FFFF's neighbours, U+E000..U+FFFF down into the gap they left. */
  private static int fixUp(char c) {
    return c >= 0xE000 ? c - 0x800 : c + 0x2000;
  }
}
