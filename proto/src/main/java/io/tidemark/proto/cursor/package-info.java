/**
 * Cursor tokens: the opaque, printable {@code tm1:...} strings that name a point in one agent's
 * change journal (journal epoch + sequence number). Agent, CLI and every client parse them with
 * the same {@link io.tidemark.proto.cursor.Cursor} codec so a typo is reported, never guessed at.
 */
package io.tidemark.proto.cursor;
