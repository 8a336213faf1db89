package io.tidemark.proto.cursor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CursorTest {

  @Test
  void encode_anyEpochAndSeq_parsesBackToTheSame() {
    Random random = new Random(42);
    for (int i = 0; i < 10_000; i++) {
      Cursor c = new Cursor(random.nextLong(), random.nextLong() & Long.MAX_VALUE);
      String token = c.encode();
      assertThat(token).startsWith("tm1:").hasSize(36).matches("tm1:[0-9a-z]{32}");
      assertThat(Cursor.parse(token)).isEqualTo(c);
    }
    Cursor edge = new Cursor(-1, Long.MAX_VALUE);
    assertThat(Cursor.parse(edge.encode())).isEqualTo(edge);
    assertThat(Cursor.parse(new Cursor(0, 0).encode())).isEqualTo(new Cursor(0, 0));
  }

  @Test
  void parse_upperCaseOrSurroundingWhitespace_accepted() {
    Cursor c = new Cursor(0x1234_5678_9abc_def0L, 77);
    assertThat(Cursor.parse("  " + c.encode().toUpperCase() + "\n")).isEqualTo(c);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "garbage", "tm1:", "tm2:00000000000000000000000000000000",
      "tm1:0000000000000000000000000000000!", "tm1:0000000000000000000000000000000000",
      "TM1 0000000000000000000000000000000", "tm1:iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii"})
  void parse_garbage_throwsMalformedWithHint(String token) {
    assertThatThrownBy(() -> Cursor.parse(token))
        .isInstanceOf(MalformedCursorException.class)
        .hasMessageContaining("a cursor looks like tm1:XXXX, as printed by `tidemark changes`");
  }

  @Test
  void parse_null_throwsMalformed() {
    assertThatThrownBy(() -> Cursor.parse(null)).isInstanceOf(MalformedCursorException.class);
  }

  @Test
  void parse_truncated_saysTruncated() {
    String token = new Cursor(5, 6).encode();
    assertThatThrownBy(() -> Cursor.parse(token.substring(0, token.length() - 1)))
        .isInstanceOf(MalformedCursorException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void parse_wrongPrefix_saysPrefix() {
    String token = new Cursor(5, 6).encode().replace("tm1:", "tm9:");
    assertThatThrownBy(() -> Cursor.parse(token))
        .isInstanceOf(MalformedCursorException.class)
        .hasMessageContaining("must start with tm1:");
  }

  @Test
  void parse_everySingleCharacterChanged_rejected() {
    String alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    Random random = new Random(7);
    for (int n = 0; n < 200; n++) {
      String token = new Cursor(random.nextLong(), random.nextInt(1_000_000)).encode();
      for (int i = 4; i < token.length(); i++) {
        for (char c : alphabet.toCharArray()) {
          if (c == token.charAt(i)) {
            continue;
          }
          String typo = token.substring(0, i) + c + token.substring(i + 1);
          assertThatThrownBy(() -> Cursor.parse(typo))
              .as(typo)
              .isInstanceOf(MalformedCursorException.class)
              .hasMessageContaining("checksum");
        }
      }
    }
  }

  @Test
  void parse_adjacentCharactersSwapped_rejected() {
    String token = new Cursor(0x0123_4567_89ab_cdefL, 123_456).encode();
    for (int i = 4; i < token.length() - 1; i++) {
      if (token.charAt(i) == token.charAt(i + 1)) {
        continue;
      }
      String swapped = token.substring(0, i) + token.charAt(i + 1) + token.charAt(i)
          + token.substring(i + 2);
      assertThatThrownBy(() -> Cursor.parse(swapped)).isInstanceOf(MalformedCursorException.class);
    }
  }

  @Test
  void parse_hostileControlCharacters_escapedInMessage() {
    assertThatThrownBy(() -> Cursor.parse("tm1:\u001b[2J" + "x".repeat(200)))
        .isInstanceOf(MalformedCursorException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b").hasSizeLessThan(300));
  }
}
