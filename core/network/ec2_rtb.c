/* ec2_rtb: route tables: the main route table every VPC gets, its `local`
 * routes (one per VPC CIDR, kept in step through the vpc_cidr_changed
 * hook), DescribeRouteTables, and helpers for the files that add routes
 * (CreateRoute, peering) and tables (CreateRouteTable).
 */
#include <stdio.h>
#include <string.h>

#include "filter.h"
#include "network.h"
#include "route_lookup.h"

/* --- which table a subnet uses ------------------------------------------------- */

const vs_rtb_t *vs_rtb__for_subnet(const vs_model_t *m, const vs_subnet_t *s)
{
    if (!m || !s)
        return NULL;
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_rtb); o; o = vs_model__next(o, &vs_kind_rtb)) {
        const vs_rtb_t *r = (const vs_rtb_t *)o;
        for (size_t i = 0; i < r->nassocs; i++)
            if (!r->assocs[i].main && strcmp(r->assocs[i].subnet_id, s->base.id) == 0)
                return r;
    }
    const vs_obj_t *vo = vs_model__get(m, s->vpc_id);
    if (!vo || vo->kind != &vs_kind_vpc)
        return NULL;
    const vs_obj_t *ro = vs_model__get(m, ((const vs_vpc_t *)vo)->main_rtb_id);
    return ro && ro->kind == &vs_kind_rtb ? (const vs_rtb_t *)ro : NULL;
}

/* --- the object ---------------------------------------------------------- */

static void s_destroy(vs_obj_t *o)
{
    vs_rtb_t *r = (vs_rtb_t *)o;
    free(r->routes);
    free(r->assocs);
    free(r);
}

/* Route targets, in the order EC2 prints them. */
#define S_TARGETS(X)                                     \
    X("GatewayId", gateway_id)                           \
    X("InstanceId", instance_id)                         \
    X("InstanceOwnerId", instance_owner_id)              \
    X("NatGatewayId", nat_gateway_id)                    \
    X("NetworkInterfaceId", network_interface_id)

static vs_json_t *s_route_doc(const vs_route_t *r)
{
    char buf[VS_CIDR_STRLEN];
    vs_json_t *o = vs_json_object();
    vs_cidr_format(&r->dest, buf, sizeof buf);
    vs_json_set_str(o, "Destination", buf);
#define X(key, field) if (r->field[0]) vs_json_set_str(o, key, r->field);
    S_TARGETS(X)
#undef X
    if (r->pcx_id[0])
        vs_json_set_str(o, "VpcPeeringConnectionId", r->pcx_id);
    vs_json_set_str(o, "Origin", r->origin);
    vs_json_set_str(o, "State", r->state);
    return o;
}

static int s_to_doc(const vs_model_t *m, const vs_obj_t *o, vs_json_t *doc)
{
    const vs_rtb_t *r = (const vs_rtb_t *)o;
    vs_json_set_str(doc, "VpcId", r->vpc_id);
    vs_json_t *routes = vs_json_set(doc, "Routes", vs_json_array());
    for (size_t i = 0; i < r->nroutes; i++)
        vs_json_push(routes, s_route_doc(&r->routes[i]));
    vs_json_t *assocs = vs_json_set(doc, "Associations", vs_json_array());
    for (size_t i = 0; i < r->nassocs; i++) {
        const vs_rtb_assoc_t *a = &r->assocs[i];
        vs_json_t *e = vs_json_push(assocs, vs_json_object());
        vs_json_set_str(e, "Id", a->id);
        vs_json_set_bool(e, "Main", a->main);
        if (a->subnet_id[0])
            vs_json_set_str(e, "SubnetId", a->subnet_id);
        if (a->gateway_id[0])
            vs_json_set_str(e, "GatewayId", a->gateway_id);
    }
    return 0;
}

/* Copies an optional string member; false if present but too long. */
static bool s_opt(char *dst, size_t cap, const vs_json_t *o, const char *key, bool required)
{
    const char *s = vs_json_get_str(o, key);
    if (!s)
        return !required && !vs_json_get(o, key);
    if (strlen(s) >= cap)
        return false;
    snprintf(dst, cap, "%s", s);
    return true;
}

