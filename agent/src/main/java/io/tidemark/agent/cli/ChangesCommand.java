package io.tidemark.agent.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.grpc.StatusRuntimeException;
import io.tidemark.proto.v1.Change;
import io.tidemark.proto.v1.ChangeKind;
import io.tidemark.proto.v1.ChangesRequest;
import io.tidemark.proto.v1.ChangesResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tidemark changes}: the current cursor, or every change since one. */
@Command(
    name = "changes",
    mixinStandardHelpOptions = true,
    description = {
      "Without --since: print the agent's current cursor (keep it for next time).",
      "With --since CURSOR: print every change after CURSOR, then the new cursor on the last line.",
      "--json: {\"cursor\":..,\"fresh_instance\":..,\"changes\":[{\"path\":..,\"kind\":..,"
          + "\"from\":..,\"dir\":..}]}"
    })
public final class ChangesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentOptions agent;

  @Option(names = "--since", paramLabel = "CURSOR", description = "a cursor from an earlier run")
  String since;

  @Option(names = "--sync", description = "include every write made before this command")
  boolean sync;

  @Option(names = "--prefix", paramLabel = "PATH", description = "only paths under PATH (root-relative)")
  String prefix = "";

  @Option(names = "--json", description = "one JSON object")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    try (AgentClient client = agent.connect(spec)) {
      ChangesResponse first;
      List<Change> changes = new ArrayList<>();
      String cursor;
      try {
        first = client.journal().changes(request(since == null ? "" : since, sync));
        changes.addAll(first.getChangesList());
        cursor = first.getCursor();
        boolean more = first.getMore();
        while (more) { // page until the agent says it is all there
          ChangesResponse next = client.journal().changes(request(cursor, false));
          changes.addAll(next.getChangesList());
          cursor = next.getCursor();
          more = next.getMore();
        }
      } catch (StatusRuntimeException e) {
        return client.fail(e, spec.commandLine().getErr(), "tidemark changes");
      }
      if (json) {
        printJson(out, cursor, first.getFreshInstance(), changes);
      } else {
        printText(out, cursor, first.getFreshInstance(), changes);
      }
      out.flush();
      return CliExit.OK;
    }
  }

  private ChangesRequest request(String from, boolean withSync) {
    return ChangesRequest.newBuilder()
        .setSince(from)
        .setSync(withSync)
        .setPathPrefix(prefix)
        .build();
  }

  static String kindName(ChangeKind kind) {
    return switch (kind) {
      case CHANGE_KIND_CREATED -> "created";
      case CHANGE_KIND_MODIFIED -> "modified";
      case CHANGE_KIND_DELETED -> "deleted";
      case CHANGE_KIND_RENAMED -> "renamed";
      case CHANGE_KIND_ATTRIB -> "attrib";
      default -> kind.name().toLowerCase(Locale.ROOT);
    };
  }

  private static void printText(
      PrintWriter out, String cursor, boolean fresh, List<Change> changes) {
    if (fresh) {
      out.println("fresh instance: the journal cannot list changes since that cursor;"
          + " treat everything as changed");
    }
    for (Change c : changes) {
      String path = c.getDir() ? c.getPath() + "/" : c.getPath();
      String what = c.getKind() == ChangeKind.CHANGE_KIND_RENAMED
          ? (c.getDir() ? c.getFrom() + "/" : c.getFrom()) + " -> " + path
          : path;
      out.printf("%-8s %s%n", kindName(c.getKind()), what);
    }
    out.println(cursor);
  }

  private static void printJson(
      PrintWriter out, String cursor, boolean fresh, List<Change> changes) throws IOException {
    try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      json.writeStartObject();
      json.writeStringField("cursor", cursor);
      json.writeBooleanField("fresh_instance", fresh);
      json.writeArrayFieldStart("changes");
      for (Change c : changes) {
        json.writeStartObject();
        json.writeStringField("path", c.getPath());
        json.writeStringField("kind", kindName(c.getKind()));
        json.writeStringField(
            "from", c.getKind() == ChangeKind.CHANGE_KIND_RENAMED ? c.getFrom() : null);
        json.writeBooleanField("dir", c.getDir());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
    out.println();
  }
}
