package io.tidemark.agent.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Creates COUNT empty files in DIR as fast as it can: {@code FileBurst DIR COUNT}. */
public final class FileBurst {
  private FileBurst() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createDirectories(Path.of(args[0]));
    int count = Integer.parseInt(args[1]);
    for (int i = 0; i < count; i++) {
      Files.createFile(dir.resolve("f" + i));
    }
  }
}
