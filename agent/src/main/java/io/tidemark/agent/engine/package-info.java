/**
 * Kernel watch engines: one {@link io.tidemark.agent.engine.WatchEngine} interface, a fanotify
 * implementation (filesystem marks, needs CAP_SYS_ADMIN) and an inotify fallback (a watch per
 * directory), both reporting the same {@link io.tidemark.agent.engine.FsEvent} model with
 * root-relative paths, renames paired, overflow explicit and Tidemark's own activity dropped.
 */
package io.tidemark.agent.engine;
