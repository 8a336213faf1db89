package io.tidemark.agent.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/** fanotify_init(2) and fanotify_mark(2), with the constants of {@code <linux/fanotify.h>}. */
public interface Fanotify extends Library {
  Fanotify INSTANCE = Native.load("c", Fanotify.class);

  // fanotify_init flags
  int FAN_CLOEXEC = 0x1;
  int FAN_NONBLOCK = 0x2;
  int FAN_CLASS_NOTIF = 0x0;
  int FAN_UNLIMITED_QUEUE = 0x10;
  int FAN_REPORT_FID = 0x200;
  int FAN_REPORT_DIR_FID = 0x400;
  int FAN_REPORT_NAME = 0x800;
  int FAN_REPORT_TARGET_FID = 0x1000;
  int FAN_REPORT_DFID_NAME = FAN_REPORT_DIR_FID | FAN_REPORT_NAME;

  // fanotify_mark flags
  int FAN_MARK_ADD = 0x1;
  int FAN_MARK_FILESYSTEM = 0x100;

  // event mask bits
  long FAN_MODIFY = 0x2;
  long FAN_ATTRIB = 0x4;
  long FAN_CLOSE_WRITE = 0x8;
  long FAN_MOVED_FROM = 0x40;
  long FAN_MOVED_TO = 0x80;
  long FAN_CREATE = 0x100;
  long FAN_DELETE = 0x200;
  long FAN_Q_OVERFLOW = 0x4000;
  long FAN_EVENT_ON_CHILD = 0x0800_0000L;
  long FAN_RENAME = 0x1000_0000L;
  long FAN_ONDIR = 0x4000_0000L;

  // struct fanotify_event_metadata (24 bytes) and info record types
  int FANOTIFY_METADATA_VERSION = 3;
  int FAN_EVENT_INFO_TYPE_FID = 1;
  int FAN_EVENT_INFO_TYPE_DFID_NAME = 2;
  int FAN_EVENT_INFO_TYPE_DFID = 3;
  int FAN_EVENT_INFO_TYPE_OLD_DFID_NAME = 10;
  int FAN_EVENT_INFO_TYPE_NEW_DFID_NAME = 12;

  // errno values fanotify_init/fanotify_mark answer with
  int EPERM = 1;
  int ENOENT = 2;
  int EXDEV = 18;
  int ENODEV = 19;
  int EINVAL = 22;
  int EMFILE = 24;
  int EOPNOTSUPP = 95;

  int fanotify_init(int flags, int eventFileFlags) throws LastErrorException;

  /** The 64-bit mask is one register on LP64, so {@code long} matches the C prototype. */
  int fanotify_mark(int fd, int flags, long mask, int dirfd, String pathname)
      throws LastErrorException;
}
