package io.tidemark.peer.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.peer.it.Tree;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationApplyTest {
  @TempDir Path tmp;

  @Test
  void eachInstructionKind_appliedToDst_treesEqual() throws Exception {
    try (Replication r = new Replication(tmp).startPeer()) {
      r.mkdir("d");
      r.write("d/a.txt", "hello".getBytes());
      r.symlink("d/link", "../outside/target");
      r.chmod("d/a.txt", 0600);
      r.mkdir("d/sub");
      r.write("d/sub/b", new byte[3000]);
      r.rename("d/sub", "d/moved");
      r.write("gone", "x".getBytes());
      r.delete("gone");
      r.flush();
      assertThat(Tree.describe(r.dst)).isEqualTo(Tree.describe(r.src));
      assertThat(Files.isSymbolicLink(r.dst.resolve("d/link"))).isTrue();
      assertThat(Files.getLastModifiedTime(r.dst.resolve("d/a.txt")))
          .isEqualTo(Files.getLastModifiedTime(r.src.resolve("d/a.txt")));
      try (var s = Files.list(r.dst.resolve("d"))) {
        assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tidemark-tmp-"));
      }
    }
  }

  @Test
  void smallEditOfBigFile_sendsLittle() throws Exception {
    byte[] big = new byte[2 << 20];
    new Random(1).nextBytes(big);
    try (Replication r = new Replication(tmp).startPeer()) {
      r.write("big.bin", big);
      r.flush();
      long before = r.service.totals().wireBytes();
      big[1_000_000] ^= 1;
      r.write("big.bin", big);
      r.flush();
      long delta = r.service.totals().wireBytes() - before;
      assertThat(delta).isLessThan(20_000);
      assertThat(Files.readAllBytes(r.dst.resolve("big.bin"))).isEqualTo(big);
    }
  }

  @Test
  void rename_replayedAsRename_noContentBytes() throws Exception {
    byte[] content = new byte[500_000];
    new Random(2).nextBytes(content);
    try (Replication r = new Replication(tmp).startPeer()) {
      r.mkdir("tree");
      r.write("tree/f", content);
      r.write("file", content);
      r.flush();
      Object inode = Files.getAttribute(r.dst.resolve("file"), "unix:ino");
      var before = r.service.totals();
      r.rename("file", "renamed");
      r.rename("tree", "tree2");
      r.flush();
      assertThat(r.service.totals()).isEqualTo(before);
      assertThat(Files.getAttribute(r.dst.resolve("renamed"), "unix:ino")).isEqualTo(inode);
      assertThat(Tree.describe(r.dst)).isEqualTo(Tree.describe(r.src));
    }
  }

  @Test
  void newPeerOnExistingTree_reconciles_onlyDifferingFilesMove() throws Exception {
    byte[] content = new byte[300_000];
    new Random(3).nextBytes(content);
    try (Replication r = new Replication(tmp)) {
      Files.createDirectories(r.src.resolve("a/b"));
      Files.write(r.src.resolve("a/b/same"), content);
      Files.write(r.src.resolve("a/changed"), content);
      Files.createSymbolicLink(r.src.resolve("a/l"), Path.of("b/same"));
      Files.createDirectories(r.dst.resolve("a/b"));
      Files.write(r.dst.resolve("a/b/same"), content);
      Files.setLastModifiedTime(r.dst.resolve("a/b/same"), Files.getLastModifiedTime(r.src.resolve("a/b/same")));
      Files.setAttribute(r.dst.resolve("a/b/same"), "unix:mode", Files.getAttribute(r.src.resolve("a/b/same"), "unix:mode"));
      byte[] old = content.clone();
      old[10] ^= 1;
      Files.write(r.dst.resolve("a/changed"), old);
      Files.write(r.dst.resolve("extra"), "x".getBytes());
      r.startPeer();
      r.flush();
      assertThat(Tree.describe(r.dst)).isEqualTo(Tree.describe(r.src));
      assertThat(r.service.totals().files()).isEqualTo(1);
      assertThat(r.service.totals().literalBytes()).isLessThan(20_000);
    }
  }

  /**
   * The peer wants a path (here the target of a rename whose source it never got) that SRC has
   * already moved on (its directory renamed, the record still behind in the journal): the source
   * answers "gone", and the peer must keep wanting it until that rename reaches it, then fetch it
   * at the new name. Acking in between lost the file for good.
   */
  @Test
  void wantedPathGoneFromSrc_keptPendingUntilItsRenameArrives_thenFetched() throws Exception {
    try (Replication r = new Replication(tmp).startPeer()) {
      r.mkdir("d");
      r.flush();
      Files.write(r.src.resolve("d/f"), "content".getBytes());
      java.nio.file.Files.move(r.src.resolve("d"), r.src.resolve("e"));
      // the peer never had "m": it wants d/f, which SRC no longer has
      r.journal.append(io.tidemark.agent.journal.Change.renamed("m", "d/f", false));
      String cursor = r.journal.currentCursor();
      boolean ackedMeanwhile = r.service.awaitAllPeersAt(cursor, 0, java.time.Duration.ofSeconds(2));
      r.journal.append(io.tidemark.agent.journal.Change.renamed("d", "e", true));
      r.flush();
      assertThat(ackedMeanwhile).as("acked while d/f was still owed").isFalse();
      assertThat(Files.readString(r.dst.resolve("e/f"))).isEqualTo("content");
      assertThat(Tree.describe(r.dst)).isEqualTo(Tree.describe(r.src));
    }
  }
}
