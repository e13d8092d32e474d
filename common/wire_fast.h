/* wire_fast: a hand-written Envelope codec for the envelopes every
 * handshake sends (msg_id, sender, to, sim_time_ms, cause_id, acks, and the
 * bodies ApiRequest, ApiReply, PeerMessage and Ack, or none), so that they
 * skip protobuf-c's descriptor walks and wire.c's two validation passes.
 *
 * It is only ever a shortcut for wire.c's descriptor-driven path, never a
 * second opinion: the encoder writes exactly the bytes protobuf-c packs,
 * and the decoder builds exactly the tree wire.c's path builds (the same
 * protobuf-c structs, from the same allocator), and whatever it is not
 * sure of (another body, an unknown field, a field sent twice, a wrong
 * wire type, any limit broken) it leaves to that path, which then decides
 * and words the error. tests/check_wire_codec.c holds the two paths to
 * that on random, mutated and garbage envelopes.
 */
#ifndef VS_WIRE_FAST_H
#define VS_WIRE_FAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* Decodes buf into a tree from alloc (NULL: malloc), freed by protobuf-c's
 * free_unpacked with the same allocator, as wire.c's trees are. Returns
 * the tree, or NULL when the frame is not one this path is sure of; then
 * nothing it took is left allocated (from an arena, only its bump
 * position is not moved back: the caller does that). */
vs_env_t *vs_wire_fast_decode(ProtobufCAllocator *alloc, const uint8_t *buf, size_t len);

/* True if this path encodes env (else use protobuf-c): one of its bodies
 * or none, and no unknown fields kept from a decode (protobuf-c would pack
 * them). */
bool vs_wire_fast_covers(const vs_env_t *env);
/* Counts a covered env's encoding with w (overwritten), which keeps the
 * lengths of its sub-messages for vs_wire_fast_write; returns the size. */
size_t vs_wire_fast_count(const vs_env_t *env, vs_pb_w_t *w);
/* Writes the env that w counted, unchanged since, into out (room for the
 * size counted); returns the bytes written. */
size_t vs_wire_fast_write(const vs_env_t *env, vs_pb_w_t *w, uint8_t *out);

#endif
