package io.tidemark.agent.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.ChangeKind;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsmonitorEndpointTest {
  @TempDir Path root;
  @TempDir Path state;
  final InMemoryJournal journal = new InMemoryJournal();
  final String secret = FsmonitorEndpointFile.newSecret();
  final HttpClient http = HttpClient.newHttpClient();
  FsmonitorEndpoint endpoint;

  @BeforeEach
  void start() throws Exception {
    endpoint = FsmonitorEndpoint.start(new FsmonitorResponder(journal, root), secret);
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  HttpResponse<byte[]> get(String token, String bearer) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
            URI.create(
                "http://127.0.0.1:"
                    + endpoint.port()
                    + "/fsmonitor?sync=1&token="
                    + URLEncoder.encode(token, StandardCharsets.UTF_8)));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void get_unknownToken_everything() throws Exception {
    HttpResponse<byte[]> response = get("1795549916376630862", secret);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("text/plain"));
    assertThat(response.body()).isEqualTo("c0\0/\0".getBytes(StandardCharsets.UTF_8));
    assertThat(endpoint.queriesAnswered()).isEqualTo(1);
  }

  @Test
  void get_changes_pathsNulSeparated() throws Exception {
    journal.record(
        Change.renamed("a b.txt", "ü.txt", false), Change.of(ChangeKind.DELETED, "dir", true));
    assertThat(get("c0", secret).body())
        .isEqualTo("c2\0a b.txt\0ü.txt\0dir/\0".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void get_syncFails_everything() throws Exception {
    journal.syncFails = true;
    assertThat(get("c0", secret).body()).isEqualTo("c0\0/\0".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void get_wrongOrMissingSecret_401() throws Exception {
    assertThat(get("c0", "0".repeat(64)).statusCode()).isEqualTo(401);
    assertThat(get("c0", null).statusCode()).isEqualTo(401);
    assertThat(endpoint.queriesAnswered()).isZero();
  }

  @Test
  void get_otherPath_404() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/x"))
            .header("Authorization", "Bearer " + secret)
            .build();
    assertThat(http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void endpointFile_writeRead_roundTripsOwnerOnly() throws Exception {
    Path file = endpoint.endpointFile().writeTo(state.resolve("nested"));
    assertThat(FsmonitorEndpointFile.read(file)).isEqualTo(endpoint.endpointFile());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.list(file.getParent())).containsExactly(file);
    endpoint.endpointFile().deleteFrom(state.resolve("nested"));
    assertThat(file).doesNotExist();
  }

  @Test
  void endpointFile_malformed_ioExceptionNamingFile() throws Exception {
    Path file = Files.writeString(state.resolve("fsmonitor.endpoint"), "port=x\n");
    assertThatThrownBy(() -> FsmonitorEndpointFile.read(file)).hasMessageContaining(file.toString());
    assertThatThrownBy(() -> FsmonitorEndpointFile.read(state.resolve("none")))
        .isInstanceOf(NoSuchFileException.class);
  }
}
