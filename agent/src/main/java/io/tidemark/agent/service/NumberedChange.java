package io.tidemark.agent.service;

import io.tidemark.agent.journal.Change;

/** A journalled change with its sequence number. */
public record NumberedChange(long seq, Change change) {}
