/* sg_wire: vs_sgdir_msg_t <-> proto/peer.proto's SgDirMessage and the older
 * JSON form. See sg_wire.h.
 *
 * Encoding points the protobuf-c structs at the caller's strings (only the
 * arrays of group structs and pointers are allocated); decoding unpacks
 * into an arena on the stack, so a snapshot of a few groups costs no malloc
 * beyond the lists it returns.
 */
#include "sg_wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "peer.pb-c.h"

#define S_TAG 0x10    /* field 2, varint: SgDirMessage.type (peer.proto) */

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

static bool s_copy(char *dst, size_t cap, const char *src, const char *prefix)
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
static int s_alloc_lists(size_t ngroups, size_t nrefs, vs_sgdir_group_t **groups,
                         char (**refs)[VS_ID_LEN])
{
    if (ngroups > VS_SGDIR_MAX_GROUPS || nrefs > VS_SGDIR_MAX_GROUPS)
        return -1;
    *groups = ngroups ? calloc(ngroups, sizeof **groups) : NULL;
    *refs = nrefs ? calloc(nrefs, sizeof **refs) : NULL;
    return (ngroups && !*groups) || (nrefs && !*refs) ? -1 : 0;
}

static int s_set_group(vs_sgdir_group_t *x, const char *id, const char *name, bool present)
{
    x->present = present;
    return s_copy(x->id, sizeof x->id, id, "sg") && s_copy(x->name, sizeof x->name, name, NULL)
               ? 0
               : -1;
}

/* Pcx, Vpc and Ver into out: 0 or -1. */
static int s_head(const char *pcx, const char *vpc, uint64_t ver, vs_sgdir_msg_t *out)
{
    if (ver > (uint64_t)INT64_MAX || !s_copy(out->pcx_id, sizeof out->pcx_id, pcx, "pcx") ||
        !s_copy(out->vpc_id, sizeof out->vpc_id, vpc, "vpc"))
        return -1;
    out->ver = ver;
    return 0;
}

/* --- encoding ------------------------------------------------------------------ */

long vs_sgdir_wire_encode(const vs_sgdir_msg_t *msg, uint8_t *buf, size_t cap)
{
    Vpcsim__Peer__SgDirMessage w = VPCSIM__PEER__SG_DIR_MESSAGE__INIT;
    w.type = VPCSIM__PEER__SG_DIR_MSG_TYPE__SGDIR_MSG_SNAPSHOT;
    w.pcx = (char *)msg->pcx_id;
    w.vpc = (char *)msg->vpc_id;
    w.ver = msg->ver;
    Vpcsim__Peer__SgDirGroup *gs = calloc(msg->ngroups + 1, sizeof *gs);
    Vpcsim__Peer__SgDirGroup **gp = calloc(msg->ngroups + 1, sizeof *gp);
    char **rp = calloc(msg->nrefs + 1, sizeof *rp);
    long rc = -1;
    if (!gs || !gp || !rp)
        goto done;
    for (size_t i = 0; i < msg->ngroups; i++) {
        vpcsim__peer__sg_dir_group__init(&gs[i]);
        gs[i].id = (char *)msg->groups[i].id;
        gs[i].name = (char *)msg->groups[i].name;
        gp[i] = &gs[i];
    }
    for (size_t i = 0; i < msg->nrefs; i++)
        rp[i] = (char *)msg->refs[i];
    w.n_groups = msg->ngroups;
    w.groups = gp;
    w.n_refs = msg->nrefs;
    w.refs = rp;
    size_t need = vpcsim__peer__sg_dir_message__get_packed_size(&w);
    if (need > (size_t)VS_SGDIR_WIRE_MAX_LEN)
        goto done;
    if (buf && need <= cap)
        vpcsim__peer__sg_dir_message__pack(&w, buf);
    rc = (long)need;
done:
    free(gs);
    free(gp);
    free(rp);
    return rc;
}

/* --- decoding ------------------------------------------------------------------ */

int vs_sgdir_wire_decode(const uint8_t *payload, size_t len, vs_sgdir_msg_t *out)
{
    memset(out, 0, sizeof *out);
    if (!vs_sgdir_wire_is_typed(payload, len) || len > VS_SGDIR_WIRE_MAX_LEN)
        return -1;
    _Alignas(16) uint8_t space[8192];
    vs_arena_t arena = VS_ARENA_INIT(space);
    ProtobufCAllocator alloc = { vs_arena_alloc, vs_arena_free, &arena };
    Vpcsim__Peer__SgDirMessage *w = vpcsim__peer__sg_dir_message__unpack(&alloc, len, payload);
    if (!w)
        return -1;
    int rc = -1;
    if (w->type != VPCSIM__PEER__SG_DIR_MSG_TYPE__SGDIR_MSG_SNAPSHOT ||
        s_head(w->pcx, w->vpc, w->ver, out) != 0 ||
        s_alloc_lists(w->n_groups, w->n_refs, &out->groups, &out->refs) != 0)
        goto done;
    for (; out->ngroups < w->n_groups; out->ngroups++) {
        const Vpcsim__Peer__SgDirGroup *g = w->groups[out->ngroups];
        if (!g || s_set_group(&out->groups[out->ngroups], g->id, g->name, true) != 0)
            goto done;
    }
    for (; out->nrefs < w->n_refs; out->nrefs++)
        if (!s_copy(out->refs[out->nrefs], VS_ID_LEN, w->refs[out->nrefs], "sg"))
            goto done;
    rc = 0;
done:
    if (vs_arena_spilled(&arena))   /* else all of it is in the arena */
        vpcsim__peer__sg_dir_message__free_unpacked(w, &alloc);
    return rc;
}

/* --- the JSON form ---------------------------------------------------------------- */

int vs_sgdir_json_lists(const vs_json_t *j, bool with_present, vs_sgdir_group_t **groups,
                        size_t *ngroups, char (**refs)[VS_ID_LEN], size_t *nrefs)
{
    const vs_json_t *gs = vs_json_get(j, "Groups"), *rs = vs_json_get(j, "Refs");
    if (*groups || *refs || vs_json_type(gs) != VS_JSON_ARRAY ||
        vs_json_type(rs) != VS_JSON_ARRAY ||
        s_alloc_lists(vs_json_len(gs), vs_json_len(rs), groups, refs) != 0)
        return -1;
    for (*ngroups = 0; *ngroups < vs_json_len(gs); (*ngroups)++) {
        const vs_json_t *g = vs_json_at(gs, *ngroups);
        bool present = with_present ? vs_json_get_bool(g, "Present", true) : true;
        if (s_set_group(&(*groups)[*ngroups], vs_json_get_str(g, "Id"),
                        vs_json_get_str(g, "Name"), present) != 0)
            return -1;
    }
    for (*nrefs = 0; *nrefs < vs_json_len(rs); (*nrefs)++)
        if (!s_copy((*refs)[*nrefs], VS_ID_LEN, vs_json_as_str(vs_json_at(rs, *nrefs)), "sg"))
            return -1;
    return 0;
}

int vs_sgdir_msgjson_read(const vs_json_t *j, vs_sgdir_msg_t *out)
{
    memset(out, 0, sizeof *out);
    const char *t = vs_json_get_str(j, "T");
    int64_t ver = vs_json_get_int(j, "Ver", -1);
    if (!t || strcmp(t, "SgDir") || ver < 0 ||
        s_head(vs_json_get_str(j, "Pcx"), vs_json_get_str(j, "Vpc"), (uint64_t)ver, out) != 0)
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
