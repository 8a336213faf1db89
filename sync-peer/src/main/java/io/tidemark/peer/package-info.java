/** Placeholder until this module's issue lands; see the module README. */
package io.tidemark.peer;
