package io.tidemark.peer.replica;

import io.tidemark.proto.delta.BlockSignature;
import io.tidemark.proto.delta.DeltaApplier;
import io.tidemark.proto.delta.DeltaBasis;
import io.tidemark.proto.delta.DeltaException;
import io.tidemark.proto.delta.SignatureGenerator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Applies replication instructions to DST. Every path goes through {@link Confinement} right
 * before its operation. Content is written to {@code .tidemark-tmp-*} in the target directory
 * (agents skip {@code .tidemark-} names), verified against the announced SHA-256, given its mode
 * and mtime, then renamed into place (rename(2) replaces a file or link atomically; a directory in
 * the way is removed first). Not thread-safe: one stream applies in journal order.
 */
public final class ReplicaWriter {
  public static final String TEMP_PREFIX = ".tidemark-tmp-";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Confinement confinement;
  private final FsyncPolicy fsync;
  private final Set<Path> unsynced = new LinkedHashSet<>();

  public ReplicaWriter(Path root, FsyncPolicy fsync) throws IOException {
    this.confinement = new Confinement(root);
    this.fsync = fsync;
  }

  public Path root() {
    return confinement.root();
  }

  /** What is at {@code p} now (lstat), or null. */
  public BasicFileAttributes stat(SafePath p) throws ConfinementException, IOException {
    try {
      return Confinement.lstat(confinement.resolve(p, false));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** The mode bits (07777) and mtime of what is at {@code p}; the caller checked it exists. */
  public long[] modeAndMtime(SafePath p) throws ConfinementException, IOException {
    Path target = confinement.resolve(p, false);
    int mode = (Integer) Files.getAttribute(target, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    FileTime t = Files.getLastModifiedTime(target, LinkOption.NOFOLLOW_LINKS);
    return new long[] {mode & 07777, t.to(TimeUnit.NANOSECONDS)};
  }

  public String readLink(SafePath p) throws ConfinementException, IOException {
    return Files.readSymbolicLink(confinement.resolve(p, false)).toString();
  }

  public void mkdir(SafePath p, int mode, long mtimeNs) throws ConfinementException, IOException {
    Path target = confinement.resolve(p, true);
    BasicFileAttributes a = Confinement.lstat(target);
    if (a != null && !a.isDirectory()) {
      removeTree(target);
      a = null;
    }
    if (a == null) {
      Files.createDirectory(target);
      touched(target.getParent());
    }
    setModeAndTime(target, mode, mtimeNs);
  }

  public void symlink(SafePath p, String linkTarget) throws ConfinementException, IOException {
    if (linkTarget.isEmpty() || linkTarget.indexOf('\0') >= 0 || linkTarget.length() > SafePath.MAX_BYTES) {
      throw new ConfinementException(p.path(), "symlink target is empty, too long or contains NUL");
    }
    Path target = confinement.resolve(p, true);
    Path temp = tempIn(target.getParent());
    Files.createSymbolicLink(temp, Path.of(linkTarget));
    install(p, temp);
  }

  /** Removes a file, link or whole tree; a missing path is fine. */
  public void delete(SafePath p) throws ConfinementException, IOException {
    Path target;
    try {
      target = confinement.resolve(p, false);
    } catch (NoSuchFileException gone) {
      return;
    }
    if (Confinement.lstat(target) != null) {
      removeTree(target);
      touched(target.getParent());
    }
  }

  /**
   * rename(2) of a file or tree. Returns false when {@code from} is not there (replayed or out of
   * step: the caller asks for {@code to}); an existing {@code to} is replaced.
   */
  public boolean rename(SafePath from, SafePath to) throws ConfinementException, IOException {
    if (from.contains(to)) {
      throw new ConfinementException(to.path(), "cannot rename '" + from + "' into itself");
    }
    Path source;
    try {
      source = confinement.resolve(from, false);
    } catch (NoSuchFileException gone) {
      return false;
    }
    BasicFileAttributes a = Confinement.lstat(source);
    if (a == null) {
      return false;
    }
    Path target = confinement.resolve(to, true);
    confinement.resolve(from, false); // re-check right before the rename
    BasicFileAttributes existing = Confinement.lstat(target);
    if (existing != null && (existing.isDirectory() || a.isDirectory())) {
      removeTree(target);
    }
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    touched(source.getParent());
    touched(target.getParent());
    return true;
  }

  public void attrib(SafePath p, int mode, long mtimeNs) throws ConfinementException, IOException {
    Path target = confinement.resolve(p, false);
    BasicFileAttributes a = Confinement.lstat(target);
    if (a != null && !a.isSymbolicLink()) {
      setModeAndTime(target, mode, mtimeNs);
    }
  }

  /** The block signature of the regular file at {@code p}, or null when there is none. */
  public BlockSignature signatureOf(SafePath p) throws ConfinementException, IOException {
    try (FileChannel in = openBasis(confinement.resolve(p, false))) {
      return in == null ? null : SignatureGenerator.of(in, BlockSignature.blockSizeFor(in.size()));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Starts receiving new content for {@code p}, as a delta against the file there now. */
  public IncomingFile beginFile(SafePath p) throws ConfinementException, IOException {
    Path target = confinement.resolve(p, true);
    return new IncomingFile(p, target);
  }

  /** Forces what BATCH deferred: every file and directory touched since the last call. */
  public void syncBatch() throws IOException {
    if (fsync != FsyncPolicy.BATCH) {
      unsynced.clear();
      return;
    }
    for (Path p : unsynced) {
      force(p);
    }
    unsynced.clear();
  }

  /**
   * Removes the temp files a replica that died mid-file left anywhere in DST (links are not
   * followed); returns how many.
   */
  public int removeTempFiles() throws IOException {
    int[] removed = {0};
    Files.walkFileTree(root(), new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        if (file.getFileName().toString().startsWith(TEMP_PREFIX) && Files.deleteIfExists(file)) {
          removed[0]++;
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException exc) {
        return FileVisitResult.CONTINUE; // unreadable: not ours to judge
      }
    });
    return removed[0];
  }

  /** Removes {@code p}: a file or link, or a directory with everything below (links not followed). */
  public static void removeTree(Path p) throws IOException {
    BasicFileAttributes a = Confinement.lstat(p);
    if (a == null) {
      return;
    }
    if (!a.isDirectory()) {
      Files.deleteIfExists(p);
      return;
    }
    Files.walkFileTree(p, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        try {
          Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException raced) {
          removeTree(dir);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private void install(SafePath p, Path temp) throws ConfinementException, IOException {
    try {
      Path target = confinement.resolve(p, true); // re-check right before the rename
      BasicFileAttributes existing = Confinement.lstat(target);
      if (existing != null && existing.isDirectory()) {
        removeTree(target);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      if (fsync == FsyncPolicy.ALWAYS) {
        force(target.getParent());
      } else {
        touched(target.getParent());
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private void touched(Path p) {
    if (fsync == FsyncPolicy.BATCH) {
      unsynced.add(p);
    }
  }

  private static void force(Path p) throws IOException {
    try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      c.force(true);
    } catch (NoSuchFileException gone) {
      // replaced or deleted since: nothing to force
    }
  }

  private static void setModeAndTime(Path p, int mode, long mtimeNs) throws IOException {
    Files.setAttribute(p, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
    if (mtimeNs != 0) {
      Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(FileTime.from(mtimeNs, TimeUnit.NANOSECONDS), null, null);
    }
  }

  private static Path tempIn(Path dir) {
    byte[] r = new byte[8];
    RANDOM.nextBytes(r);
    return dir.resolve(TEMP_PREFIX + HexFormat.of().formatHex(r));
  }

  private static FileChannel openBasis(Path p) throws IOException {
    BasicFileAttributes a = Confinement.lstat(p);
    if (a == null || !a.isRegularFile()) {
      return null;
    }
    try {
      return FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * One file being received: frames go through a {@link DeltaApplier} (basis: the file at the
   * path now, or empty) into a temp file next to the target. {@link #finish} verifies and installs.
   */
  public final class IncomingFile implements AutoCloseable {
    private final SafePath path;
    private final Path temp;
    private final FileChannel basisChannel;
    private final FileChannel out;
    private final DeltaApplier applier;
    private IOException failure;
    private boolean done;

    private IncomingFile(SafePath path, Path target) throws IOException {
      this.path = path;
      this.basisChannel = openBasis(target);
      this.temp = tempIn(target.getParent());
      this.out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      this.applier = new DeltaApplier(
          basisChannel == null ? DeltaBasis.empty() : DeltaBasis.of(basisChannel), out);
    }

    public SafePath path() {
      return path;
    }

    /** Applies one frame; a bad frame is remembered and reported by {@link #finish}. */
    public void accept(ByteBuffer frame) {
      if (failure != null) {
        return;
      }
      try {
        applier.accept(frame);
      } catch (IOException e) {
        failure = e;
      }
    }

    /**
     * Verifies size and SHA-256 and installs the file with {@code mode} and {@code mtimeNs}.
     *
     * @throws DeltaException when the content does not verify (wrong basis, corrupt delta): the
     *     target is untouched and the caller asks for the file again
     */
    public void finish(long size, byte[] sha256, int mode, long mtimeNs)
        throws IOException, ConfinementException {
      try {
        if (failure != null) {
          throw failure;
        }
        var summary = applier.finish();
        if (summary.newLength() != size || !Arrays.equals(summary.sha256(), sha256)) {
          throw new io.tidemark.proto.delta.DeltaMismatchException(
              "content of " + path + " does not match the announced size/SHA-256");
        }
        if (fsync == FsyncPolicy.ALWAYS) {
          out.force(true);
        }
        closeChannels();
        setModeAndTime(temp, mode, mtimeNs);
        if (fsync == FsyncPolicy.BATCH) {
          // forced at the checkpoint, by its final name
          unsynced.add(confinement.resolve(path, false));
        }
        install(path, temp);
        done = true;
      } finally {
        close();
      }
    }

    private void closeChannels() throws IOException {
      applier.close();
      out.close();
      if (basisChannel != null) {
        basisChannel.close();
      }
    }

    /** Discards the temp file unless the file was installed. */
    @Override
    public void close() throws IOException {
      closeChannels();
      if (!done) {
        Files.deleteIfExists(temp);
      }
    }
  }
}
