package io.tidemark.agent.linux;

import java.io.IOException;

/** A syscall failed; carries the errno so callers can map it to a message that says the fix. */
public final class ErrnoException extends IOException {
  private static final long serialVersionUID = 1L;

  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int EEXIST = 17;
  public static final int ENOTDIR = 20;
  public static final int EINVAL = 22;
  public static final int EMFILE = 24;
  public static final int ENOSPC = 28;
  public static final int ENFILE = 23;
  public static final int ENOMEM = 12;
  public static final int ELOOP = 40;

  private final int errno;

  public ErrnoException(String call, int errno) {
    super(call + " failed: errno " + errno);
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }
}
