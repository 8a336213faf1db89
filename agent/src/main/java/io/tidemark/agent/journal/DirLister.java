package io.tidemark.agent.journal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Lists one directory at a time for a {@link TreeCrawl}: each entry's name and {@code lstat},
 * never following a symlink. Subdirectories are opened through their parent ({@link
 * Dir#openChild}), so a native lister can use {@code openat} on the parent's fd: no path is
 * resolved twice and none is limited by {@code PATH_MAX}. A directory stays open while children
 * still have to be opened from it ({@link Dir#retain}/{@link Dir#release}).
 */
interface DirLister {

  /** Opens the crawl's root (following a symlink there, as the user named it). */
  Dir openRoot(Path root) throws IOException;

  /** The native lister when this platform has one, else the {@code java.nio} one. */
  static DirLister best() {
    return NativeDirLister.isAvailable() ? new NativeDirLister() : new JavaDirLister();
  }

  /** One open directory, reference-counted: it is closed when the last holder releases it. */
  interface Dir {

    /**
     * Calls {@code sink} for every entry except {@code .} and {@code ..}, in directory order.
     * An entry that vanishes before its stat is left out.
     *
     * @throws IOException when the directory cannot be read at all
     */
    void list(EntrySink sink) throws IOException;

    /**
     * Opens the subdirectory {@code ref} named in {@link EntrySink#entry}.
     *
     * @throws java.nio.file.NoSuchFileException if it is gone
     * @throws java.nio.file.NotDirectoryException if something else (a symlink, say) took its name
     * @throws IOException for anything else (permission denied, ...)
     */
    Dir openChild(Object ref) throws IOException;

    void retain();

    void release();
  }

  /** Hears the entries of one listing. */
  interface EntrySink {

    /**
     * @param name the entry's name, decoded as UTF-8 (invalid bytes become U+FFFD, as in the
     *     engines' events)
     * @param childRef non-null for a directory: what {@link Dir#openChild} needs to open it
     */
    void entry(String name, FileStat stat, Object childRef);

    /** The entry is there but its stat failed (not because it vanished). */
    void statFailed(String name, IOException cause);
  }
}
