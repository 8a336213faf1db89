/** Ignore rules: which paths never reach the journal ({@code .tidemarkignore}, {@code --ignore}). */
package io.tidemark.agent.ignore;
