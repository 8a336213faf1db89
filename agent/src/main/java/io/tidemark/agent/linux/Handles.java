package io.tidemark.agent.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * name_to_handle_at(2) / open_by_handle_at(2). A {@code struct file_handle} is {@code {u32
 * handle_bytes; i32 handle_type; u8 f_handle[handle_bytes]}}; MAX_HANDLE_SZ is 128.
 */
public interface Handles extends Library {
  Handles INSTANCE = Native.load("c", Handles.class);

  int MAX_HANDLE_SZ = 128;
  /** Header of struct file_handle: handle_bytes + handle_type. */
  int FILE_HANDLE_HEADER = 8;

  int name_to_handle_at(int dirfd, String path, Pointer handle, Pointer mountId, int flags)
      throws LastErrorException;

  int open_by_handle_at(int mountFd, Pointer handle, int flags) throws LastErrorException;
}
