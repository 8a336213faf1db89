package io.tidemark.peer.replica;

/** A path from the wire that the replica refuses: not a clean relative path, or it would leave DST. */
public final class ConfinementException extends Exception {
  private final String path;

  public ConfinementException(String path, String reason) {
    super("refused path '" + printable(path) + "': " + reason);
    this.path = path;
  }

  /** The path as received (may contain anything). */
  public String path() {
    return path;
  }

  static String printable(String path) {
    String p = path.length() > 200 ? path.substring(0, 200) + "..." : path;
    return p.replace("\0", "\\0");
  }
}
