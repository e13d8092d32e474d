/* sg_wire_pb: the protobuf-c codec of the SgDir snapshot, the reference the
 * hand-written one (sg_wire.c) is tested against byte for byte. See
 * sg_wire_pb.h.
 *
 * Encoding points the protobuf-c structs at the caller's strings (only the
 * arrays of group structs and pointers are allocated); decoding unpacks
 * into an arena on the stack and applies sg_wire.c's checks (the
 * vs_sgdir__* helpers, which take C strings as protobuf-c hands them over).
 */
#include "sg_wire_pb.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "peer.pb-c.h"

long vs_sgdir_wire_pb_encode(const vs_sgdir_msg_t *msg, uint8_t *buf, size_t cap)
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

int vs_sgdir_wire_pb_decode(const uint8_t *payload, size_t len, vs_sgdir_msg_t *out)
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
        vs_sgdir__head(w->pcx, w->vpc, w->ver, out) != 0 ||
        vs_sgdir__alloc_lists(w->n_groups, w->n_refs, &out->groups, &out->refs) != 0)
        goto done;
    for (; out->ngroups < w->n_groups; out->ngroups++) {
        const Vpcsim__Peer__SgDirGroup *g = w->groups[out->ngroups];
        if (!g || vs_sgdir__set_group(&out->groups[out->ngroups], g->id, g->name, true) != 0)
            goto done;
    }
    for (; out->nrefs < w->n_refs; out->nrefs++)
        if (!vs_sgdir__copy(out->refs[out->nrefs], VS_ID_LEN, w->refs[out->nrefs], "sg"))
            goto done;
    rc = 0;
done:
    if (vs_arena_spilled(&arena))   /* else all of it is in the arena */
        vpcsim__peer__sg_dir_message__free_unpacked(w, &alloc);
    return rc;
}
