/* reach_wire: the Reachability Analyzer's messages between agents
 * (reach_proto.c) as a typed value (vs_reach_msg_t), its encoding
 * (proto/peer.proto ReachMessage, protobuf-c, leading byte 0x18) and the
 * older JSON form {"T":"Probe"|"ProbeResult"|"ReachKey"|"Sealed", ...},
 * still accepted on receive for one release (an agent of the previous
 * release sends it) and the form captures and traces print.
 *
 * Like core/network/sg_wire.c, this is the one file of its layer that sees
 * protobuf-c types: nothing else in core/reach includes peer.pb-c.h.
 */
#ifndef VS_REACH_WIRE_H
#define VS_REACH_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "reach.h"
#include "reach_seal.h"

/* Largest encoded message a receiver takes (typed): a sealed one
 * carries at most VS_SEAL_MAX_PLAIN bytes of plaintext, and an encoder
 * refuses a clear message that could not then be sealed. */
#define VS_REACH_WIRE_MAX_LEN (VS_SEAL_MAX_PLAIN + 1024u)

typedef enum {
    VS_REACH_MSG_PROBE = 1,     /* source -> peer: id, probe */
    VS_REACH_MSG_RESULT = 2,    /* peer -> source: id, part */
    VS_REACH_MSG_KEY = 3,       /* pk, reply */
    VS_REACH_MSG_SEALED = 4,    /* pk, nonce, ct: a sealed PROBE or RESULT */
} vs_reach_msg_type_t;

/* One message. Owns part's lists and ct (free with vs_reach_msg_clear). */
typedef struct vs_reach_msg {
    vs_reach_msg_type_t type;
    char id[VS_ID_LEN];                 /* PROBE, RESULT: nia-... */
    vs_reach_probe_t probe;             /* PROBE */
    vs_reach_part_t part;               /* RESULT */
    uint8_t pk[VS_SEAL_KEY_LEN];        /* KEY, SEALED: the sender's public key */
    bool reply;                         /* KEY: an answer, not to be answered */
    uint8_t nonce[VS_SEAL_NONCE_LEN];   /* SEALED */
    uint8_t *ct;                        /* SEALED: ciphertext, ctlen bytes */
    size_t ctlen;
} vs_reach_msg_t;

/* Frees msg's part lists and ciphertext and zeroes it. */
void vs_reach_msg_clear(vs_reach_msg_t *msg);

/* "Probe", "ProbeResult", "ReachKey", "Sealed" (the JSON T), or "?". */
const char *vs_reach_msg_type_name(vs_reach_msg_type_t type);

/* Does payload start like an encoded ReachMessage (0x18, see peer.proto)? */
bool vs_reach_wire_is_typed(const uint8_t *payload, size_t len);

/* Encodes msg. The encoded length, written to buf when it fits in cap (buf
 * may be NULL to ask for the size); -1 if over VS_REACH_WIRE_MAX_LEN, an
 * unknown type, or out of memory. */
long vs_reach_wire_encode(const vs_reach_msg_t *msg, uint8_t *buf, size_t cap);

/* Decodes an encoded ReachMessage into *out (cleared first; the caller
 * clears it afterwards whatever the result). 0, or -1 if the bytes are not
 * one or fail a check, the same as the JSON form's: unknown type; over
 * VS_REACH_WIRE_MAX_LEN; an analysis ID not nia-...; a probe whose proto is
 * not 6 or 17, port outside -1..65535, an address not 4 or 16 bytes or of
 * two families, an account, VPC, pcx, ENI or group ID empty where required
 * or too long, more than VS_INSTANCE_MAX_SGS groups; a result whose
 * component lists are not JSON arrays of at most 64 objects or whose
 * warning is too long; a key not 32 bytes; a nonce not 24 bytes; a
 * ciphertext shorter than its tag or over VS_SEAL_MAX_PLAIN. */
int vs_reach_wire_decode(const uint8_t *payload, size_t len, vs_reach_msg_t *out);

/* The type and analysis ID of an encoded message, without checking the
 * rest (for the event log). 0 or -1. */
int vs_reach_wire_peek(const uint8_t *payload, size_t len, vs_reach_msg_type_t *type,
                       char *id, size_t idlen);

/* The JSON form: read with the same checks as decode (1 read, 0 not a
 * reach message (T is another module's), -1 malformed; out as for decode),
 * written (NULL on OOM; the caller frees). */
int vs_reach_msgjson_read(const vs_json_t *j, vs_reach_msg_t *out);
vs_json_t *vs_reach_msgjson_write(const vs_reach_msg_t *msg);

/* A typed payload as JSON text (one line; the caller frees), for captures
 * and traces; NULL if the bytes are not a valid ReachMessage. */
char *vs_reach_msgjson_render(const uint8_t *payload, size_t len);

#endif
