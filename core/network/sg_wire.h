/* sg_wire: the SgDir snapshot between agents (sg_dir.h) as a typed value
 * (vs_sgdir_msg_t), its encoding (proto/peer.proto SgDirMessage,
 * protobuf-c) and its older JSON form, which is still accepted on receive
 * (an agent of the previous release sends it) and is the form captures and
 * traces print.
 *
 * Like core/peering/pcx_wire.c, this is the one file of its layer that sees
 * protobuf-c types: nothing else includes peer.pb-c.h.
 */
#ifndef VS_SG_WIRE_H
#define VS_SG_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "sg_dir.h"

/* Bounds a receiver enforces, typed or JSON: far above EC2's 2500 groups
 * per VPC; the encoded size that many groups with names of the longest
 * kind can take. */
#define VS_SGDIR_MAX_GROUPS 10000
#define VS_SGDIR_WIRE_MAX_LEN (4u << 20)

/* One snapshot. Owns groups and refs (free with vs_sgdir_msg_clear). */
typedef struct vs_sgdir_msg {
    char pcx_id[VS_ID_LEN];          /* pcx-... */
    char vpc_id[VS_ID_LEN];          /* the sender's VPC, vpc-... */
    uint64_t ver;                    /* the sender's version, <= INT64_MAX */
    vs_sgdir_group_t *groups;        /* present is always true here */
    size_t ngroups;
    char (*refs)[VS_ID_LEN];         /* receiver's groups the sender references */
    size_t nrefs;
} vs_sgdir_msg_t;

/* Frees msg's lists and zeroes it. */
void vs_sgdir_msg_clear(vs_sgdir_msg_t *msg);

/* Does payload start like an encoded SgDirMessage (0x10, see peer.proto)?
 * A PcxMessage starts with 0x08, a JSON document with '{'. */
bool vs_sgdir_wire_is_typed(const uint8_t *payload, size_t len);

/* Encodes msg. The encoded length, written to buf when it fits in cap (buf
 * may be NULL to ask for the size); -1 if over VS_SGDIR_WIRE_MAX_LEN or
 * out of memory. */
long vs_sgdir_wire_encode(const vs_sgdir_msg_t *msg, uint8_t *buf, size_t cap);

/* Decodes an encoded SgDirMessage into *out (cleared first; the caller
 * clears it afterwards whatever the result). 0, or -1 if the bytes are not
 * one or fail a check: unknown type, over VS_SGDIR_WIRE_MAX_LEN, more than
 * VS_SGDIR_MAX_GROUPS groups or refs, a pcx/vpc/sg ID that is malformed or
 * too long, a name of VS_SG_NAME_LEN bytes or more, ver over INT64_MAX. */
int vs_sgdir_wire_decode(const uint8_t *payload, size_t len, vs_sgdir_msg_t *out);

/* The JSON form {"T":"SgDir", "Pcx", "Vpc", "Ver", "Groups": [{"Id",
 * "Name"}], "Refs": [...]}: read with the same checks as decode (0 or -1;
 * out as for decode), written (NULL on OOM; the caller frees). */
int vs_sgdir_msgjson_read(const vs_json_t *j, vs_sgdir_msg_t *out);
vs_json_t *vs_sgdir_msgjson_write(const vs_sgdir_msg_t *msg);

/* Groups [{Id, Name, Present?}] and Refs [id] of j into *groups and *refs
 * (the lists of a message or of a persisted directory), which must be empty
 * (NULL) on entry and are the caller's to free whatever the result; Present
 * is read only if with_present, else true. 0, or -1 if malformed (bounds and
 * checks as above). */
int vs_sgdir_json_lists(const vs_json_t *j, bool with_present, vs_sgdir_group_t **groups,
                        size_t *ngroups, char (**refs)[VS_ID_LEN], size_t *nrefs);

/* A typed SgDir payload as JSON text (one line; the caller frees), for
 * captures and traces; NULL if the bytes are not a valid SgDirMessage. */
char *vs_sgdir_msgjson_render(const uint8_t *payload, size_t len);

#endif
