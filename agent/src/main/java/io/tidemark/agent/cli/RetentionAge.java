package io.tidemark.agent.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --retain-age}: a whole number of minutes, hours or days ({@code 90m}, {@code 12h}, {@code 30d}). */
final class RetentionAge {
  private static final Pattern AGE = Pattern.compile("([1-9][0-9]{0,6})([mhd])");

  private RetentionAge() {}

  static Duration parse(String text) {
    Matcher m = AGE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("expected a number and a unit m, h or d (e.g. 12h, 30d), got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
