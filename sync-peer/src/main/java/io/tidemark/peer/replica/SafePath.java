package io.tidemark.peer.replica;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A path from the wire that is safe to join to DST: relative, '/'-separated, normalised (no
 * empty, {@code .} or {@code ..} component, so nothing absolute and no way up), no NUL, at most
 * {@value #MAX_BYTES} bytes with components of at most {@value #MAX_COMPONENT_BYTES} bytes
 * (Linux PATH_MAX and NAME_MAX). Syntax only: {@link Confinement} checks the disk.
 */
public record SafePath(String path, List<String> components) {
  public static final int MAX_BYTES = 4096;
  public static final int MAX_COMPONENT_BYTES = 255;

  public SafePath {
    components = List.copyOf(components);
  }

  /** @throws ConfinementException naming what is wrong */
  public static SafePath parse(String wire) throws ConfinementException {
    if (wire == null || wire.isEmpty()) {
      throw new ConfinementException("", "empty path");
    }
    if (wire.indexOf('\0') >= 0) {
      throw new ConfinementException(wire, "contains a NUL byte");
    }
    if (wire.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new ConfinementException(wire, "longer than " + MAX_BYTES + " bytes");
    }
    if (wire.startsWith("/")) {
      throw new ConfinementException(wire, "absolute path");
    }
    String[] parts = wire.split("/", -1);
    for (String part : parts) {
      if (part.isEmpty()) {
        throw new ConfinementException(wire, "empty component (// or a trailing /)");
      }
      if (part.equals(".") || part.equals("..")) {
        throw new ConfinementException(wire, "'" + part + "' component: paths must be normalised");
      }
      if (part.getBytes(StandardCharsets.UTF_8).length > MAX_COMPONENT_BYTES) {
        throw new ConfinementException(wire, "a component is longer than " + MAX_COMPONENT_BYTES + " bytes");
      }
    }
    return new SafePath(wire, List.of(parts));
  }

  public String name() {
    return components.getLast();
  }

  /** True when {@code other} is this path or below it. */
  public boolean contains(SafePath other) {
    return other.path.equals(path) || other.path.startsWith(path + "/");
  }

  @Override
  public String toString() {
    return path;
  }
}
