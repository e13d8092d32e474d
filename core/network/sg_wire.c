/* sg_wire: vs_sgdir_msg_t <-> proto/peer.proto's SgDirMessage and the older
 * JSON form. See sg_wire.h.
 *
 * A hand-written codec (pb.h) straight between vs_sgdir_msg_t and the
 * bytes, as pcx_wire.c does for the peering messages: no protobuf-c message
 * tree, no allocation to encode, and decoding allocates only the two lists
 * it returns, sized once. It writes exactly the bytes protobuf-c packs and
 * accepts and refuses exactly what it unpacks (and then checks);
 * sg_wire_pb.c is that protobuf-c codec, kept as the reference
 * (tests/check_sg_wire_codec.c compares them on random and mutated
 * messages). SgDirMessage has no singular sub-message, so nothing is ever
 * merged: each SgDirGroup of the repeated field is an element of its own.
 */
#include "sg_wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pb.h"

#define S_TAG 0x10    /* field 2, varint: SgDirMessage.type (peer.proto) */
#define S_SNAPSHOT 1  /* SgDirMsgType.SGDIR_MSG_SNAPSHOT */

void vs_sgdir_msg_clear(vs_sgdir_msg_t *msg)
{
    free(msg->groups);
    free(msg->refs);
    memset(msg, 0, sizeof *msg);
}

bool vs_sgdir_wire_is_typed(const uint8_t *payload, size_t len)
{
    return payload && len > 0 && payload[0] == S_TAG;
}

/* --- checks shared by both forms ---------------------------------------------- */

bool vs_sgdir__copy(char *dst, size_t cap, const char *src, const char *prefix)
{
    size_t n = src ? strnlen(src, cap) : cap;
    if (n >= cap || (prefix && !vs_id_valid(src, prefix)))
        return false;
    memcpy(dst, src, n + 1);
    return true;
}

/* The lists are sized once from the count the message announces (bounded
 * first), not grown per entry: a snapshot of thousands of groups costs no
 * quadratic copying. */
int vs_sgdir__alloc_lists(size_t ngroups, size_t nrefs, vs_sgdir_group_t **groups,
                          char (**refs)[VS_ID_LEN])
{
    if (ngroups > VS_SGDIR_MAX_GROUPS || nrefs > VS_SGDIR_MAX_GROUPS)
        return -1;
    *groups = ngroups ? calloc(ngroups, sizeof **groups) : NULL;
    *refs = nrefs ? calloc(nrefs, sizeof **refs) : NULL;
    return (ngroups && !*groups) || (nrefs && !*refs) ? -1 : 0;
}

int vs_sgdir__set_group(vs_sgdir_group_t *x, const char *id, const char *name, bool present)
{
    x->present = present;
    return vs_sgdir__copy(x->id, sizeof x->id, id, "sg") &&
                   vs_sgdir__copy(x->name, sizeof x->name, name, NULL)
               ? 0
               : -1;
}

int vs_sgdir__head(const char *pcx, const char *vpc, uint64_t ver, vs_sgdir_msg_t *out)
{
    if (ver > (uint64_t)INT64_MAX || !vs_sgdir__copy(out->pcx_id, sizeof out->pcx_id, pcx, "pcx") ||
        !vs_sgdir__copy(out->vpc_id, sizeof out->vpc_id, vpc, "vpc"))
        return -1;
    out->ver = ver;
    return 0;
}

/* --- encoding ------------------------------------------------------------------ */

/* The body of one SgDirGroup: proto3 skips an empty id or name. */
static size_t s_group_len(size_t idlen, size_t namelen)
{
    return (idlen ? 1 + vs_pb_varint_len(idlen) + idlen : 0) +
           (namelen ? 1 + vs_pb_varint_len(namelen) + namelen : 0);
}

/* Fields in number order, as protobuf-c packs them. The repeated fields
 * are written element by element, an empty group or ref too (protobuf-c
 * skips defaults only in singular fields). */