static int s_route_load(const vs_json_t *e, vs_route_t *r)
{
    memset(r, 0, sizeof *r);
    if (vs_cidr_parse(vs_json_get_str(e, "Destination"), VS_CIDR_STRICT, &r->dest) != 0)
        return -1;
    bool ok = true;
#define X(key, field) ok = ok && s_opt(r->field, sizeof r->field, e, key, false);
    S_TARGETS(X)
#undef X
    ok = ok && s_opt(r->pcx_id, sizeof r->pcx_id, e, "VpcPeeringConnectionId", false) &&
         s_opt(r->origin, sizeof r->origin, e, "Origin", true) &&
         s_opt(r->state, sizeof r->state, e, "State", true);
    return ok ? 0 : -1;
}

static vs_obj_t *s_from_doc(vs_model_t *m, const vs_json_t *doc)
{
    vs_rtb_t *r = calloc(1, sizeof *r);
    const vs_json_t *routes = vs_json_get(doc, "Routes"), *assocs = vs_json_get(doc, "Associations");
    if (!r)
        return NULL;
    if (!s_opt(r->vpc_id, sizeof r->vpc_id, doc, "VpcId", true) ||
        vs_json_type(routes) != VS_JSON_ARRAY || vs_json_type(assocs) != VS_JSON_ARRAY ||
        vs_json_len(routes) > 10000 || vs_json_len(assocs) > 10000)
        goto bad;
    for (size_t i = 0; i < vs_json_len(routes); i++) {
        vs_route_t rt;
        if (s_route_load(vs_json_at(routes, i), &rt) != 0 || VS_APPEND(r->routes, r->nroutes, &rt) != 0)
            goto bad;
    }
    for (size_t i = 0; i < vs_json_len(assocs); i++) {
        const vs_json_t *e = vs_json_at(assocs, i);
        vs_rtb_assoc_t a = { .main = vs_json_get_bool(e, "Main", false) };
        if (!s_opt(a.id, sizeof a.id, e, "Id", true) ||
            !s_opt(a.subnet_id, sizeof a.subnet_id, e, "SubnetId", false) ||
            !s_opt(a.gateway_id, sizeof a.gateway_id, e, "GatewayId", false) ||
            VS_APPEND(r->assocs, r->nassocs, &a) != 0)
            goto bad;
    }
    return &r->base;
bad:
    s_destroy(&r->base);
    return NULL;
}

const vs_kind_t vs_kind_rtb = {
    .prefix = "rtb",
    .name = "RouteTable",
    .to_doc = s_to_doc,
    .from_doc = s_from_doc,
    .destroy = s_destroy,
};

/* --- helpers for other files ---------------------------------------------------- */

vs_route_t *vs_rtb__find_route(vs_rtb_t *rtb, const vs_cidr_t *dest)
{
    for (size_t i = 0; i < rtb->nroutes; i++)
        if (vs_cidr_equal(&rtb->routes[i].dest, dest))
            return &rtb->routes[i];
    return NULL;
}

int vs_rtb__add_route(vs_model_t *m, vs_rtb_t *rtb, const vs_route_t *r)
{
    if (VS_APPEND(rtb->routes, rtb->nroutes, r) != 0)
        return -1;
    vs_model__touch(m, &rtb->base);
    return 0;
}

bool vs_rtb__remove_route(vs_model_t *m, vs_rtb_t *rtb, const vs_cidr_t *dest)
{
    for (size_t i = 0; i < rtb->nroutes; i++)
        if (vs_cidr_equal(&rtb->routes[i].dest, dest)) {
            vs__erase(rtb->routes, &rtb->nroutes, sizeof *rtb->routes, i);
            vs_model__touch(m, &rtb->base);
            return true;
        }
    return false;
}

static vs_route_t s_local_route(const vs_cidr_t *c)
{
    vs_route_t r = { .dest = *c };
    snprintf(r.gateway_id, sizeof r.gateway_id, "local");
    snprintf(r.origin, sizeof r.origin, "CreateRouteTable");
    snprintf(r.state, sizeof r.state, "active");
    return r;
}

