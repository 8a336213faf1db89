package io.tidemark.agent.engine.fanotify;

import static io.tidemark.agent.linux.Fanotify.*;

import io.tidemark.agent.engine.FsEvent;
import io.tidemark.agent.engine.FsEvent.Kind;
import io.tidemark.agent.ignore.IgnoreRules;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Turns one buffer of fanotify records into {@link FsEvent}s under the root.
 *
 * <p>Layout (fanotify(7), {@code <linux/fanotify.h>}), all native-endian: each event is a 24-byte
 * {@code fanotify_event_metadata} {u32 event_len; u8 vers; u8 reserved; u16 metadata_len; u64
 * mask; s32 fd; s32 pid} followed by info records up to event_len. Each info record is a 4-byte
 * header {u8 info_type; u8 pad; u16 len}, an 8-byte fsid and a {@code struct file_handle} {u32
 * handle_bytes; s32 handle_type; u8 f_handle[handle_bytes]}; the *DFID_NAME types append a
 * NUL-terminated name. With our init flags the kernel sends: DFID_NAME (parent + name) plus FID
 * (the object itself) for entry and file events; DFID_NAME with the directory's own handle and
 * name "." for events on a directory itself; OLD_DFID_NAME + NEW_DFID_NAME + FID for FAN_RENAME;
 * FID alone for an ATTRIB that reached an inode without a name (a link count change).
 *
 * <p>Cache upkeep happens for every record, ours included, so that a rename made by Tidemark's
 * own process still moves the cached paths; only the emitting is skipped for {@code selfPid}.
 *
 * <p>A directory that arrives from outside is listed when its event is translated, which can be
 * well after the events queued behind it happened: the listing (and any path the kernel resolves
 * for us) can be ahead of the stream. A rename touching such a {@link Regions region} is reported
 * as a DELETE of its source and a CREATE + listing of its destination as it is now, so the
 * consumer's tree ends up right whatever the listing already contained.
 */
final class EventTranslator {
  /** The watch root itself was deleted or renamed: there is nothing left to watch. */
  static final class RootGone extends Exception {
    private static final long serialVersionUID = 1L;

    RootGone(String what) {
      super(what);
    }
  }

  private static final int METADATA_LEN = 24;

  private final DirectoryCache cache;
  private final TreeLister lister;
  private final Runnable reseed;
  private final Regions regions;
  private final long selfPid;
  private final String root;
  private final String rootParent;
  private final HandleKey probe = new HandleKey();
  private final HandleKey target = new HandleKey();

  // offsets of the info records of the event being translated; -1 when absent
  private int fidAt;
  private int dfidNameAt;
  private int oldAt;
  private int newAt;

  /** Read number: what is listed or resolved while translating read N belongs to window N. */
  private long window;

  EventTranslator(
      String root,
      DirectoryCache cache,
      Regions regions,
      TreeLister lister,
      Runnable reseed,
      long selfPid) {
    this.root = root;
    this.cache = cache;
    this.regions = regions;
    this.lister = lister;
    this.reseed = reseed;
    this.selfPid = selfPid;
    int slash = root.lastIndexOf('/');
    this.rootParent = root.equals("/") ? null : slash == 0 ? "/" : root.substring(0, slash);
  }

  /** A new read is about to be translated. */
  void beginRead() {
    window++;
    cache.setWindow(window);
  }

  /**
   * The current read is translated; {@code drained}: it emptied the kernel queue, so every event
   * queued before it started has now been translated, and what earlier windows listed or
   * resolved is no longer ahead of the stream.
   */
  void endRead(boolean drained) {
    if (drained) {
      regions.catchUp(window);
      cache.catchUp(window);
      if (regions.isEmpty() && !cache.hasAhead()) {
        regions.settled();
      }
    }
  }

  /** Translates the {@code length} bytes a read returned, appending to {@code out}. */
  void translate(byte[] buf, int length, List<FsEvent> out) throws RootGone {
    ByteBuffer bb = ByteBuffer.wrap(buf, 0, length).order(ByteOrder.nativeOrder());
    int p = 0;
    while (length - p >= METADATA_LEN) {
      int eventLen = bb.getInt(p);
      if (eventLen < METADATA_LEN || eventLen > length - p) {
        throw new IllegalStateException("malformed fanotify record of " + eventLen + " bytes");
      }
      if ((buf[p + 4] & 0xff) != FANOTIFY_METADATA_VERSION) {
        throw new IllegalStateException("fanotify metadata version " + buf[p + 4] + ", want 3");
      }
      int metadataLen = bb.getShort(p + 6) & 0xffff;
      long mask = bb.getLong(p + 8);
      int pid = bb.getInt(p + 20);
      scanInfo(bb, p + metadataLen, p + eventLen);
      translateOne(buf, bb, mask, pid, out);
      p += eventLen;
    }
  }

