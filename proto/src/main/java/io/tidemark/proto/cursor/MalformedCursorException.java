package io.tidemark.proto.cursor;

/**
 * A string that is not a cursor token: wrong prefix, wrong length, a character outside the
 * alphabet, or a checksum that does not match (a typo or a truncated copy-paste).
 *
 * <p>The message names what was wrong and what a cursor looks like, so it can be shown to a user
 * as it is.
 */
public final class MalformedCursorException extends IllegalArgumentException {

  /** The hint every message ends with. */
  public static final String HINT =
      "a cursor looks like " + Cursor.PREFIX + "XXXX, as printed by `tidemark changes`";

  private static final long serialVersionUID = 1L;

  MalformedCursorException(String problem, String token) {
    super("not a cursor (" + problem + "): " + quote(token) + "; " + HINT);
  }

  private static String quote(String token) {
    if (token == null) {
      return "null";
    }
    String shown = token.length() > 48 ? token.substring(0, 48) + "..." : token;
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return sb.append('"').toString();
  }
}