static void s_msg_body(vs_pb_w_t *w, const vs_sgdir_msg_t *msg)
{
    vs_pb_uint(w, 2, S_SNAPSHOT);
    vs_pb_str(w, 3, msg->pcx_id);
    vs_pb_str(w, 4, msg->vpc_id);
    vs_pb_uint(w, 5, msg->ver);
    for (size_t i = 0; i < msg->ngroups; i++) {
        const vs_sgdir_group_t *g = &msg->groups[i];
        size_t il = strlen(g->id), nl = strlen(g->name);
        vs_pb_key(w, 6, VS_PB_LEN);
        vs_pb_varint(w, s_group_len(il, nl));
        vs_pb_bytes(w, 1, g->id, il);
        vs_pb_bytes(w, 2, g->name, nl);
    }
    for (size_t i = 0; i < msg->nrefs; i++) {
        size_t n = strlen(msg->refs[i]);
        vs_pb_key(w, 7, VS_PB_LEN);
        vs_pb_varint(w, n);
        vs_pb_raw(w, msg->refs[i], n);
    }
}

long vs_sgdir_wire_encode(const vs_sgdir_msg_t *msg, uint8_t *buf, size_t cap)
{
    vs_pb_w_t w = { .p = NULL };
    s_msg_body(&w, msg);
    size_t need = w.n;
    if (need > (size_t)VS_SGDIR_WIRE_MAX_LEN)
        return -1;
    if (buf && need <= cap) {
        w = (vs_pb_w_t){ .p = buf };
        s_msg_body(&w, msg);
    }
    return (long)need;
}

/* --- decoding ------------------------------------------------------------------ */

/* A string field (absent: a zeroed f, which reads as "") into dst[cap] as
 * vs_sgdir__copy takes it from protobuf-c: a C string, so it ends at the
 * first NUL (bytes are not checked as UTF-8: protobuf-c 1.4 does not). */
static bool s_str_in(const vs_pb_field_t *f, char *dst, size_t cap, const char *prefix)
{
    const uint8_t *z = f->len ? memchr(f->data, 0, f->len < cap ? f->len : cap) : NULL;
    size_t n = z ? (size_t)(z - f->data) : f->len;
    if (n >= cap)
        return false;
    if (n)
        memcpy(dst, f->data, n);
    dst[n] = 0;
    return !prefix || vs_id_valid(dst, prefix);
}

/* One SgDirGroup: -1 if protobuf-c refuses its bytes (framing, a known
 * field not length-delimited) or the group fails vs_sgdir__set_group's
 * checks. Last value wins; unknown fields are skipped. */
static int s_group_in(const vs_pb_field_t *in, vs_sgdir_group_t *g)
{
    vs_pb_r_t r = vs_pb_reader(in->data, in->len);
    vs_pb_field_t f, id = { 0 }, name = { 0 };
    int rc;
    while ((rc = vs_pb_next(&r, &f)) > 0) {
        if (f.field == 1 || f.field == 2) {
            if (f.wt != VS_PB_LEN)
                return -1;
            *(f.field == 1 ? &id : &name) = f;
        }
    }
    g->present = true;
    return rc == 0 && s_str_in(&id, g->id, sizeof g->id, "sg") &&
                   s_str_in(&name, g->name, sizeof g->name, NULL)
               ? 0
               : -1;
}

/* Two passes over the top level: the first checks the framing and every
 * field's wire type, takes the singular fields (last one wins) and counts
 * the repeated ones, so the lists are allocated once, after the bounds and
 * the head are checked; the second fills them. */
int vs_sgdir_wire_decode(const uint8_t *payload, size_t len, vs_sgdir_msg_t *out)
{
    memset(out, 0, sizeof *out);
    if (!vs_sgdir_wire_is_typed(payload, len) || len > VS_SGDIR_WIRE_MAX_LEN)
        return -1;
    vs_pb_r_t r = vs_pb_reader(payload, len);
    vs_pb_field_t f, pcx = { 0 }, vpc = { 0 };
    uint32_t type = 0;
    uint64_t ver = 0;
    size_t ngroups = 0, nrefs = 0;
    int rc;
    while ((rc = vs_pb_next(&r, &f)) > 0) {
        switch (f.field) {
        case 2: case 5:
            if (f.wt != VS_PB_VARINT)
                return -1;
            if (f.field == 2)
                type = (uint32_t)f.v;   /* an enum: protobuf-c keeps the low 32 bits */
            else
                ver = f.v;
            break;
        case 3: case 4:
            if (f.wt != VS_PB_LEN)
                return -1;
            *(f.field == 3 ? &pcx : &vpc) = f;
            break;
        case 6: case 7:
            if (f.wt != VS_PB_LEN)
                return -1;
            *(f.field == 6 ? &ngroups : &nrefs) += 1;
            break;
        default:
            break;
        }
    }
    if (rc < 0 || type != S_SNAPSHOT || ver > (uint64_t)INT64_MAX ||
        !s_str_in(&pcx, out->pcx_id, sizeof out->pcx_id, "pcx") ||
        !s_str_in(&vpc, out->vpc_id, sizeof out->vpc_id, "vpc") ||
        vs_sgdir__alloc_lists(ngroups, nrefs, &out->groups, &out->refs) != 0)
        return -1;
    out->ver = ver;
    r = vs_pb_reader(payload, len);
    while (vs_pb_next(&r, &f) > 0) {
        if (f.field == 6) {
            if (s_group_in(&f, &out->groups[out->ngroups]) != 0)
                return -1;
            out->ngroups++;
        } else if (f.field == 7) {
            if (!s_str_in(&f, out->refs[out->nrefs], VS_ID_LEN, "sg"))
                return -1;
            out->nrefs++;
        }
    }
    return 0;
}

