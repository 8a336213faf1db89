package io.tidemark.agent.git;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * What git's fsmonitor hook (protocol version 2) prints: the new token, then the changed paths,
 * each terminated by a NUL. {@code everything} is git's "trivial response": the single path
 * {@code /}, meaning "I do not know, check every file".
 *
 * <p>Bytes: {@code token NUL (path NUL)*}, or {@code token NUL '/' NUL}; UTF-8. Paths are relative
 * to the repository's top level; a directory carries a trailing '/', which git (fsmonitor.c,
 * {@code fsmonitor_refresh_callback}) reads as "every index entry under it".
 */
public record FsmonitorAnswer(String token, List<String> paths, boolean everything) {

  public FsmonitorAnswer {
    Objects.requireNonNull(token, "token");
    if (token.isEmpty() || token.indexOf('\0') >= 0) {
      // git refuses an empty token ("Empty last update token.") and a NUL would end it early
      throw new IllegalArgumentException("an fsmonitor token is non-empty and free of NULs");
    }
    paths = everything ? List.of() : List.copyOf(paths);
    for (String p : paths) {
      if (p.isEmpty() || p.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("an fsmonitor path is non-empty, free of NULs: " + p);
      }
    }
  }

  public static FsmonitorAnswer everything(String token) {
    return new FsmonitorAnswer(token, List.of(), true);
  }

  public static FsmonitorAnswer changed(String token, List<String> paths) {
    return new FsmonitorAnswer(token, paths, false);
  }

  /** Exactly what the hook prints to git. */
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + paths.size() * 32);
    write(out, token);
    if (everything) {
      write(out, "/");
    } else {
      for (String p : paths) {
        write(out, p);
      }
    }
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, String record) {
    out.writeBytes(record.getBytes(StandardCharsets.UTF_8));
    out.write(0);
  }
}
