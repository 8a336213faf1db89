package io.tidemark.agent.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.proto.delta.BlockSignature;
import io.tidemark.proto.delta.SignatureGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both kinds of SentVersions follow puts, deletes and renames of files and trees alike; the stored one survives a reopen. */
class SentVersionsTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void putsDeletesAndTreeRenames_followed(boolean stored) throws Exception {
    try (SentVersionsStore store = SentVersionsStore.open(tmp)) {
      SentVersions sent = stored ? SentVersions.stored(store, "p") : SentVersions.inMemory(1000);
      for (String path : new String[] {"a", "d/x", "d/y/z", "d0", "dx", "e"}) {
        sent.put(path, hash(path), sig(path));
      }
      sent.rename("d", "e"); // a tree onto a file: the file is replaced
      assertThat(sent.get("d/x")).isNull();
      assertThat(sent.get("d/y/z")).isNull();
      assertThat(sent.get("e/x")).isEqualTo(hash("d/x"));
      assertThat(sent.get("e/y/z")).isEqualTo(hash("d/y/z"));
      assertThat(sent.get("d0")).as("a sibling whose name starts the same").isEqualTo(hash("d0"));
      assertThat(sent.get("dx")).isEqualTo(hash("dx"));
      sent.remove("e/y");
      assertThat(sent.get("e/y/z")).isNull();
      assertThat(sent.get("e/x")).isEqualTo(hash("d/x"));
      sent.rename("a", "b");
      assertThat(sent.get("a")).isNull();
      assertThat(sent.get("b")).isEqualTo(hash("a"));
      if (stored) {
        assertThat(sent.signature("b", hash("a"))).isEqualTo(sig("a"));
        assertThat(sent.signature("b", hash("other"))).as("another version").isNull();
      } else {
        assertThat(sent.signature("b", hash("a"))).as("kept in the SignatureCache only").isNull();
      }
    }
  }

  @Test
  void stored_survivesReopen_perPeer() throws Exception {
    try (SentVersionsStore store = SentVersionsStore.open(tmp)) {
      SentVersions.stored(store, "p1").put("f", hash("v1"), sig("v1"));
      SentVersions.stored(store, "p2").put("f", hash("v2"), sig("v2"));
    }
    try (SentVersionsStore store = SentVersionsStore.open(tmp)) {
      assertThat(SentVersions.stored(store, "p1").get("f")).isEqualTo(hash("v1"));
      assertThat(SentVersions.stored(store, "p1").signature("f", hash("v1"))).isEqualTo(sig("v1"));
      assertThat(SentVersions.stored(store, "p2").get("f")).isEqualTo(hash("v2"));
      assertThat(SentVersions.stored(store, "p3").get("f")).isNull();
    }
  }

  @Test
  void unreadableStore_replacedByAnEmptyOne() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(SentVersionsStore.DIR_NAME));
    Files.writeString(dir.resolve("CURRENT"), "MANIFEST-999999\n"); // points at nothing
    try (SentVersionsStore store = SentVersionsStore.open(tmp)) {
      SentVersions sent = SentVersions.stored(store, "p");
      assertThat(sent.get("f")).isNull();
      sent.put("f", hash("v"), sig("v"));
      assertThat(sent.get("f")).isEqualTo(hash("v"));
    }
  }

  @Test
  void afterClose_operationsDoNothing() throws Exception {
    SentVersionsStore store = SentVersionsStore.open(tmp);
    SentVersions sent = SentVersions.stored(store, "p");
    store.close();
    sent.put("f", hash("v"), sig("v"));
    sent.rename("f", "g");
    sent.remove("g");
    assertThat(sent.get("f")).isNull();
  }

  private static String hash(String s) throws Exception {
    return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static BlockSignature sig(String s) {
    return SignatureGenerator.of(s.repeat(500).getBytes(StandardCharsets.UTF_8));
  }

}
