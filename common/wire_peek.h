/* wire_peek: what a relay needs of an Envelope, read in place.
 *
 * The broker relays most messages unchanged but for the sender stamp. A
 * full vs_wire_decode() + vs_wire_encode() for that costs an allocation
 * per string and a second copy of every byte; vs_wire_peek() walks the
 * raw frame once, checks it, and points into it for the few fields routing
 * needs. vs_wire_peek_restamp() then writes the frame out again with the
 * sender field appended, a copy of bytes without any decoding.
 *
 * Peek accepts only a canonical subset of what vs_wire_decode() accepts:
 * every field known to wire.proto with its declared wire type, no
 * singular field twice (no protobuf merges, one oneof body), no sender at
 * all (senders never set it: the broker does), and the same limits and
 * text rules as vs_wire_decode (shared through wire.h). A frame peek
 * refuses is not necessarily bad: the caller decodes it the normal way,
 * which gives the verdict and the error message. So a relay using peek
 * behaves exactly as one using decode, only faster on the common path.
 *
 * Sans-IO, no allocation.
 */
#ifndef VS_WIRE_PEEK_H
#define VS_WIRE_PEEK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* Bytes inside the peeked frame (borrowed; not NUL-terminated). */
typedef struct vs_wire_span {
    const uint8_t *p;
    size_t len;
} vs_wire_span_t;

typedef struct vs_wire_peek {
    Vpcsim__Wire__Envelope__BodyCase body;   /* always set and known */
    uint64_t msg_id;
    bool has_to;
    vs_wire_span_t to_vpc_arn, to_account, to_region, to_client_route;
    vs_wire_span_t rq_account;               /* api_request.account */
} vs_wire_peek_t;

/* 0 with *out filled when buf is in the canonical subset (see above);
 * -1 otherwise (decode it to find out). */
int vs_wire_peek(const uint8_t *buf, size_t len, vs_wire_peek_t *out);

/* Packed size of the sender field (tag, length, Party) for party; 0 if
 * the frame would outgrow VS_WIRE_MAX_FRAME with frame_len bytes before. */
size_t vs_wire_peek_stamp_size(const Vpcsim__Wire__Party *party, size_t frame_len);
/* Writes frame (frame_len bytes, peeked) followed by the sender field to
 * out, which holds frame_len + stamp_size bytes (stamp_size from
 * vs_wire_peek_stamp_size). Decoding out gives the tree of frame with
 * sender = party. */
void vs_wire_peek_restamp(const uint8_t *frame, size_t frame_len,
                          const Vpcsim__Wire__Party *party, size_t stamp_size, uint8_t *out);

#endif
