/* pcx_wire: the peering messages between agents as typed values
 * (vs_pcx_msg_t) and their encoding, proto/peer.proto's PcxMessage.
 * pcx_msg.c builds and sends them, pcx_proto.c receives them;
 * pcx_msgjson.h is their older JSON form (still accepted, and the form
 * traces print).
 *
 * The codec is hand-written (pcx_wire.c, on base/pb.h) and matches
 * protobuf-c byte for byte; the protobuf-c one, pcx_wire_pb.c, is kept as
 * its reference (and decodes the rare input protobuf-c merges). Those are
 * the core files that link generated code: protobuf-c is a pure codec (no
 * IO), so the core stays sans-IO; the generated peer.pb-c.c is a library
 * of its own (vspeerpb, see CMakeLists.txt and docs/HACKING.md). Nothing
 * outside them sees a protobuf-c type.
 */
#ifndef VS_PCX_WIRE_H
#define VS_PCX_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcx.h"
#include "pcx_fsm.h"

/* The message kinds; the values are those of peer.proto's PcxMsgType. */
typedef enum {
    VS_PCX_MSG_UNKNOWN = 0,
    VS_PCX_MSG_REQUEST = 1,
    VS_PCX_MSG_VALIDATED = 2,
    VS_PCX_MSG_STATE = 3,
    VS_PCX_MSG_OP = 4,
    VS_PCX_MSG_OP_RESULT = 5,
    VS_PCX_MSG_CIDRS = 6,
    VS_PCX_MSG_GONE = 7,
} vs_pcx_msg_type_t;

#define VS_PCX_MSG_CODE_LEN 96
#define VS_PCX_MSG_TEXT_LEN 512

/* One message, a plain value (about 10 KiB: pass by pointer). Which fields
 * a kind uses is in pcx_proto.c's table. A decoder fills only fields that
 * passed their checks: a record that fails vs_pcx_validate() or a CIDR
 * list with a bad or duplicate block is absent (has_* false), as if not
 * sent; the receiver decides what that means. */
typedef struct {
    vs_pcx_msg_type_t type;
    char id[VS_ID_LEN];             /* "" if absent or too long */
    bool has_rec;
    vs_pcx_t rec;                   /* Request, State, OpResult */
    bool ok;                        /* Validated, OpResult */
    bool has_cidrs;                 /* the accepter VPC's CIDRs: only the */
    vs_pcx_vpc_t cidrs;             /* n_ipv4/ipv4/n_ipv6/ipv6 of this are used */
    uint64_t cidrs_seq;             /* 0 = not numbered */
    uint64_t op_id;
    bool has_action;                /* Op, OpResult: one of the 5 user actions */
    vs_pcx_action_t action;
    bool has_req_opts, has_acc_opts;
    vs_pcx_options_t req_opts, acc_opts;
    bool has_code;                  /* OpResult refused */
    char code[VS_PCX_MSG_CODE_LEN];
    char message[VS_PCX_MSG_TEXT_LEN];
} vs_pcx_msg_t;

/* Clears msg and sets its type and id (id may be NULL; truncated never:
 * an id that does not fit leaves "" ). */
void vs_pcx_msg_init(vs_pcx_msg_t *msg, vs_pcx_msg_type_t type, const char *id);

/* "Request", "Validated", ...; "?" for UNKNOWN or out of range. parse is the
 * inverse (0, or -1 for an unknown name). */
const char *vs_pcx_msg_type_name(vs_pcx_msg_type_t t);
int vs_pcx_msg_type_parse(const char *name, vs_pcx_msg_type_t *out);

/* "Accept", "Reject", "Delete", "ModifyRequester", "ModifyAccepter" for
 * the user actions an Op carries, "?" otherwise; parse is the inverse. */
const char *vs_pcx_msg_action_name(vs_pcx_action_t a);
int vs_pcx_msg_action_parse(const char *name, vs_pcx_action_t *out);

/* Does payload look like an encoded PcxMessage rather than a JSON document
 * (first byte 0x08, see peer.proto)? */
bool vs_pcx_wire_is_typed(const uint8_t *payload, size_t len);

/* The kind and pcx id of an encoded message without decoding it (for the
 * event log, which files every message sent and received): scans the
 * top-level fields only. 0, or -1 if the bytes are not a typed message
 * with a known type; id is "" when absent or longer than idlen - 1. */
int vs_pcx_wire_peek(const uint8_t *payload, size_t len, vs_pcx_msg_type_t *type, char *id,
                     size_t idlen);

/* Encodes msg. Returns the encoded length, written to buf when it fits in
 * cap (buf may be NULL to ask for the size), or -1 if msg cannot be
 * encoded (type UNKNOWN). */
long vs_pcx_wire_encode(const vs_pcx_msg_t *msg, uint8_t *buf, size_t cap);

/* Decodes an encoded PcxMessage into *out. 0, or -1 with a reason if the
 * bytes are not one (not protobuf, unknown type, over
 * VS_PCX_WIRE_MAX_LEN; *out is then unspecified). Field checks as said at
 * vs_pcx_msg_t. */
#define VS_PCX_WIRE_MAX_LEN (64u << 10)
int vs_pcx_wire_decode(const uint8_t *payload, size_t len, vs_pcx_msg_t *out, char *why,
                       size_t whylen);

/* --- the stored form of a pcx view (proto/store.proto StoredPcx) -------------
 * The record is peer.proto's PcxRecord, as the messages carry it; the
 * view's own fields (pcx_model.h vs_pcx_obj_t) come with it. */
typedef struct {
    vs_pcx_side_t side;             /* never NONE */
    bool hidden;
    bool accept_inflight;
    uint64_t request_msg_id;
    uint64_t cidrs_seq;
} vs_pcx_view_t;

/* Encodes rec and view as a StoredPcx: the length, written to buf when it
 * fits in cap (buf may be NULL to ask for the size), or -1 (side NONE). */
long vs_pcx_wire_encode_stored(const vs_pcx_t *rec, const vs_pcx_view_t *view, uint8_t *buf,
                               size_t cap);
/* Decodes a StoredPcx: 0, or -1 if the bytes are not one, its record fails
 * vs_pcx_validate() or its side is NONE. */
int vs_pcx_wire_decode_stored(const uint8_t *body, size_t len, vs_pcx_t *rec,
                              vs_pcx_view_t *view);

#endif
