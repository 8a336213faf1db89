package io.tidemark.agent.journal;

/** One change as answered by {@link ChangeJournal#changesSince}: its sequence number and what. */
public record JournalEntry(long seq, Change change) {}
