/* peer_bundle: several peer messages to one agent in one payload
 * (proto/peer.proto PeerBundle). The model puts consecutive messages of
 * one input to the same agent together (vs_model__emit_peer_bundled), so
 * that they cost one outbox row, one relay, one dedup row and one ack
 * instead of one each; the receiving model applies the parts in order
 * (vs_model_on_peer). Pure code, no IO.
 *
 * The format is PeerBundle's protobuf encoding: `repeated bytes part = 4`,
 * so each part is 0x22, its length as a varint, then its bytes, and a
 * bundle starts with 0x22, a first byte no other payload starts with
 * (peer.proto). A part is never empty and never a bundle itself. After the
 * parts may come `repeated uint64 tag = 5` (packed: 0x2a, the length, the
 * varints), one per part: opaque to the model, the sending runtime's word
 * about each part (an agent's: the causality id of the input that made
 * it, so that the receiver files each part's effects under its own).
 */
#ifndef VS_PEER_BUNDLE_H
#define VS_PEER_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VS_BUNDLE_TAG 0x22u               /* field 4, length-delimited */
#define VS_BUNDLE_TAGS_TAG 0x2au          /* field 5, packed */
#define VS_BUNDLE_BUILD_BYTES (64u << 10) /* the model builds none larger */
#define VS_BUNDLE_MAX_BYTES (4u << 20)    /* a received one: the frame limit */
#define VS_BUNDLE_MAX_PARTS 1024u         /* parts, built or received */

/* Whether payload is a bundle (by its first byte; vs_bundle_check says
 * whether it is a well-formed one). */
bool vs_bundle_is(const uint8_t *payload, size_t len);

/* The bytes a part of n bytes takes in a bundle. */
size_t vs_bundle_part_size(size_t n);

/* Writes the part of n bytes (its tag, length and bytes) at out, which has
 * room for vs_bundle_part_size(n); returns the bytes written. */
size_t vs_bundle_put(uint8_t *out, const uint8_t *part, size_t n);

/* The bytes the tags take, and writes them at out (room for that many);
 * returns the bytes written. */
size_t vs_bundle_tags_size(const uint64_t *tags, size_t n);
size_t vs_bundle_put_tags(uint8_t *out, const uint64_t *tags, size_t n);

/* Whether payload is a well-formed bundle: at least one part, every part
 * framed as above, non-empty, not a bundle, within the limits above, and
 * no field but the parts and at most one list of tags, one per part (a
 * received bundle is checked whole before any part is applied). The
 * number of parts into *nparts if not NULL. */
bool vs_bundle_check(const uint8_t *payload, size_t len, size_t *nparts);

/* Iterates the parts of a checked bundle: *off starts at 0; 1 with the
 * next part in *part and *n, 0 at the end, -1 if the framing is broken. */
int vs_bundle_next(const uint8_t *payload, size_t len, size_t *off, const uint8_t **part,
                   size_t *n);

/* The tags of a checked bundle into tags[0..cap): how many (0 if it has
 * none, else its parts' count, or cap). Safe on any payload, whose answer
 * says only whether tags were found (then vs_bundle_each checks it). */
size_t vs_bundle_tags(const uint8_t *payload, size_t len, uint64_t *tags, size_t cap);

/* Calls cb for each part of payload, in order, with its tag (0 if the
 * bundle has none): the number of parts, or -1 (cb never called) if
 * payload is not a well-formed bundle. */
typedef void (*vs_bundle_part_cb)(void *ctx, const uint8_t *part, size_t n, uint64_t tag);
long vs_bundle_each(const uint8_t *payload, size_t len, vs_bundle_part_cb cb, void *ctx);

#endif
