package io.tidemark.agent.engine.fanotify;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.tidemark.agent.linux.Handles;
import io.tidemark.agent.linux.LibC;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns file handles into paths ({@code open_by_handle_at(mount_fd, handle, O_PATH)} + readlink of
 * {@code /proc/self/fd/N}) and paths into handles ({@code name_to_handle_at} + {@code statfs} for
 * the fsid), on the filesystems being watched. open_by_handle_at needs an fd on the right
 * filesystem, so we keep one per fsid. Not thread-safe: the reader thread owns it after start.
 */
final class HandleResolver implements DirectoryCache.Resolver, AutoCloseable {
  private static final String DELETED = " (deleted)";

  private final Map<Long, Integer> mountFds = new HashMap<>();
  private final Memory handle = new Memory(Handles.FILE_HANDLE_HEADER + Handles.MAX_HANDLE_SZ);
  private final Memory statfs = new Memory(Handles.STATFS_SIZE);
  private final Memory mountId = new Memory(4);
  private final byte[] keyBytes = new byte[HandleKey.MAX_LENGTH];
  private final byte[] link = new byte[4097];

  /** Opens {@code directory} as the handle-opening fd for its filesystem (once per fsid). */
  void addFilesystem(String directory) {
    int fd = Handles.INSTANCE.open(directory, Handles.O_RDONLY | Handles.O_DIRECTORY | Handles.O_CLOEXEC);
    Handles.INSTANCE.fstatfs(fd, statfs);
    long fsid = statfs.getLong(Handles.STATFS_FSID_OFFSET);
    if (mountFds.putIfAbsent(fsid, fd) != null) {
      LibC.closeQuietly(fd);
    }
  }

  /** Where the object {@code key} names is now, or null when it is gone or on no known fs. */
  @Override
  public String resolve(HandleKey key) {
    Integer mountFd = mountFds.get(key.fsid());
    if (mountFd == null) {
      return null;
    }
    byte[] fh = key.fileHandle();
    handle.write(0, fh, 0, fh.length);
    int fd;
    try {
      fd = Handles.INSTANCE.open_by_handle_at(mountFd, handle, Handles.O_PATH | Handles.O_CLOEXEC);
    } catch (LastErrorException e) {
      return null; // ESTALE: deleted (and evicted) before we got to it
    }
    try {
      long n = Handles.INSTANCE.readlink("/proc/self/fd/" + fd, link, link.length);
      String path = new String(link, 0, (int) n, StandardCharsets.UTF_8);
      // A deleted-but-cached dentry still opens; its path is not one a consumer can use.
      return path.endsWith(DELETED) || !path.startsWith("/") ? null : path;
    } catch (LastErrorException e) {
      return null;
    } finally {
      LibC.closeQuietly(fd);
    }
  }

  /**
   * The key of the object at {@code path} (symlinks not followed), as fanotify would report it;
   * null when the path vanished or the filesystem cannot encode handles.
   */
  HandleKey encode(String path) {
    handle.setInt(0, Handles.MAX_HANDLE_SZ);
    try {
      Handles.INSTANCE.name_to_handle_at(Handles.AT_FDCWD, path, handle, mountId, 0);
      Handles.INSTANCE.statfs(path, statfs);
    } catch (LastErrorException e) {
      return null;
    }
    int handleLength = Handles.FILE_HANDLE_HEADER + handle.getInt(0);
    statfs.read(Handles.STATFS_FSID_OFFSET, keyBytes, 0, 8);
    handle.read(0, keyBytes, 8, handleLength);
    return new HandleKey().set(keyBytes, 0, 8 + handleLength).copy();
  }

  @Override
  public void close() {
    for (int fd : mountFds.values()) {
      LibC.closeQuietly(fd);
    }
    mountFds.clear();
  }
}
