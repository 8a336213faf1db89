package io.tidemark.agent.engine;

import java.util.Locale;

/** The {@code --engine} choice. */
public enum EngineKind {
  AUTO,
  FANOTIFY,
  INOTIFY;

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a CLI value; the message lists the valid ones. */
  public static EngineKind parse(String value) {
    for (EngineKind k : values()) {
      if (k.cliName().equals(value)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown engine '" + value + "': expected one of auto, fanotify, inotify");
  }
}
