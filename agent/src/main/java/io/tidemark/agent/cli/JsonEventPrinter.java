package io.tidemark.agent.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tidemark.agent.engine.FsEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * One JSON object per line: {@code {"kind":..,"path":..,"from":..,"dir":..,"pid":..}}; the first
 * line is {@code {"kind":"ready","engine":..}}. Flushed once per kernel batch, not per event.
 */
final class JsonEventPrinter implements EventPrinter {
  private final JsonGenerator json;

  JsonEventPrinter(OutputStream out) {
    try {
      // no separator between top-level objects: each line ends with our '\n' instead (without a
      // pretty printer, whose per-field path is several times slower)
      json = new JsonFactory().setRootValueSeparator(null).createGenerator(out, JsonEncoding.UTF8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  }

  @Override
  public void ready(String engine) {
    try {
      json.writeStartObject();
      json.writeStringField("kind", "ready");
      json.writeStringField("engine", engine);
      json.writeEndObject();
      json.writeRaw('\n');
      json.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void print(List<FsEvent> batch) {
    try {
      for (FsEvent e : batch) {
        json.writeStartObject();
        json.writeStringField("kind", e.kind().wireName());
        json.writeStringField("path", e.path());
        json.writeStringField("from", e.from());
        json.writeBooleanField("dir", e.dir());
        if (e.pid() > 0) {
          json.writeNumberField("pid", e.pid());
        } else {
          json.writeNullField("pid");
        }
        json.writeEndObject();
        json.writeRaw('\n');
      }
      json.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void flush() {
    try {
      json.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
