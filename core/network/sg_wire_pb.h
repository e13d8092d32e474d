/* sg_wire_pb: the protobuf-c codec of the SgDir snapshot (proto/peer.proto
 * SgDirMessage), kept as the reference the hand-written codec in sg_wire.c
 * must match: the same bytes out, the same bytes accepted and refused, the
 * same values decoded (tests/check_sg_wire_codec.c). Each function does
 * what the sg_wire.h function of the same name without "_pb" does.
 * The tests only. */
#ifndef VS_SG_WIRE_PB_H
#define VS_SG_WIRE_PB_H

#include "sg_wire.h"

long vs_sgdir_wire_pb_encode(const vs_sgdir_msg_t *msg, uint8_t *buf, size_t cap);
int vs_sgdir_wire_pb_decode(const uint8_t *payload, size_t len, vs_sgdir_msg_t *out);

#endif