  private void scanInfo(ByteBuffer bb, int from, int end) {
    fidAt = dfidNameAt = oldAt = newAt = -1;
    for (int o = from; o + 4 <= end; ) {
      int len = bb.getShort(o + 2) & 0xffff;
      if (len < 4 || o + len > end) {
        break;
      }
      switch (bb.get(o) & 0xff) {
        case FAN_EVENT_INFO_TYPE_FID -> fidAt = o;
        case FAN_EVENT_INFO_TYPE_DFID_NAME -> dfidNameAt = o;
        case FAN_EVENT_INFO_TYPE_OLD_DFID_NAME -> oldAt = o;
        case FAN_EVENT_INFO_TYPE_NEW_DFID_NAME -> newAt = o;
        default -> {} // DFID, PIDFD, ERROR: not requested
      }
      o += len;
    }
  }

  private void translateOne(byte[] buf, ByteBuffer bb, long mask, int pid, List<FsEvent> out)
      throws RootGone {
    if ((mask & FAN_Q_OVERFLOW) != 0) {
      // Renames may have been lost with the events: learn every directory's path again from
      // the tree as it is (the consumer reconciles against it after an overflow anyway).
      cache.clear();
      regions.clear();
      reseed.run();
      out.add(FsEvent.overflow());
      return;
    }
    boolean dir = (mask & FAN_ONDIR) != 0;
    if ((mask & FAN_RENAME) != 0) {
      rename(buf, bb, dir, pid, out);
      return;
    }
    boolean entryChange = dir && (mask & (FAN_CREATE | FAN_DELETE)) != 0;
    String abs;
    long parentWindow = DirectoryCache.STREAM;
    if (dfidNameAt >= 0) {
      String parent = cache.lookup(key(probe, buf, bb, dfidNameAt));
      parentWindow = cache.window();
      if (parent == null) {
        return; // the directory is gone and was never seen: nothing to place under the root
      }
      if (!entryChange && cache.relative(parent) == null && !parent.equals(rootParent)) {
        return; // the common case of activity elsewhere on the filesystem: no string work
      }
      String name = name(buf, bb, dfidNameAt);
      abs = name.equals(".") ? parent : DirectoryCache.child(parent, name);
    } else {
      // No parent + name: an ATTRIB for a link count change, which reaches the inode without a
      // dentry. A file with several names cannot say which one changed, and asking the kernel
      // gives any of them, as they are now: no path is better than a wrong one. The link or
      // unlink itself is reported under its own name (CREATE/DELETE).
      return;
    }
    if (entryChange && fidAt >= 0) {
      key(target, buf, bb, fidAt);
      if ((mask & FAN_DELETE) != 0) {
        cache.evict(target);
        cache.evictTree(abs);
      } else {
        cache.put(target.copy(), abs, parentWindow);
      }
    }
    String rel = cache.relative(abs);
    if (rel == null || (pid == selfPid && !IgnoreRules.isCookie(rel))) {
      // our own writes are dropped, except the sync cookies we write precisely to hear them
      return;
    }
    if (rel.isEmpty()) {
      if ((mask & FAN_DELETE) != 0) {
        throw new RootGone("deleted");
      }
      return; // an ATTRIB on the root itself: the root is not a path under the root
    }
    if (parentWindow != DirectoryCache.STREAM) {
      if (!aheadStillTrue(mask, abs, dir)) {
        return;
      }
    } else if ((mask & FAN_CREATE) != 0 && regions.touch(abs)) {
      regions.reported(abs);
    }
    // one event per merged kind, in the order they must have happened
    emit(mask, FAN_CREATE, Kind.CREATE, rel, dir, pid, out);
    emit(mask, FAN_MODIFY, Kind.MODIFY, rel, dir, pid, out);
    emit(mask, FAN_ATTRIB, Kind.ATTRIB, rel, dir, pid, out);
    emit(mask, FAN_CLOSE_WRITE, Kind.CLOSE_WRITE, rel, dir, pid, out);
    emit(mask, FAN_DELETE, Kind.DELETE, rel, dir, pid, out);
  }

  /**
   * An event whose directory path is ahead of the stream: the path is where the directory is now,
   * not necessarily where it was when the event happened (it may even have been outside the
   * root then). Replaying the event there could name a path that never existed and leave it
   * behind in the consumer's tree, so it is reported only where it agrees with the tree now: a
   * create or change of something that is there, a delete of something gone that we reported.
   */
  private boolean aheadStillTrue(long mask, String abs, boolean dir) {
    if ((mask & FAN_DELETE) != 0) {
      return regions.wasReported(abs) && !exists(abs, dir);
    }
    if (!exists(abs, dir)) {
      return false;
    }
    if ((mask & FAN_CREATE) != 0) {
      regions.reported(abs);
    }
    return true;
  }

