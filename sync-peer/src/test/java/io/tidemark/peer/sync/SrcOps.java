package io.tidemark.peer.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What a test does to SRC, path by path (root-relative). {@link #onDisk} only changes the files
 * (a real agent journals them); the in-process rig also journals each operation itself.
 */
public interface SrcOps {
  Path src();

  void write(String path, byte[] content) throws IOException;

  void mkdir(String path) throws IOException;

  void rename(String from, String to) throws IOException;

  /** Removes a file, link or whole tree. */
  void delete(String path) throws IOException;

  void symlink(String path, String target) throws IOException;

  void chmod(String path, int mode) throws IOException;

  /** Plain file-system operations on {@code root}. */
  static SrcOps onDisk(Path root) {
    return new SrcOps() {
      @Override
      public Path src() {
        return root;
      }

      @Override
      public void write(String path, byte[] content) throws IOException {
        Files.write(root.resolve(path), content);
      }

      @Override
      public void mkdir(String path) throws IOException {
        Files.createDirectory(root.resolve(path));
      }

      @Override
      public void rename(String from, String to) throws IOException {
        Files.move(root.resolve(from), root.resolve(to), StandardCopyOption.ATOMIC_MOVE);
      }

      @Override
      public void delete(String path) throws IOException {
        io.tidemark.peer.replica.ReplicaWriter.removeTree(root.resolve(path));
      }

      @Override
      public void symlink(String path, String target) throws IOException {
        Files.createSymbolicLink(root.resolve(path), Path.of(target));
      }

      @Override
      public void chmod(String path, int mode) throws IOException {
        Files.setAttribute(root.resolve(path), "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
      }
    };
  }
}
