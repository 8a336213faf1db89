/**
 * The agent's front doors: the gRPC JournalService and the git fsmonitor endpoint. They validate
 * input, delegate to {@link io.tidemark.agent.service.JournalQueries} and map failures to gRPC
 * {@code Status} codes or HTTP answers; no journal logic lives here.
 */
package io.tidemark.agent.service;
