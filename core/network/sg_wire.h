/* sg_wire: the SgDir snapshot between agents (sg_dir.h) as a typed value
 * (vs_sgdir_msg_t), its encoding (proto/peer.proto SgDirMessage, through
 * the hand-written codec of core/base/pb.h) and its older JSON form, which
 * is still accepted on receive (an agent of the previous release sends it)
 * and is the form captures and traces print.
 *
 * Like core/peering/pcx_wire.c, the codec writes the bytes protobuf-c packs
 * and accepts what it unpacks; sg_wire_pb.c is the protobuf-c codec it is
 * tested against, and the one file of this layer that sees protobuf-c
 * types.
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

/* Encodes msg (no allocation). The encoded length, written to buf when it
 * fits in cap (buf may be NULL to ask for the size); -1 if over
 * VS_SGDIR_WIRE_MAX_LEN. */
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

/* --- for sg_wire_pb.c (the reference codec): the checks both forms apply -- */

/* src (a C string, NULL as missing) into dst[cap]: false if it does not
 * fit or, with a prefix, is not an ID of that type. */
bool vs_sgdir__copy(char *dst, size_t cap, const char *src, const char *prefix);
/* Pcx, Vpc and Ver into out: 0 or -1. */
int vs_sgdir__head(const char *pcx, const char *vpc, uint64_t ver, vs_sgdir_msg_t *out);
/* The lists of ngroups and nrefs zeroed entries (NULL when none): 0, or -1
 * if over VS_SGDIR_MAX_GROUPS or out of memory (the caller frees). */
int vs_sgdir__alloc_lists(size_t ngroups, size_t nrefs, vs_sgdir_group_t **groups,
                          char (**refs)[VS_ID_LEN]);
/* One group: an sg ID and a name shorter than VS_SG_NAME_LEN; 0 or -1. */
int vs_sgdir__set_group(vs_sgdir_group_t *x, const char *id, const char *name, bool present);

#endif
