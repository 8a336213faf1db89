package io.tidemark.agent.git;

/** {@code tidemark git-install} cannot proceed; the message says why and what to do. */
public final class GitInstallException extends Exception {
  private final boolean usage;

  GitInstallException(String message, boolean usage, Throwable cause) {
    super(message, cause);
    this.usage = usage;
  }

  /** True when the arguments are at fault (not a git work tree), false for a runtime failure. */
  public boolean usage() {
    return usage;
  }
}
