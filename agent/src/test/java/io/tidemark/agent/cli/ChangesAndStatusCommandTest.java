package io.tidemark.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.ChangeKind;
import io.tidemark.agent.service.AgentServer;
import io.tidemark.agent.service.InMemoryJournal;
import io.tidemark.agent.service.JournalFrontDoor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tidemark changes} and {@code tidemark status} against a real loopback agent. */
class ChangesAndStatusCommandTest {
  private final InMemoryJournal journal = new InMemoryJournal(9);
  private AgentServer server;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void startAgent(String token) throws IOException {
    server =
        AgentServer.builder(journal)
            .port(0)
            .token(token)
            // a default page of 2 makes the CLI page through `more`
            .settings(new JournalFrontDoor.Settings(Duration.ofSeconds(3), 2, 2, 2))
            .start();
  }

  private int run(String... args) {
    CommandLine cli = TidemarkMain.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private void appendSample() {
    journal.append(
        Change.of(ChangeKind.CREATED, "src/a.c", false),
        Change.renamed("old", "new", true),
        Change.of(ChangeKind.DELETED, "gone \"quoted\"", false),
        Change.of(ChangeKind.MODIFIED, "src/b.c", false),
        Change.of(ChangeKind.ATTRIB, "bin/x", false));
  }

  @Test
  void changes_json_pagesThroughEverythingInTheDocumentedShape() throws IOException {
    startAgent(null);
    appendSample();

    int exit = run("changes", "--agent", server.target(), "--since", journal.cursorAt(0), "--json");

    assertThat(err.toString()).isEmpty();
    assertThat(exit).isZero();
    assertThat(out.toString())
        .isEqualTo(
            "{\"cursor\":\"fake:9:5\",\"fresh_instance\":false,\"changes\":["
                + "{\"path\":\"src/a.c\",\"kind\":\"created\",\"from\":null,\"dir\":false},"
                + "{\"path\":\"new\",\"kind\":\"renamed\",\"from\":\"old\",\"dir\":true},"
                + "{\"path\":\"gone \\\"quoted\\\"\",\"kind\":\"deleted\",\"from\":null,\"dir\":false},"
                + "{\"path\":\"src/b.c\",\"kind\":\"modified\",\"from\":null,\"dir\":false},"
                + "{\"path\":\"bin/x\",\"kind\":\"attrib\",\"from\":null,\"dir\":false}]}"
                + System.lineSeparator());
  }

  @Test
  void changes_text_oneLinePerChangeThenTheCursor() throws IOException {
    startAgent(null);
    appendSample();

    int exit =
        run("changes", "--agent", server.target(), "--since", journal.cursorAt(0), "--sync",
            "--prefix", "src");

    assertThat(exit).isZero();
    assertThat(out.toString().lines())
        .containsExactly("created  src/a.c", "modified src/b.c", "fake:9:5");
  }

  @Test
  void changes_withoutSince_printsOnlyTheCurrentCursor() throws IOException {
    startAgent(null);
    appendSample();

    assertThat(run("changes", "--agent", server.target())).isZero();
    assertThat(out.toString().lines()).containsExactly("fake:9:5");
  }

  @Test
  void changes_foreignCursor_saysFreshInstance() throws IOException {
    startAgent(null);
    appendSample();

    assertThat(run("changes", "--agent", server.target(), "--since", "fake:1:1", "--json")).isZero();
    assertThat(out.toString())
        .startsWith("{\"cursor\":\"fake:9:5\",\"fresh_instance\":true,\"changes\":[]}");
  }

  @Test
  void changes_fromEndpointFile_findsTheAgent(@TempDir Path dir) throws IOException {
    startAgent(null);
    Path endpoint = Files.writeString(dir.resolve("agent.endpoint"), server.target() + "\n");

    assertThat(run("changes", "--endpoint-file", endpoint.toString())).isZero();
    assertThat(out.toString().strip()).isEqualTo("fake:9:0");
  }

  @Test
  void changes_malformedCursor_passesTheAgentsMessageThroughAsAUsageError() throws IOException {
    startAgent(null);

    int exit = run("changes", "--agent", server.target(), "--since", "last-tuesday");

    assertThat(exit).isEqualTo(CliExit.USAGE);
    assertThat(err.toString())
        .startsWith("tidemark changes: not a cursor: 'last-tuesday'")
        .contains("a cursor looks like")
        .doesNotContain("Exception");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void changes_noAgent_saysHowToStartOne() throws IOException {
    int freePort;
    try (ServerSocket socket = new ServerSocket(0)) {
      freePort = socket.getLocalPort();
    }

    int exit = run("changes", "--agent", "127.0.0.1:" + freePort);

    assertThat(exit).isEqualTo(CliExit.FAILURE);
    assertThat(err.toString().strip())
        .isEqualTo(
            "tidemark changes: no agent at 127.0.0.1:" + freePort
                + ": start one with `tidemark agent DIR`");
  }

  @Test
  void changes_wrongOrMissingToken_saysSo() throws IOException {
    startAgent("right");

    assertThat(run("changes", "--agent", server.target(), "--token", "wrong"))
        .isEqualTo(CliExit.FAILURE);
    assertThat(run("changes", "--agent", server.target(), "--token", ""))
        .isEqualTo(CliExit.FAILURE);
    assertThat(run("changes", "--agent", server.target(), "--token", "right")).isZero();

    assertThat(err.toString().lines())
        .containsExactly(
            "tidemark changes: the agent at " + server.target() + " refused the call: wrong token",
            "tidemark changes: the agent at " + server.target()
                + " refused the call: missing bearer token: pass --token");
  }

  @Test
  void changes_syncTimesOut_printsTheAgentsExplanation() throws IOException {
    startAgent(null);
    journal.answerSyncWith(
        timeout -> java.util.concurrent.CompletableFuture.failedFuture(
            new java.util.concurrent.TimeoutException()));

    int exit = run("changes", "--agent", server.target(), "--sync");

    assertThat(exit).isEqualTo(CliExit.FAILURE);
    assertThat(err.toString().strip())
        .isEqualTo(
            "tidemark changes: sync-to-now timed out after 3s: the agent's pipeline is stalled"
                + " or the root is not writable");
  }

  @Test
  void changes_badAgentAddress_isAUsageError() {
    assertThat(run("changes", "--agent", "localhost")).isEqualTo(CliExit.USAGE);
    assertThat(err.toString()).contains("expected HOST:PORT");
  }

  @Test
  void changes_tlsAgent_answersWithCacertAndExplainsWithout() throws Exception {
    Path cert = Path.of(getClass().getResource("/tls/cert.pem").toURI());
    Path key = Path.of(getClass().getResource("/tls/key.pem").toURI());
    server = AgentServer.builder(journal).port(0).tls(cert, key).start();

    assertThat(run("changes", "--agent", server.target(), "--cacert", cert.toString())).isZero();
    assertThat(out.toString().strip()).isEqualTo("fake:9:0");

    assertThat(run("changes", "--agent", server.target())).isEqualTo(CliExit.FAILURE);
    assertThat(err.toString())
        .startsWith("tidemark changes: the agent at " + server.target() + " is unavailable")
        .contains("pass --tls-ca");
  }

  @Test
  void status_json_reportsTheJournalAndSubscribers() throws IOException {
    startAgent(null);
    appendSample();

    assertThat(run("status", "--agent", server.target(), "--json")).isZero();
    assertThat(out.toString().strip())
        .isEqualTo(
            "{\"root\":\"/srv/root\",\"engine\":\"fake\",\"state\":\"watching\","
                + "\"cursor\":\"fake:9:5\",\"epoch\":\"0000000000000009\",\"high_seq\":5,"
                + "\"journal_entries\":5,\"index_entries\":3,\"subscribers\":0,"
                + "\"state_dir\":\"/state\"}");
  }

  @Test
  void status_text_isReadable() throws IOException {
    startAgent(null);

    assertThat(run("status", "--agent", server.target())).isZero();
    assertThat(out.toString()).contains("root         /srv/root").contains("subscribers  0");
  }
}