  private static boolean exists(String abs, boolean dir) {
    try {
      BasicFileAttributes a =
          Files.readAttributes(Path.of(abs), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isDirectory() == dir;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static void emit(
      long mask, long bit, Kind kind, String rel, boolean dir, int pid, List<FsEvent> out) {
    if ((mask & bit) != 0) {
      out.add(FsEvent.of(kind, rel, dir, pid));
    }
  }

  private void rename(byte[] buf, ByteBuffer bb, boolean dir, int pid, List<FsEvent> out)
      throws RootGone {
    if (oldAt < 0 || newAt < 0) {
      return;
    }
    String oldParent = cache.lookup(key(probe, buf, bb, oldAt));
    long oldWindow = cache.window();
    String oldAbs = oldParent == null ? null : DirectoryCache.child(oldParent, name(buf, bb, oldAt));
    String newParent = cache.lookup(key(probe, buf, bb, newAt));
    long newWindow = cache.window();
    String newAbs = newParent == null ? null : DirectoryCache.child(newParent, name(buf, bb, newAt));
    String oldRel = oldAbs == null ? null : cache.relative(oldAbs);
    String newRel = newAbs == null ? null : cache.relative(newAbs);
    // before the cache moves anything: the source and destination as this event saw them
    boolean ahead = oldRel != null && newRel != null && (regions.touch(oldAbs) || regions.touch(newAbs));
    HandleKey moved = fidAt >= 0 ? key(target, buf, bb, fidAt).copy() : null;
    if (dir) {
      if (oldAbs != null && newAbs != null && (oldRel != null || newRel == null)) {
        cache.renameTree(oldAbs, newAbs, newWindow);
      } else if (oldAbs != null && newAbs != null) {
        // Moved in from outside: what we cached out there are paths the kernel gave us at
        // various moments, not necessarily in step with this rename; the listing below learns
        // the tree that arrived, and events in it resolve afresh.
        cache.forgetOutside();
      } else if (oldAbs != null) {
        cache.evictTree(oldAbs);
      }
      if (moved != null) {
        if (newAbs != null) {
          cache.put(moved, newAbs, newWindow);
        } else {
          cache.evict(moved);
        }
      }
    }
    if (root.equals(oldAbs)) {
      throw new RootGone("renamed to " + newAbs);
    }
    if (pid == selfPid) {
      return;
    }
    // A source under an ahead directory path is one the consumer knows only if we reported it.
    boolean oldKnown =
        oldRel != null && (oldWindow == DirectoryCache.STREAM || regions.wasReported(oldAbs));
    if (oldRel != null && !ahead) {
      if (oldKnown) {
        out.add(FsEvent.rename(oldRel, newRel, dir, pid)); // newRel null: moved out of the root
      }
      return;
    }
    // Moved in, or a rename touching a tree listed ahead of the stream: the source may be known
    // to the consumer only from a listing that already showed the result of this rename (or not
    // at all), and a rename from an unknown source loses what it carried. Report the outcome:
    // the source is gone, the destination is there with everything it holds now.
    if (oldKnown) {
      out.add(FsEvent.of(Kind.DELETE, oldRel, dir, pid));
    }
    if (newRel == null) {
      return;
    }
    if (newWindow != DirectoryCache.STREAM
        && !(dir ? lister.isAt(moved, newAbs) : exists(newAbs, false))) {
      return; // an ahead path it no longer has: the event that moved it on follows
    }
    regions.reported(newAbs);
    out.add(FsEvent.of(Kind.CREATE, newRel, dir, pid));
    if (dir) {
      regions.add(newAbs, window);
      lister.listInto(moved, newAbs, newRel, pid, window, out);
    }
  }

  /** Loads the fsid + file_handle of the info record at {@code o} into {@code into}. */
  private static HandleKey key(HandleKey into, byte[] buf, ByteBuffer bb, int o) {
    int handleBytes = bb.getInt(o + 12);
    return into.set(buf, o + 4, 16 + handleBytes);
  }

  /** The NUL-terminated name after the handle of a *DFID_NAME record. */
  private static String name(byte[] buf, ByteBuffer bb, int o) {
    int from = o + 20 + bb.getInt(o + 12);
    int limit = o + (bb.getShort(o + 2) & 0xffff);
    int end = from;
    boolean ascii = true;
    while (end < limit && buf[end] != 0) {
      ascii &= buf[end] >= 0;
      end++;
    }
    // Latin-1 is an exact, faster decode for pure ASCII names (the usual case)
    return new String(
        buf, from, end - from, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
  }
}
