/**
 * The rsync-style delta codec used by both ends of replication: a {@link
 * io.tidemark.proto.delta.BlockSignature} describes a basis file block by block (rolling weak
 * checksum + xxh3-128 strong hash), the {@link io.tidemark.proto.delta.DeltaEncoder} streams new
 * content against it into bounded frames of COPY / LITERAL instructions ending with the
 * whole-file SHA-256, and the {@link io.tidemark.proto.delta.DeltaApplier} rebuilds the new
 * content from a random-access basis, rejecting corrupt or hostile input with typed exceptions.
 * The wire format is documented byte by byte in {@link io.tidemark.proto.delta.DeltaFormat}.
 */
package io.tidemark.proto.delta;
