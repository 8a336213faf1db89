package io.tidemark.agent.journal;

/** One path a {@link TreeCrawl} saw (root-relative, '/'-separated) and its {@code lstat}. */
record CrawlEntry(String path, FileStat stat) {}
