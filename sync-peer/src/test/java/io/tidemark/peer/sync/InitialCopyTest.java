package io.tidemark.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tidemark.peer.it.Tree;
import io.tidemark.peer.replica.FsyncPolicy;
import io.tidemark.proto.v1.SourceMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The initial copy of a tree into an empty replica (whole files, random content sent raw,
 * compressible content compressed, signatures made in the background), and what it leaves
 * behind: the first edit of each copied file is a delta against the copy with no signature upload.
 */
class InitialCopyTest {
  private static final int RANDOM_FILES = 12;
  private static final int TEXT_FILES = 12;
  private static final int EMPTY_FILES = 4;

  @TempDir Path tmp;

  @Test
  void initialCopy_mixedTree_exactAndCompressed_thenEditsNeedNoSignatureUpload() throws Exception {
    runInitialCopyThenEdits(false);
  }

  @Test
  void initialCopy_withAgentStateDir_thenEditsNeedNoSignatureUpload() throws Exception {
    runInitialCopyThenEdits(true);
  }

  private void runInitialCopyThenEdits(boolean stateDir) throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    RecordingJournal journal = new RecordingJournal(7);
    JournallingOps ops = new JournallingOps(src, journal);
    byte[][] randoms = new byte[RANDOM_FILES][];
    byte[][] texts = new byte[TEXT_FILES][];
    long randomBytes = 0;
    long textBytes = 0;
    for (int i = 0; i < RANDOM_FILES; i++) {
      randoms[i] = random(20_000 + 97_000 * i, i);
      randomBytes += randoms[i].length;
      write(src, "r/d" + i % 3 + "/f" + i, randoms[i]);
    }
    for (int i = 0; i < TEXT_FILES; i++) {
      texts[i] = text(30_000 + 80_000 * i, i);
      textBytes += texts[i].length;
      write(src, "t/f" + i + ".txt", texts[i]);
    }
    for (int i = 0; i < EMPTY_FILES; i++) {
      write(src, "e/empty" + i, new byte[0]);
    }

    try (CountedReplication rig = new CountedReplication(journal, src, dst,
        stateDir ? tmp.resolve("agent-state") : null, tmp.resolve("peer-state"), FsyncPolicy.BATCH)) {
      rig.awaitPeerAt(journal.currentCursor());
      assertThat(Tree.describe(dst)).isEqualTo(Tree.describe(src));
      Wire w = rig.wire;
      assertThat(w.count(SourceMessage.BodyCase.FILE_BEGIN)).isEqualTo(RANDOM_FILES + TEXT_FILES + EMPTY_FILES);
      assertThat(w.count(SourceMessage.BodyCase.NEED_SIGNATURE)).isZero();
      assertThat(w.signatureUploads.get()).as("a missing file is wanted without a signature").isZero();
      assertThat(w.sourceBytes.get()).as("random content raw (~its size), text compressed")
          .isGreaterThan(randomBytes)
          .isLessThan(randomBytes + randomBytes / 100 + textBytes / 3 + 100_000);

      // right away, while signatures may still be in the making: one-byte edits of every file
      w.reset();
      for (int i = 0; i < RANDOM_FILES; i++) {
        randoms[i][randoms[i].length / 2] ^= 1;
        ops.write("r/d" + i % 3 + "/f" + i, randoms[i]);
      }
      for (int i = 0; i < TEXT_FILES; i++) {
        texts[i][texts[i].length / 3] ^= 1;
        ops.write("t/f" + i + ".txt", texts[i]);
      }
      rig.awaitPeerAt(journal.currentCursor());
      assertThat(Tree.describe(dst)).isEqualTo(Tree.describe(src));
      assertThat(w.count(SourceMessage.BodyCase.NEED_SIGNATURE)).isZero();
      assertThat(w.signatureUploads.get()).isZero();
      assertThat(w.count(SourceMessage.BodyCase.FILE_BEGIN)).isEqualTo(RANDOM_FILES + TEXT_FILES);
      assertThat(w.sourceBytes.get()).as("deltas of about one block each, not whole files")
          .isLessThan((RANDOM_FILES + TEXT_FILES) * 4_000L);
    }
  }

  /** A file rewritten (unjournalled) while the initial copy reads it, then once more with a record. */
  @Test
  void initialCopy_fileChangingWhileSent_replicaEndsEqual() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    RecordingJournal journal = new RecordingJournal(7);
    JournallingOps ops = new JournallingOps(src, journal);
    for (int i = 0; i < 40; i++) {
      write(src, "f" + i, random(200_000, i));
    }
    write(src, "busy", random(8 << 20, 99));
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer = Thread.ofPlatform().start(() -> {
      Random r = new Random(7);
      try {
        while (!stop.get()) {
          Files.write(src.resolve("busy"), random(1 << 20 + r.nextInt(4), r.nextLong()));
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    try (CountedReplication rig = new CountedReplication(journal, src, dst, null, tmp.resolve("peer-state"),
        FsyncPolicy.BATCH)) {
      Thread.sleep(300);
      stop.set(true);
      writer.join();
      ops.write("busy", random(3 << 20, 1234)); // the record that covers whatever was half-sent
      rig.awaitPeerAt(journal.currentCursor());
      await().atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(Tree.describe(dst)).isEqualTo(Tree.describe(src)));
    } finally {
      stop.set(true);
      writer.join();
    }
  }

  private static void write(Path root, String path, byte[] content) throws IOException {
    Path p = root.resolve(path);
    Files.createDirectories(p.getParent());
    Files.write(p, content);
  }

  private static byte[] random(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] text(int length, long seed) {
    StringBuilder s = new StringBuilder(length + 16);
    Random r = new Random(seed);
    String[] words = {"replica", "journal", "cursor", "delta", "signature", "peer", "source", "file"};
    while (s.length() < length) {
      s.append(words[r.nextInt(words.length)]).append(r.nextInt(10) == 0 ? '\n' : ' ');
    }
    return s.substring(0, length).getBytes(StandardCharsets.US_ASCII);
  }
}
