/* pcx_wire_pb: the protobuf-c codec of pcx_wire.h's messages and stored
 * views (proto/peer.proto, proto/store.proto), kept as the reference the
 * hand-written codec in pcx_wire.c must match: the same bytes out, the same
 * bytes accepted and refused, the same values decoded. Each function does
 * what the pcx_wire.h function of the same name without "_pb" does.
 * pcx_wire.c and the tests only. */
#ifndef VS_PCX_WIRE_PB_H
#define VS_PCX_WIRE_PB_H

#include "pcx_wire.h"

long vs_pcx_wire_pb_encode(const vs_pcx_msg_t *msg, uint8_t *buf, size_t cap);
int vs_pcx_wire_pb_decode(const uint8_t *payload, size_t len, vs_pcx_msg_t *out, char *why,
                          size_t whylen);
long vs_pcx_wire_pb_encode_stored(const vs_pcx_t *rec, const vs_pcx_view_t *view, uint8_t *buf,
                                  size_t cap);
int vs_pcx_wire_pb_decode_stored(const uint8_t *body, size_t len, vs_pcx_t *rec,
                                 vs_pcx_view_t *view);

#endif
