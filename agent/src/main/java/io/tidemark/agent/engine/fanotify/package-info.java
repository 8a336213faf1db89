/**
 * The fanotify engine: a filesystem mark on every mount the root spans, events reported with
 * directory handle + name (FAN_REPORT_DFID_NAME) and resolved to root-relative paths through a
 * handle→path cache that follows directory renames; records from outside the root or from
 * Tidemark's own pid are dropped in userspace. Needs CAP_SYS_ADMIN and Linux 5.17+ (FAN_RENAME).
 */
package io.tidemark.agent.engine.fanotify;
