package io.tidemark.agent.service;

/** A snapshot for {@code Status} and {@code tidemark status}. */
public record AgentStatus(
    String root,
    String engine,
    long epoch,
    long highSeq,
    String cursor,
    long journalEntries,
    long indexEntries,
    String state,
    String stateDir) {}
