package io.tidemark.agent.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * What resolving file handles needs: name_to_handle_at(2) / open_by_handle_at(2), plus open,
 * readlink (of {@code /proc/self/fd/N}) and statfs (for the fsid fanotify reports). A {@code
 * struct file_handle} is {@code {u32 handle_bytes; i32 handle_type; u8 f_handle[handle_bytes]}};
 * MAX_HANDLE_SZ is 128. Linux LP64 only ({@code ssize_t}/{@code size_t} are Java {@code long}).
 */
public interface Handles extends Library {
  Handles INSTANCE = Native.load("c", Handles.class);

  int MAX_HANDLE_SZ = 128;
  /** Header of struct file_handle: handle_bytes + handle_type. */
  int FILE_HANDLE_HEADER = 8;

  int O_RDONLY = 0;
  int O_LARGEFILE = 0x8000;
  int O_DIRECTORY = 0x10000;
  int O_CLOEXEC = 0x80000;
  int O_PATH = 0x200000;
  int AT_FDCWD = -100;

  /** {@code struct statfs} on x86_64/aarch64 glibc: 120 bytes, {@code f_fsid} at offset 56. */
  int STATFS_SIZE = 120;
  int STATFS_FSID_OFFSET = 56;

  int name_to_handle_at(int dirfd, String path, Pointer handle, Pointer mountId, int flags)
      throws LastErrorException;

  int open_by_handle_at(int mountFd, Pointer handle, int flags) throws LastErrorException;

  int open(String path, int flags) throws LastErrorException;

  long readlink(String path, byte[] buf, long size) throws LastErrorException;

  int statfs(String path, Pointer buf) throws LastErrorException;

  int fstatfs(int fd, Pointer buf) throws LastErrorException;
}
