/**
 * The agent's front doors: the gRPC JournalService and the git fsmonitor endpoint. They validate
 * input, delegate to {@link io.tidemark.agent.service.JournalQueries} and map failures to gRPC
 * {@code Status} codes or HTTP answers; no journal logic lives here.
 *
 * <p>{@link io.tidemark.agent.service.AgentServer} binds the Netty server (loopback unless a token
 * is set, TLS when asked); {@link io.tidemark.agent.service.JournalFrontDoor} builds the
 * package-private {@code JournalGrpcService}, whose {@code Subscribe} streams ({@code
 * Subscription}) read the journal page by page only while the transport is ready, so the journal
 * is the only buffer. {@link io.tidemark.agent.service.TokenAuthInterceptor} and {@link
 * io.tidemark.agent.service.BearerToken} are the two sides of bearer-token auth.
 */
package io.tidemark.agent.service;
