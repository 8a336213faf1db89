package io.tidemark.agent.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.grpc.StatusRuntimeException;
import io.tidemark.proto.v1.StatusRequest;
import io.tidemark.proto.v1.StatusResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tidemark status}: what the agent watches and how far its journal goes. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Print the agent's root, engine, state, cursor and journal size.")
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin AgentOptions agent;

  @Option(names = "--json", description = "one JSON object")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    try (AgentClient client = agent.connect(spec)) {
      StatusResponse status;
      try {
        status = client.journal().status(StatusRequest.getDefaultInstance());
      } catch (StatusRuntimeException e) {
        return client.fail(e, spec.commandLine().getErr(), "tidemark status");
      }
      String epoch = String.format("%016x", status.getEpoch());
      if (json) {
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
          g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
          g.writeStartObject();
          g.writeStringField("root", status.getRoot());
          g.writeStringField("engine", status.getEngine());
          g.writeStringField("state", status.getState());
          g.writeStringField("cursor", status.getCursor());
          g.writeStringField("epoch", epoch);
          g.writeNumberField("high_seq", status.getHighSeq());
          g.writeNumberField("journal_entries", status.getJournalEntries());
          g.writeNumberField("index_entries", status.getIndexEntries());
          g.writeNumberField("subscribers", status.getSubscribers());
          g.writeStringField("state_dir", status.getStateDir());
          g.writeEndObject();
        }
        out.println();
      } else {
        out.printf("root         %s%n", status.getRoot());
        out.printf("engine       %s%n", status.getEngine());
        out.printf("state        %s%n", status.getState());
        out.printf("cursor       %s%n", status.getCursor());
        out.printf("epoch        %s%n", epoch);
        out.printf("high seq     %d%n", status.getHighSeq());
        out.printf("journal      %d entries%n", status.getJournalEntries());
        out.printf("index        %d paths%n", status.getIndexEntries());
        out.printf("subscribers  %d%n", status.getSubscribers());
        out.printf("state dir    %s%n", status.getStateDir());
      }
      out.flush();
      return CliExit.OK;
    }
  }
}
