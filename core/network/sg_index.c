/* sg_index: the security groups of each VPC (vs_vpc_t.sgs), so that what
 * concerns one VPC's groups (a snapshot for a peer in sg_dir.c, a name
 * lookup or the quota count in ec2_sg.c) costs that VPC's groups, not every
 * group of the model. See vs_sg__of_vpc in sg.h.
 *
 * Its own file, below ec2_sg.c and sg_dir.c which both use it (ec2_sg.c
 * already calls sg_dir.c: the index there would make them a circle).
 * Built on first use after loading (one scan), complete from the start for
 * a VPC created in this run, then kept up to date on create and delete.
 */
#include <string.h>

#include "sg.h"

static vs_vpc_t *s_vpc(const vs_model_t *m, const char *vpc_id)
{
    vs_obj_t *o = vpc_id ? vs_model__get(m, vpc_id) : NULL;
    return o && o->kind == &vs_kind_vpc ? (vs_vpc_t *)o : NULL;
}

static void s_add(vs_vpc_t *v, vs_sg_t *g)
{
    if (v && v->sgs_listed && VS_APPEND(v->sgs, v->nsgs, &g) != 0)
        v->sgs_listed = false;     /* out of memory: rebuilt on next use */
}

void vs_sg__index_new_vpc(vs_vpc_t *v)
{
    if (!v->sgs_listed) {
        v->nsgs = 0;
        v->sgs_listed = true;
    }
}

void vs_sg__index_add(const vs_model_t *m, vs_sg_t *g)
{
    s_add(s_vpc(m, g->vpc_id), g);
}

void vs_sg__index_remove(const vs_model_t *m, const vs_sg_t *g)
{
    vs_vpc_t *v = s_vpc(m, g->vpc_id);
    for (size_t i = 0; v && i < v->nsgs; i++)
        if (v->sgs[i] == g) {
            vs__erase(v->sgs, &v->nsgs, sizeof v->sgs[0], i);
            return;
        }
}

size_t vs_sg__of_vpc(const vs_model_t *m, const char *vpc_id, vs_sg_t *const **out)
{
    vs_vpc_t *v = s_vpc(m, vpc_id);
    *out = NULL;
    if (!v)
        return 0;
    if (!v->sgs_listed) {
        v->nsgs = 0;
        v->sgs_listed = true;
        for (vs_obj_t *o = vs_model__first(m, &vs_kind_sg); o; o = vs_model__next(o, &vs_kind_sg))
            if (!strcmp(((const vs_sg_t *)o)->vpc_id, vpc_id))
                s_add(v, (vs_sg_t *)o);
        if (!v->sgs_listed)
            return 0;
    }
    *out = v->sgs;
    return v->nsgs;
}
