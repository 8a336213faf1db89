/**
 * The inotify engine, Tidemark's fallback when fanotify needs privileges it lacks: one watch per
 * directory kept in a {@link io.tidemark.agent.engine.inotify.WatchTree} (wd → parent + name, so a
 * directory rename is one re-link), watch-then-list for directories that appear already filled,
 * MOVED_FROM/MOVED_TO paired by cookie with a short timeout, and limit errors that name the sysctl.
 */
package io.tidemark.agent.engine.inotify;
