package io.tidemark.peer.sync;

import io.tidemark.agent.journal.Change;
import io.tidemark.agent.journal.ChangeKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Operations on SRC, each journalled in a {@link RecordingJournal} right after (as an agent would). */
final class JournallingOps implements SrcOps {
  private final Path src;
  private final RecordingJournal journal;
  private final SrcOps disk;

  JournallingOps(Path src, RecordingJournal journal) {
    this.src = src;
    this.journal = journal;
    this.disk = SrcOps.onDisk(src);
  }

  @Override
  public Path src() {
    return src;
  }

  @Override
  public void write(String path, byte[] content) throws IOException {
    boolean existed = Files.exists(src.resolve(path), LinkOption.NOFOLLOW_LINKS);
    disk.write(path, content);
    journal.append(Change.of(existed ? ChangeKind.MODIFIED : ChangeKind.CREATED, path, false));
  }

  @Override
  public void mkdir(String path) throws IOException {
    disk.mkdir(path);
    journal.append(Change.of(ChangeKind.CREATED, path, true));
  }

  @Override
  public void rename(String from, String to) throws IOException {
    boolean dir = isDir(from);
    disk.rename(from, to);
    journal.append(Change.renamed(from, to, dir));
  }

  @Override
  public void delete(String path) throws IOException {
    boolean dir = isDir(path);
    disk.delete(path);
    journal.append(Change.of(ChangeKind.DELETED, path, dir));
  }

  @Override
  public void symlink(String path, String target) throws IOException {
    disk.symlink(path, target);
    journal.append(Change.of(ChangeKind.CREATED, path, false));
  }

  @Override
  public void chmod(String path, int mode) throws IOException {
    disk.chmod(path, mode);
    journal.append(Change.of(ChangeKind.ATTRIB, path, false));
  }

  private boolean isDir(String path) {
    return Files.isDirectory(src.resolve(path), LinkOption.NOFOLLOW_LINKS);
  }
}
