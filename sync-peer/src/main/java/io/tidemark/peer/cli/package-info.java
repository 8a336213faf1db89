/** {@code tidemark peer}, {@code tidemark sync} and {@code tidemark flush}: the replication CLI. */
package io.tidemark.peer.cli;