vs_rtb_t *vs_rtb__create(vs_model_t *m, const vs_vpc_t *vpc, bool main)
{
    vs_rtb_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    snprintf(r->vpc_id, sizeof r->vpc_id, "%s", vpc->base.id);
    bool ok = true;
    for (size_t i = 0; ok && i < vpc->nv4; i++) {
        vs_route_t rt = s_local_route(&vpc->v4[i].cidr);
        ok = VS_APPEND(r->routes, r->nroutes, &rt) == 0;
    }
    for (size_t i = 0; ok && i < vpc->nv6; i++) {
        vs_route_t rt = s_local_route(&vpc->v6[i].cidr);
        ok = VS_APPEND(r->routes, r->nroutes, &rt) == 0;
    }
    if (ok && main) {
        vs_rtb_assoc_t a = { .main = true };
        vs_model__new_assoc_id(m, "rtbassoc", a.id);
        ok = VS_APPEND(r->assocs, r->nassocs, &a) == 0;
    }
    if (!ok || vs_model__add(m, &r->base, &vs_kind_rtb, NULL) != 0) {
        s_destroy(&r->base);
        return NULL;
    }
    return r;
}

/* --- output ------------------------------------------------------------------------- */

static vs_json_t *s_route_output(const vs_model_t *m, const vs_rtb_t *rtb, const vs_route_t *r)
{
    char buf[VS_CIDR_STRLEN];
    vs_json_t *o = vs_json_object();
    vs_cidr_format(&r->dest, buf, sizeof buf);
    vs_json_set_str(o, r->dest.addr.family == 4 ? "DestinationCidrBlock" : "DestinationIpv6CidrBlock",
                    buf);
#define X(key, field) if (r->field[0]) vs_json_set_str(o, key, r->field);
    S_TARGETS(X)
#undef X
    vs_json_set_str(o, "Origin", r->origin);
    /* Computed, not stored: it follows the target (route_lookup.h). */
    vs_json_set_str(o, "State", vs_route__state(m, rtb, r));
    if (r->pcx_id[0])
        vs_json_set_str(o, "VpcPeeringConnectionId", r->pcx_id);
    return o;
}

vs_json_t *vs_rtb__output(const vs_model_t *m, const vs_obj_t *o)
{
    const vs_rtb_t *r = (const vs_rtb_t *)o;
    vs_json_t *d = vs_json_object();
    vs_json_t *assocs = vs_json_set(d, "Associations", vs_json_array());
    for (size_t i = 0; i < r->nassocs; i++) {
        const vs_rtb_assoc_t *a = &r->assocs[i];
        vs_json_t *e = vs_json_push(assocs, vs_json_object());
        vs_json_set_bool(e, "Main", a->main);
        vs_json_set_str(e, "RouteTableAssociationId", a->id);
        vs_json_set_str(e, "RouteTableId", r->base.id);
        if (a->subnet_id[0])
            vs_json_set_str(e, "SubnetId", a->subnet_id);
        if (a->gateway_id[0])
            vs_json_set_str(e, "GatewayId", a->gateway_id);
        vs_json_set_str(vs_json_set(e, "AssociationState", vs_json_object()), "State", "associated");
    }
    vs_json_set(d, "PropagatingVgws", vs_json_array());
    vs_json_set_str(d, "RouteTableId", r->base.id);
    /* EC2 lists IPv4 routes before IPv6 ones. */
    vs_json_t *routes = vs_json_set(d, "Routes", vs_json_array());
    for (int fam = 4; fam <= 6; fam += 2)
        for (size_t i = 0; i < r->nroutes; i++)
            if (r->routes[i].dest.addr.family == fam)
                vs_json_push(routes, s_route_output(m, r, &r->routes[i]));
    /* Unlike VPCs and subnets, route tables print an empty tag list. */
    vs_json_set(d, "Tags", vs_tags_to_json(&r->base.tags));
    vs_json_set_str(d, "VpcId", r->vpc_id);
    vs_json_set_str(d, "OwnerId", vs_model_account(m));
    return d;
}

/* --- DescribeRouteTables --------------------------------------------------------------- */

#define RTB(o) ((const vs_rtb_t *)(o))

