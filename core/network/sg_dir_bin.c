/* sg_dir_bin: a peer's group directory as an object the store keeps: its
 * binary stored form (proto/store.proto StoredSgDir), the checks of its
 * own fields that the JSON form (sg_dir.c) shares, and its destructor.
 * Below sg_dir.c, which names these in vs_kind_sgdir. See sg_dir.h.
 *
 * Every same-Region handshake that goes active writes one directory on
 * each side; as JSON (the object tree, its text, its free) that cost
 * ~8,700 instructions per handshake in each agent, about 2,000 this way
 * (bench/instr.sh --settle).
 *
 * Encoding points the protobuf-c structs at the object's strings; the
 * group structs and pointer arrays are on the stack for a directory of a
 * few groups (the common case: the default group and a handful) and
 * allocated past that. Decoding unpacks into an arena on the stack and
 * applies the same checks as the JSON form (sg_wire.h's vs_sgdir__*).
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ids.h"
#include "sg_dir.h"
#include "sg_wire.h"
#include "store.pb-c.h"

void vs_sgdir__destroy(vs_obj_t *o)
{
    vs_sgdir_t *d = (vs_sgdir_t *)o;
    free(d->groups);
    free(d->refs);
    free(d);
}

int vs_sgdir__set_head(vs_sgdir_t *d, const char *pcx, const char *vpc, const char *peer_vpc,
                       const char *peer_account, uint64_t version)
{
    if (version > (uint64_t)INT64_MAX ||
        !vs_sgdir__copy(d->pcx_id, sizeof d->pcx_id, pcx, "pcx") ||
        !vs_sgdir__copy(d->vpc_id, sizeof d->vpc_id, vpc, "vpc") ||
        !vs_sgdir__copy(d->peer_vpc, sizeof d->peer_vpc, peer_vpc, "vpc") ||
        !vs_sgdir__copy(d->peer_account, sizeof d->peer_account, peer_account, NULL) ||
        !vs_account_valid(d->peer_account))
        return -1;
    d->version = version;
    return 0;
}

/* Groups and refs encoded without an allocation. */
#define S_SMALL 16

long vs_sgdir__to_bin(const vs_model_t *m, const vs_obj_t *o, uint8_t *buf, size_t cap)
{
    (void)m;
    const vs_sgdir_t *d = (const vs_sgdir_t *)o;
    Vpcsim__Store__StoredSgDirGroup gs_small[S_SMALL], *gp_small[S_SMALL];
    char *rp_small[S_SMALL];
    Vpcsim__Store__StoredSgDirGroup *gs = gs_small, **gp = gp_small;
    char **rp = rp_small;
    long rc = -1;
    if (d->ngroups > S_SMALL) {
        gs = malloc(d->ngroups * sizeof *gs);
        gp = malloc(d->ngroups * sizeof *gp);
    }
    if (d->nrefs > S_SMALL)
        rp = malloc(d->nrefs * sizeof *rp);
    if (!gs || !gp || !rp)
        goto done;
    Vpcsim__Store__StoredSgDir w;
    vpcsim__store__stored_sg_dir__init(&w);
    w.pcx = (char *)d->pcx_id;
    w.vpc = (char *)d->vpc_id;
    w.peer_vpc = (char *)d->peer_vpc;
    w.peer_account = (char *)d->peer_account;
    w.version = d->version;
    for (size_t i = 0; i < d->ngroups; i++) {
        vpcsim__store__stored_sg_dir_group__init(&gs[i]);
        gs[i].id = (char *)d->groups[i].id;
        gs[i].name = (char *)d->groups[i].name;
        gs[i].present = d->groups[i].present;
        gp[i] = &gs[i];
    }
    for (size_t i = 0; i < d->nrefs; i++)
        rp[i] = (char *)d->refs[i];
    w.n_groups = d->ngroups;
    w.groups = gp;
    w.n_refs = d->nrefs;
    w.refs = rp;
    size_t need = vpcsim__store__stored_sg_dir__get_packed_size(&w);
    if (buf && need <= cap)
        vpcsim__store__stored_sg_dir__pack(&w, buf);
    rc = (long)need;
done:
    if (gs != gs_small)
        free(gs);
    if (gp != gp_small)
        free(gp);
    if (rp != rp_small)
        free(rp);
    return rc;
}

/* The fields of w into d (whose lists are NULL): 0, or -1 if one fails the
 * JSON form's checks. */
static int s_fill(vs_sgdir_t *d, const Vpcsim__Store__StoredSgDir *w)
{
    if (vs_sgdir__set_head(d, w->pcx, w->vpc, w->peer_vpc, w->peer_account, w->version) != 0 ||
        vs_sgdir__alloc_lists(w->n_groups, w->n_refs, &d->groups, &d->refs) != 0)
        return -1;
    for (; d->ngroups < w->n_groups; d->ngroups++) {
        const Vpcsim__Store__StoredSgDirGroup *g = w->groups[d->ngroups];
        if (!g || vs_sgdir__set_group(&d->groups[d->ngroups], g->id, g->name, g->present) != 0)
            return -1;
    }
    for (; d->nrefs < w->n_refs; d->nrefs++)
        if (!vs_sgdir__copy(d->refs[d->nrefs], VS_ID_LEN, w->refs[d->nrefs], "sg"))
            return -1;
    return 0;
}

vs_obj_t *vs_sgdir__from_bin(vs_model_t *m, const uint8_t *body, size_t len)
{
    (void)m;
    _Alignas(16) uint8_t space[8192];
    vs_arena_t arena = VS_ARENA_INIT(space);
    ProtobufCAllocator alloc = { vs_arena_alloc, vs_arena_free, &arena };
    Vpcsim__Store__StoredSgDir *w = len ? vpcsim__store__stored_sg_dir__unpack(&alloc, len, body)
                                        : NULL;
    vs_sgdir_t *d = w ? calloc(1, sizeof *d) : NULL;
    if (d && s_fill(d, w) != 0) {
        vs_sgdir__destroy(&d->base);
        d = NULL;
    }
    if (w && vs_arena_spilled(&arena))   /* else all of it is in the arena */
        vpcsim__store__stored_sg_dir__free_unpacked(w, &alloc);
    return d ? &d->base : NULL;
}
