package io.tidemark.agent.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.ChangeKind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated bash hook against the real endpoint: bytes exact, failures become "/". */
class FsmonitorHookTest {
  @TempDir Path root;
  @TempDir Path state;
  final InMemoryJournal journal = new InMemoryJournal();
  FsmonitorEndpoint endpoint;
  Path hook;

  @BeforeEach
  void start() throws Exception {
    endpoint =
        FsmonitorEndpoint.start(
            new FsmonitorResponder(journal, root), FsmonitorEndpointFile.newSecret());
    endpoint.endpointFile().writeTo(state);
    hook =
        Files.writeString(
            state.resolve("hook"),
            FsmonitorHookInstaller.render(FsmonitorEndpointFile.pathIn(state)));
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  ProcessRun hook(String token) throws Exception {
    return ProcessRun.run(root, List.of("bash", hook.toString(), "2", token));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void hook_changes_bodyVerbatimWithNuls() throws Exception {
    journal.record(
        Change.of(ChangeKind.MODIFIED, "a.txt", false),
        Change.renamed("with space", "new\nline ü", false),
        Change.renamed("d1", "d2", true));
    ProcessRun run = hook("c0").ok();
    assertThat(run.out()).isEqualTo(bytes("c3\0a.txt\0with space\0new\nline ü\0d1/\0d2/\0"));
    assertThat(run.err()).isEmpty();
  }

  @Test
  void hook_noChanges_tokenOnly() throws Exception {
    assertThat(hook("c0").ok().out()).isEqualTo(bytes("c0\0"));
  }

  @Test
  void hook_oddToken_reachesJournalIntact() throws Exception {
    String odd = "c:1+2/3=4 ü&x%";
    assertThat(hook(odd).ok().out()).isEqualTo(bytes("c0\0/\0"));
    assertThat(journal.lastSince).isEqualTo(odd);
  }

  @Test
  void hook_manyPaths_allArrive() throws Exception {
    List<String> paths = new ArrayList<>();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(bytes("c5000\0"));
    for (int i = 0; i < 5_000; i++) {
      String p = "some/deeper/directory/file-" + i + ".txt";
      journal.record(Change.of(ChangeKind.MODIFIED, p, false));
      expected.writeBytes(bytes(p + "\0"));
    }
    assertThat(hook("c0").ok().out()).isEqualTo(expected.toByteArray());
  }

  @Test
  void hook_agentDown_givenTokenAndEverything() throws Exception {
    endpoint.close();
    ProcessRun run = hook("c0").ok();
    assertThat(run.out()).isEqualTo(bytes("c0\0/\0"));
    assertThat(run.err()).isEmpty();
  }

  @Test
  void hook_noEndpointFile_everything() throws Exception {
    Files.delete(FsmonitorEndpointFile.pathIn(state));
    assertThat(hook("").ok().out()).isEqualTo(bytes("tidemark:none\0/\0"));
  }

  @Test
  void hook_wrongSecret_everything() throws Exception {
    new FsmonitorEndpointFile(endpoint.port(), "ab".repeat(32), root).writeTo(state);
    assertThat(hook("c0").ok().out()).isEqualTo(bytes("c0\0/\0"));
    assertThat(endpoint.queriesAnswered()).isZero();
  }

  @Test
  void hook_otherVersion_failsLoudly() throws Exception {
    ProcessRun run = ProcessRun.run(root, List.of("bash", hook.toString(), "1", "123"));
    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("fsmonitorHookVersion 2");
  }
}