static void s_f_id(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, RTB(o)->base.id); }
static void s_f_vpc(const void *m, const void *o, vs_fvals_t *v) { vs_fvals_add(v, RTB(o)->vpc_id); }
static void s_f_owner(const void *m, const void *o, vs_fvals_t *v)
{
    vs_fvals_add(v, vs_model_account(m));
}
static void s_f_a_main(const void *m, const void *o, vs_fvals_t *v)
{
    for (size_t i = 0; i < RTB(o)->nassocs; i++)
        vs_fvals_add_bool(v, RTB(o)->assocs[i].main);
}
static void s_f_a_id(const void *m, const void *o, vs_fvals_t *v)
{
    for (size_t i = 0; i < RTB(o)->nassocs; i++)
        vs_fvals_add(v, RTB(o)->assocs[i].id);
}
static void s_f_a_rtb(const void *m, const void *o, vs_fvals_t *v)
{
    if (RTB(o)->nassocs)
        vs_fvals_add(v, RTB(o)->base.id);
}
static void s_f_a_subnet(const void *m, const void *o, vs_fvals_t *v)
{
    for (size_t i = 0; i < RTB(o)->nassocs; i++)
        if (RTB(o)->assocs[i].subnet_id[0])
            vs_fvals_add(v, RTB(o)->assocs[i].subnet_id);
}
static void s_f_a_gw(const void *m, const void *o, vs_fvals_t *v)
{
    for (size_t i = 0; i < RTB(o)->nassocs; i++)
        if (RTB(o)->assocs[i].gateway_id[0])
            vs_fvals_add(v, RTB(o)->assocs[i].gateway_id);
}

static void s_dests(const vs_rtb_t *r, int fam, vs_fvals_t *v)
{
    char buf[VS_CIDR_STRLEN];
    for (size_t i = 0; i < r->nroutes; i++)
        if (r->routes[i].dest.addr.family == fam) {
            vs_cidr_format(&r->routes[i].dest, buf, sizeof buf);
            vs_fvals_add(v, buf);
        }
}
static void s_f_r_dest4(const void *m, const void *o, vs_fvals_t *v) { s_dests(RTB(o), 4, v); }
static void s_f_r_dest6(const void *m, const void *o, vs_fvals_t *v) { s_dests(RTB(o), 6, v); }

#define S_ROUTE_FIELD(fn, field)                                       \
    static void fn(const void *m, const void *o, vs_fvals_t *v)        \
    {                                                                  \
        for (size_t i = 0; i < RTB(o)->nroutes; i++)                   \
            if (RTB(o)->routes[i].field[0])                            \
                vs_fvals_add(v, RTB(o)->routes[i].field);              \
    }
S_ROUTE_FIELD(s_f_r_gw, gateway_id)
S_ROUTE_FIELD(s_f_r_inst, instance_id)
S_ROUTE_FIELD(s_f_r_nat, nat_gateway_id)
S_ROUTE_FIELD(s_f_r_eni, network_interface_id)
S_ROUTE_FIELD(s_f_r_pcx, pcx_id)
S_ROUTE_FIELD(s_f_r_origin, origin)
static void s_f_r_state(const void *m, const void *o, vs_fvals_t *v)
{
    for (size_t i = 0; i < RTB(o)->nroutes; i++)
        vs_fvals_add(v, vs_route__state(m, RTB(o), &RTB(o)->routes[i]));
}

static const vs_filter_field_t s_rtb_filters[] = {
    { "route-table-id", s_f_id },
    { "vpc-id", s_f_vpc },
    { "owner-id", s_f_owner },
    { "association.main", s_f_a_main },
    { "association.route-table-association-id", s_f_a_id },
    { "association.route-table-id", s_f_a_rtb },
    { "association.subnet-id", s_f_a_subnet },
    { "association.gateway-id", s_f_a_gw },
    { "route.destination-cidr-block", s_f_r_dest4 },
    { "route.destination-ipv6-cidr-block", s_f_r_dest6 },
    { "route.gateway-id", s_f_r_gw },
    { "route.instance-id", s_f_r_inst },
    { "route.nat-gateway-id", s_f_r_nat },
    { "route.network-interface-id", s_f_r_eni },
    { "route.vpc-peering-connection-id", s_f_r_pcx },
    { "route.origin", s_f_r_origin },
    { "route.state", s_f_r_state },
    { NULL, NULL }
};

static int s_describe(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                      vs_awserr_t *err)
{
    static const vs_describe_t d = {
        &vs_kind_rtb, "RouteTableIds", "RouteTables", s_rtb_filters, vs_rtb__output, false
    };
    return vs_model__describe(m, caller, in, &d, out, err);
}

/* --- hooks ------------------------------------------------------------------------------ */

static void s_vpc_created(vs_model_t *m, vs_vpc_t *vpc)
{
    vs_rtb_t *r = vs_rtb__create(m, vpc, true);
    if (r) {
        snprintf(vpc->main_rtb_id, sizeof vpc->main_rtb_id, "%s", r->base.id);
        vs_model__touch(m, &vpc->base);
    }
}

