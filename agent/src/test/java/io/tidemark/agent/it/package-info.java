/**
 * Integration tests of issue 3 against the real agent: {@code tidemark agent} as a child JVM (real
 * SIGTERM, SIGKILL and SIGSTOP), real files, the real kernel engines, real gRPC over loopback.
 * {@link io.tidemark.agent.it.AgentProcess} runs one agent, {@link
 * io.tidemark.agent.it.JournalClient} asks it, {@link io.tidemark.agent.it.TreeSnapshot} and
 * {@link io.tidemark.agent.it.RandomTreeOps} give the model test its reference.
 */
package io.tidemark.agent.it;