/* --- the JSON form ---------------------------------------------------------------- */

int vs_sgdir_json_lists(const vs_json_t *j, bool with_present, vs_sgdir_group_t **groups,
                        size_t *ngroups, char (**refs)[VS_ID_LEN], size_t *nrefs)
{
    const vs_json_t *gs = vs_json_get(j, "Groups"), *rs = vs_json_get(j, "Refs");
    if (*groups || *refs || vs_json_type(gs) != VS_JSON_ARRAY ||
        vs_json_type(rs) != VS_JSON_ARRAY ||
        vs_sgdir__alloc_lists(vs_json_len(gs), vs_json_len(rs), groups, refs) != 0)
        return -1;
    for (*ngroups = 0; *ngroups < vs_json_len(gs); (*ngroups)++) {
        const vs_json_t *g = vs_json_at(gs, *ngroups);
        bool present = with_present ? vs_json_get_bool(g, "Present", true) : true;
        if (vs_sgdir__set_group(&(*groups)[*ngroups], vs_json_get_str(g, "Id"),
                        vs_json_get_str(g, "Name"), present) != 0)
            return -1;
    }
    for (*nrefs = 0; *nrefs < vs_json_len(rs); (*nrefs)++)
        if (!vs_sgdir__copy((*refs)[*nrefs], VS_ID_LEN, vs_json_as_str(vs_json_at(rs, *nrefs)),
                            "sg"))
            return -1;
    return 0;
}

int vs_sgdir_msgjson_read(const vs_json_t *j, vs_sgdir_msg_t *out)
{
    memset(out, 0, sizeof *out);
    const char *t = vs_json_get_str(j, "T");
    int64_t ver = vs_json_get_int(j, "Ver", -1);
    if (!t || strcmp(t, "SgDir") || ver < 0 ||
        vs_sgdir__head(vs_json_get_str(j, "Pcx"), vs_json_get_str(j, "Vpc"), (uint64_t)ver,
                       out) != 0)
        return -1;
    return vs_sgdir_json_lists(j, false, &out->groups, &out->ngroups, &out->refs, &out->nrefs);
}

vs_json_t *vs_sgdir_msgjson_write(const vs_sgdir_msg_t *msg)
{
    vs_json_t *j = vs_json_object();
    if (!j)
        return NULL;
    vs_json_set_str(j, "T", "SgDir");
    vs_json_set_str(j, "Pcx", msg->pcx_id);
    vs_json_set_str(j, "Vpc", msg->vpc_id);
    vs_json_set_int(j, "Ver", (int64_t)msg->ver);
    vs_json_t *gs = vs_json_set(j, "Groups", vs_json_array());
    for (size_t i = 0; gs && i < msg->ngroups; i++) {
        vs_json_t *g = vs_json_push(gs, vs_json_object());
        vs_json_set_str(g, "Id", msg->groups[i].id);
        vs_json_set_str(g, "Name", msg->groups[i].name);
    }
    vs_json_t *rs = vs_json_set(j, "Refs", vs_json_array());
    for (size_t i = 0; rs && i < msg->nrefs; i++)
        vs_json_push(rs, vs_json_str(msg->refs[i]));
    return j;
}

char *vs_sgdir_msgjson_render(const uint8_t *payload, size_t len)
{
    vs_sgdir_msg_t msg;
    char *text = NULL;
    if (vs_sgdir_wire_decode(payload, len, &msg) == 0) {
        vs_json_t *j = vs_sgdir_msgjson_write(&msg);
        text = j ? vs_json_dump(j, 0) : NULL;
        vs_json_free(&j);
    }
    vs_sgdir_msg_clear(&msg);
    return text;
}