/* Route tables other than the main one must be deleted first. */
static int s_vpc_delete_check(vs_model_t *m, const vs_vpc_t *vpc, vs_awserr_t *err)
{
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_rtb); o; o = vs_model__next(o, &vs_kind_rtb))
        if (strcmp(RTB(o)->vpc_id, vpc->base.id) == 0 && strcmp(o->id, vpc->main_rtb_id) != 0)
            return vs_awserr_set(err, "DependencyViolation",
                                 "The vpc '%s' has dependencies and cannot be deleted.", vpc->base.id);
    return 0;
}

static void s_vpc_deleting(vs_model_t *m, vs_vpc_t *vpc)
{
    vs_obj_t *o = vs_model__get(m, vpc->main_rtb_id);
    if (o && o->kind == &vs_kind_rtb)
        vs_model__remove(m, o);
}

/* Every table of the VPC routes the VPC's own CIDRs locally. */
static void s_cidr_changed(vs_model_t *m, vs_vpc_t *vpc, const vs_cidr_t *cidr, bool added)
{
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_rtb); o; o = vs_model__next(o, &vs_kind_rtb)) {
        vs_rtb_t *r = (vs_rtb_t *)o;
        if (strcmp(r->vpc_id, vpc->base.id) != 0)
            continue;
        vs_route_t *cur = vs_rtb__find_route(r, cidr);
        if (added && !cur) {
            vs_route_t rt = s_local_route(cidr);
            vs_rtb__add_route(m, r, &rt);
        } else if (!added && cur && strcmp(cur->gateway_id, "local") == 0) {
            vs_rtb__remove_route(m, r, cidr);
        }
    }
}

/* "You can add a CIDR block that's more specific than an existing route,
 * not one equal to or larger than its destination" (VPC User Guide): the
 * new local route would otherwise take over traffic routed elsewhere. */
static int s_cidr_allowed(vs_model_t *m, const vs_vpc_t *vpc, const vs_cidr_t *cidr, bool adding,
                          vs_awserr_t *err)
{
    if (!adding)
        return 0;
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_rtb); o; o = vs_model__next(o, &vs_kind_rtb)) {
        const vs_rtb_t *r = RTB(o);
        if (strcmp(r->vpc_id, vpc->base.id) != 0)
            continue;
        for (size_t i = 0; i < r->nroutes; i++) {
            const vs_route_t *rt = &r->routes[i];
            if (strcmp(rt->gateway_id, "local") == 0 || rt->dest.addr.family != cidr->addr.family ||
                !vs_cidr_contains(cidr, &rt->dest))
                continue;
            char buf[VS_CIDR_STRLEN], dest[VS_CIDR_STRLEN];
            vs_cidr_format(cidr, buf, sizeof buf);
            vs_cidr_format(&rt->dest, dest, sizeof dest);
            return vs_awserr_set(err, "InvalidVpc.Range",
                                 "The CIDR '%s' conflicts with route %s in route table %s", buf, dest,
                                 o->id);
        }
    }
    return 0;
}

/* A deleted subnet's explicit association goes with it. */
static void s_subnet_deleting(vs_model_t *m, vs_subnet_t *s)
{
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_rtb); o; o = vs_model__next(o, &vs_kind_rtb)) {
        vs_rtb_t *r = (vs_rtb_t *)o;
        for (size_t i = r->nassocs; i-- > 0;)
            if (strcmp(r->assocs[i].subnet_id, s->base.id) == 0) {
                vs__erase(r->assocs, &r->nassocs, sizeof *r->assocs, i);
                vs_model__touch(m, o);
            }
    }
}

static const vs_action_t s_actions[] = {
    { "DescribeRouteTables", s_describe },
    { NULL, NULL }
};

static const vs_kind_t *const s_kinds[] = { &vs_kind_rtb, NULL };

const vs_module_t vs_module_rtb = {
    .name = "rtb",
    .actions = s_actions,
    .kinds = s_kinds,
    .vpc_created = s_vpc_created,
    .vpc_delete_check = s_vpc_delete_check,
    .vpc_deleting = s_vpc_deleting,
    .cidr_change_allowed = s_cidr_allowed,
    .vpc_cidr_changed = s_cidr_changed,
    .subnet_deleting = s_subnet_deleting,
};
