package io.tidemark.agent.engine;

import java.util.Objects;

/**
 * One thing the kernel told us happened under the watch root. Both engines speak this model.
 *
 * <p>Paths are relative to the root, '/'-separated, never empty except for {@link Kind#OVERFLOW}.
 * Where the kernel merged several kinds into one record, the engine emits one event per kind.
 *
 * <ul>
 *   <li>{@code RENAME}: {@code from} is the old path, {@code path} the new one. A tree moved
 *       <em>out</em> of the root is a rename with {@code path == null}.
 *   <li>A tree moved <em>in</em> from outside is a {@code CREATE} of its top followed by a
 *       {@code CREATE} for every entry inside it, so consumers never have to crawl it themselves.
 *   <li>{@code pid} is the process that caused the event, or 0 when the engine cannot know.
 * </ul>
 */
public record FsEvent(Kind kind, String path, String from, boolean dir, int pid) {

  public enum Kind {
    CREATE,
    MODIFY,
    CLOSE_WRITE,
    DELETE,
    RENAME,
    ATTRIB,
    /** The kernel queue overflowed: some events were lost, the consumer must reconcile. */
    OVERFLOW;

    private final String wireName = name().toLowerCase(java.util.Locale.ROOT);

    /** The lower-case name used on the CLI and in JSON ({@code close_write}, ...). */
    public String wireName() {
      return wireName;
    }
  }

  public FsEvent {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.RENAME) {
      if (path == null && from == null) {
        throw new IllegalArgumentException("a rename needs a path or a from");
      }
    } else if (kind != Kind.OVERFLOW && path == null) {
      throw new IllegalArgumentException(kind + " needs a path");
    }
  }

  public static FsEvent of(Kind kind, String path, boolean dir, int pid) {
    return new FsEvent(kind, path, null, dir, pid);
  }

  public static FsEvent rename(String from, String to, boolean dir, int pid) {
    return new FsEvent(Kind.RENAME, to, from, dir, pid);
  }

  public static FsEvent overflow() {
    return new FsEvent(Kind.OVERFLOW, null, null, false, 0);
  }
}
