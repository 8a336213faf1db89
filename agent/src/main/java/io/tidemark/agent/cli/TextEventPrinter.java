package io.tidemark.agent.cli;

import io.tidemark.agent.engine.FsEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Readable lines: {@code modify       src/a.c  (pid 4242)}; directories end in '/'. */
final class TextEventPrinter implements EventPrinter {
  private final BufferedWriter out;

  TextEventPrinter(OutputStream out) {
    this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
  }

  @Override
  public void ready(String engine) {
    System.err.println("tidemark: ready (" + engine + ")");
  }

  @Override
  public void print(List<FsEvent> batch) {
    try {
      for (FsEvent e : batch) {
        out.write(line(e));
        out.write('\n');
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String line(FsEvent e) {
    StringBuilder sb = new StringBuilder(64);
    sb.append(String.format("%-12s", e.kind().wireName()));
    if (e.kind() == FsEvent.Kind.OVERFLOW) {
      return sb.append("(kernel queue overflowed: events were lost)").toString();
    }
    String slash = e.dir() ? "/" : "";
    if (e.kind() == FsEvent.Kind.RENAME) {
      sb.append(e.from() == null ? "(outside)" : e.from() + slash).append(" -> ");
      sb.append(e.path() == null ? "(outside)" : e.path() + slash);
    } else {
      sb.append(e.path()).append(slash);
    }
    if (e.pid() > 0) {
      sb.append("  (pid ").append(e.pid()).append(')');
    }
    return sb.toString();
  }

  @Override
  public void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
