/* route_lookup: route selection and computed route state (see
 * route_lookup.h). */
#include <stddef.h>
#include <string.h>

#include "igw.h"
#include "lpm.h"
#include "pcx_model.h"
#include "route_lookup.h"

static bool s_pcx_active(const vs_model_t *m, const vs_route_t *r)
{
    const vs_obj_t *o = vs_model__get(m, r->pcx_id);
    if (!o || o->kind != &vs_kind_pcx)
        return false;
    const vs_pcx_obj_t *p = (const vs_pcx_obj_t *)o;
    if (p->hidden || p->rec.state != VS_PCX_ACTIVE)
        return false;
    /* A model restarted with the seed's rules after an IPv6 route was made
     * under modern ones: the connection no longer carries that traffic. */
    if (r->dest.addr.family == 6 &&
        !vs_pcx_ipv6_allowed(p->rec.inter_region, vs_model__cfg(m)->modern_rules))
        return false;
    return true;
}

bool vs_route__active(const vs_model_t *m, const vs_rtb_t *rtb, const vs_route_t *r)
{
    if (r->pcx_id[0])
        return s_pcx_active(m, r);
    if (strcmp(r->gateway_id, "local") == 0)
        return true;
    if (strncmp(r->gateway_id, "igw-", 4) == 0) {
        const vs_obj_t *o = vs_model__get(m, r->gateway_id);
        return o && o->kind == &vs_kind_igw &&
               strcmp(((const vs_igw_t *)o)->vpc_id, rtb->vpc_id) == 0;
    }
    return strcmp(r->state, "blackhole") != 0;
}

const vs_route_t *vs_rtb__lookup(const vs_model_t *m, const vs_rtb_t *rtb, const vs_ip_t *dst,
                                 bool *blackhole)
{
    if (blackhole)
        *blackhole = false;
    if (!m || !rtb || !dst)
        return NULL;
    ssize_t i = vs_lpm_find(rtb->routes, rtb->nroutes, sizeof *rtb->routes,
                            offsetof(vs_route_t, dest), dst);
    if (i < 0)
        return NULL;
    const vs_route_t *r = &rtb->routes[i];
    if (blackhole)
        *blackhole = !vs_route__active(m, rtb, r);
    return r;
}
