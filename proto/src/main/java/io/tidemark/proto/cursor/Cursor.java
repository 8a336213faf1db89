package io.tidemark.proto.cursor;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A point in one agent's change journal: the journal's {@code epoch} (a random 64-bit id chosen
 * when the journal was created) and a sequence number {@code seq} (0 = before the first change).
 *
 * <h2>Token format</h2>
 *
 * <pre>
 *   "tm1:" + base32(epoch:int64 BE | seq:int64 BE | crc32c:int32 BE)
 * </pre>
 *
 * The 20 bytes encode to exactly 32 characters of a lower-case base32 alphabet without look-alikes
 * ({@code 0-9 a-z} minus {@code i l o u}; parsing is case-insensitive). The CRC-32C covers the
 * ASCII prefix {@code "tm1"} and the 16 payload bytes, so any single mistyped character, any swap
 * of two adjacent characters and any truncation is rejected with a {@link
 * MalformedCursorException}. The token is opaque to clients: only this class reads it.
 */
public record Cursor(long epoch, long seq) {

  /** Every token starts with this; the digit is the format version. */
  public static final String PREFIX = "tm1:";

  private static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
  private static final int PAYLOAD_BYTES = 20;
  private static final int TOKEN_CHARS = PAYLOAD_BYTES * 8 / 5;
  private static final byte[] DECODE = new byte[128];

  static {
    java.util.Arrays.fill(DECODE, (byte) -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      char c = ALPHABET.charAt(i);
      DECODE[c] = (byte) i;
      DECODE[Character.toUpperCase(c)] = (byte) i;
    }
  }

  public Cursor {
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0: " + seq);
    }
  }

  /** The opaque printable token, e.g. {@code tm1:0k3...}. */
  public String encode() {
    ByteBuffer buf = ByteBuffer.allocate(PAYLOAD_BYTES).putLong(epoch).putLong(seq);
    buf.putInt(checksum(buf.array()));
    return PREFIX + base32(buf.array());
  }

  /**
   * Reads a token made by {@link #encode()}; surrounding whitespace is ignored.
   *
   * @throws MalformedCursorException if {@code token} is not one, saying why
   */
  public static Cursor parse(String token) {
    if (token == null) {
      throw new MalformedCursorException("missing", null);
    }
    String t = token.strip();
    if (!t.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      throw new MalformedCursorException("it must start with " + PREFIX, token);
    }
    String body = t.substring(PREFIX.length());
    if (body.length() != TOKEN_CHARS) {
      throw new MalformedCursorException(
          body.length() < TOKEN_CHARS ? "too short, maybe truncated" : "too long", token);
    }
    byte[] bytes = new byte[PAYLOAD_BYTES];
    long bits = 0;
    int nbits = 0;
    int out = 0;
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      int v = c < 128 ? DECODE[c] : -1;
      if (v < 0) {
        throw new MalformedCursorException("unexpected character '" + printable(c) + "'", token);
      }
      bits = (bits << 5) | v;
      nbits += 5;
      if (nbits >= 8) {
        nbits -= 8;
        bytes[out++] = (byte) (bits >>> nbits);
      }
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    long epoch = buf.getLong();
    long seq = buf.getLong();
    int crc = buf.getInt();
    if (crc != checksum(bytes) || seq < 0) {
      throw new MalformedCursorException("checksum mismatch, maybe a typo", token);
    }
    return new Cursor(epoch, seq);
  }

  /** The same epoch at another seq. */
  public Cursor withSeq(long newSeq) {
    return new Cursor(epoch, newSeq);
  }

  @Override
  public String toString() {
    return encode();
  }

  private static String printable(char c) {
    return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
  }

  private static int checksum(byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(PREFIX.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 3);
    crc.update(payload, 0, 16);
    return (int) crc.getValue();
  }

  private static String base32(byte[] bytes) {
    StringBuilder sb = new StringBuilder(TOKEN_CHARS);
    long bits = 0;
    int nbits = 0;
    for (byte b : bytes) {
      bits = (bits << 8) | (b & 0xff);
      nbits += 8;
      while (nbits >= 5) {
        nbits -= 5;
        sb.append(ALPHABET.charAt((int) (bits >>> nbits) & 31));
      }
    }
    return sb.toString();
  }
}
