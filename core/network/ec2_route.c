/* ec2_route: routes in route tables: CreateRoute, ReplaceRoute,
 * DeleteRoute, and the route module that also lists the table actions of
 * ec2_rtb_assoc.c.
 *
 * Supported targets are internet gateways (GatewayId igw-..., attached to
 * the table's VPC), VPC peering connections that join the table's VPC,
 * and - with ReplaceRoute only - `local`. The other target kinds of the
 * API (NAT gateways, interfaces, transit gateways, ...) have no resources
 * in the simulator and are refused with a clear message.
 *
 * A route's State is computed whenever it is read (route_lookup.h): a
 * route to a pcx is blackhole until the pcx is active and again after it
 * is deleted, and stays in the table until someone deletes it, as in AWS.
 */
#include <stdio.h>
#include <string.h>

#include "igw.h"
#include "params.h"
#include "pcx_model.h"
#include "route_lookup.h"
#include "rtb_actions.h"

/* Non-local routes per table and address family (EC2's default quota). */
#define S_MAX_ROUTES 50

static int s_internal(vs_awserr_t *err)
{
    return vs_awserr_set(err, "InternalError", "An internal error has occurred");
}

/* --- destination ----------------------------------------------------------- */

/* The destination of a route call: exactly one of DestinationCidrBlock
 * (IPv4), DestinationIpv6CidrBlock, DestinationPrefixListId, canonicalised
 * as EC2 does ("100.68.0.18/18" -> "100.68.0.0/18"). */
static int s_parse_dest(const vs_json_t *in, vs_cidr_t *out, vs_awserr_t *err)
{
    const char *v4, *v6, *pl;
    if (vs_param_str(in, "DestinationCidrBlock", false, &v4, err) != 0 ||
        vs_param_str(in, "DestinationIpv6CidrBlock", false, &v6, err) != 0 ||
        vs_param_str(in, "DestinationPrefixListId", false, &pl, err) != 0)
        return -1;
    if (!v4 && !v6 && !pl)
        return vs_awserr_set(err, "MissingParameter",
                             "The request must contain the parameter destinationCidrBlock or "
                             "destinationIpv6CidrBlock or destinationPrefixListId");
    if ((v4 != NULL) + (v6 != NULL) + (pl != NULL) > 1)
        return vs_awserr_set(err, "InvalidParameterCombination",
                             "The parameter %s cannot be used with the parameter %s",
                             v4 ? "destinationCidrBlock" : "destinationIpv6CidrBlock",
                             pl ? "destinationPrefixListId" : "destinationIpv6CidrBlock");
    /* The simulator has no managed prefix lists, so none can be found. */
    if (pl)
        return vs_awserr_set(err, "InvalidPrefixListID.NotFound",
                             "The prefix list ID '%.*s' does not exist", 100, pl);
    const char *s = v4 ? v4 : v6;
    if (vs_cidr_parse(s, VS_CIDR_CANON, out) != 0 || out->addr.family != (v4 ? 4 : 6))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%.*s) for parameter %s is invalid. This is not a valid CIDR "
                             "block.", 100, s, v4 ? "destinationCidrBlock" : "destinationIpv6CidrBlock");
    return 0;
}

static const char *s_dest_param(const vs_cidr_t *c)
{
    return c->addr.family == 4 ? "destination-cidr-block" : "destination-ipv6-cidr-block";
}

/* --- target -------------------------------------------------------------------- */

/* Every target member of CreateRoute/ReplaceRoute, with its name in EC2's
 * messages. Only the first two are supported. */
static const struct {
    const char *key, *name;
} s_targets[] = {
    { "GatewayId", "gatewayId" },
    { "VpcPeeringConnectionId", "vpcPeeringConnectionId" },
    { "NatGatewayId", "natGatewayId" },
    { "NetworkInterfaceId", "networkInterfaceId" },
    { "InstanceId", "instanceId" },
    { "TransitGatewayId", "transitGatewayId" },
    { "EgressOnlyInternetGatewayId", "egressOnlyInternetGatewayId" },
    { "LocalGatewayId", "localGatewayId" },
    { "CarrierGatewayId", "carrierGatewayId" },
    { "VpcEndpointId", "vpcEndpointId" },
    { "CoreNetworkArn", "coreNetworkArn" },
    { "OdbNetworkArn", "odbNetworkArn" },
};
#define S_NTARGETS (sizeof s_targets / sizeof s_targets[0])

typedef struct {
    size_t which;              /* index into s_targets; S_NTARGETS = LocalTarget */
    const char *value;
} s_target_t;

/* Exactly one target; LocalTarget (ReplaceRoute only) counts as one. */
static int s_parse_target(const vs_json_t *in, bool allow_local, s_target_t *t, vs_awserr_t *err)
{
    bool local = false;
    const char *first = NULL;
    size_t n = 0;
    if (allow_local && vs_param_bool(in, "LocalTarget", &local, err) != 0)
        return -1;
    if (local) {
        t->which = S_NTARGETS;
        t->value = "local";
        first = "localTarget";
        n++;
    }
    for (size_t i = 0; i < S_NTARGETS; i++) {
        const char *v;
        if (vs_param_str(in, s_targets[i].key, false, &v, err) != 0)
            return -1;
        if (!v)
            continue;
        if (n++)
            return vs_awserr_set(err, "InvalidParameterCombination",
                                 "The parameter %s cannot be used with the parameter %s", first,
                                 s_targets[i].name);
        first = s_targets[i].name;
        t->which = i;
        t->value = v;
    }
    if (n == 0)
        return vs_awserr_set(err, "MissingParameter",
                             "The request must contain exactly one of gatewayId, "
                             "vpcPeeringConnectionId, natGatewayId, networkInterfaceId, instanceId, "
                             "transitGatewayId, egressOnlyInternetGatewayId, localGatewayId, "
                             "carrierGatewayId, vpcEndpointId, coreNetworkArn or odbNetworkArn");
    return 0;
}

static bool s_is_local_target(const s_target_t *t)
{
    return t->which == S_NTARGETS || (t->which == 0 && strcmp(t->value, "local") == 0);
}

static int s_different_networks(vs_awserr_t *err, const vs_rtb_t *rtb, const char *gw)
{
    return vs_awserr_set(err, "InvalidParameterValue",
                         "route table %s and network gateway %s belong to different networks",
                         rtb->base.id, gw);
}

/* The local route of rtb that contains dest (same family), if any. */
static const vs_route_t *s_local_covering(const vs_rtb_t *rtb, const vs_cidr_t *dest)
{
    for (size_t i = 0; i < rtb->nroutes; i++)
        if (strcmp(rtb->routes[i].gateway_id, "local") == 0 &&
            vs_cidr_contains(&rtb->routes[i].dest, dest))
            return &rtb->routes[i];
    return NULL;
}

/* Checks a non-local target for a route to dest in rtb and fills the
 * target fields of r. */
static int s_resolve_target(const vs_model_t *m, const char *caller, const vs_rtb_t *rtb,
                            const vs_cidr_t *dest, const s_target_t *t, vs_route_t *r,
                            vs_awserr_t *err)
{
    if (t->which == 0) {
        /* EC2 looks a GatewayId up among all gateway kinds, so any ID that
         * is not one of this account's internet gateways is unknown. */
        const vs_igw_t *g = vs_id_valid(t->value, "igw")
                                ? vs_model__find(m, caller, &vs_kind_igw, t->value) : NULL;
        if (!g)
            return vs_awserr_set(err, "InvalidGatewayID.NotFound",
                                 "The gateway ID '%.*s' does not exist", 100, t->value);
        if (strcmp(g->vpc_id, rtb->vpc_id) != 0)
            return s_different_networks(err, rtb, g->base.id);
        snprintf(r->gateway_id, sizeof r->gateway_id, "%s", g->base.id);
    } else if (t->which == 1) {
        const vs_pcx_obj_t *p = vs_pcx__resolve(m, caller, t->value, err);
        if (!p)
            return -1;
        /* [INF] A failed, rejected, expired or deleted connection that is
         * still listed cannot take new routes; EC2 treats it as gone. */
        if (!vs_pcx__live(p))
            return vs_awserr_set(err, "InvalidVpcPeeringConnectionID.NotFound",
                                 "The vpcPeeringConnection ID '%s' does not exist", p->base.id);
        if (!vs_pcx__involves(p, rtb->vpc_id))
            return s_different_networks(err, rtb, p->base.id);
        if (dest->addr.family == 6 &&
            !vs_pcx_ipv6_allowed(p->rec.inter_region, vs_model__cfg(m)->modern_rules))
            return vs_awserr_set(err, "InvalidParameterValue",
                                 "IPv6 is not supported over an inter-Region VPC peering "
                                 "connection (%s)", p->base.id);
        snprintf(r->pcx_id, sizeof r->pcx_id, "%s", p->base.id);
    } else {
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Route target %s is not supported by this simulator: routes can "
                             "target an internet gateway (gatewayId) or a VPC peering connection "
                             "(vpcPeeringConnectionId)", s_targets[t->which].name);
    }
    /* UG-Route-Tables: a route more specific than the local route must
     * match a whole subnet and target a NAT gateway, network interface or
     * Gateway Load Balancer endpoint - never a gateway or a peering
     * connection. (An equal destination is the local route itself, which
     * CreateRoute reports as RouteAlreadyExists.) */
    const vs_route_t *loc = s_local_covering(rtb, dest);
    if (loc) {
        char d[VS_CIDR_STRLEN], l[VS_CIDR_STRLEN];
        vs_cidr_format(dest, d, sizeof d);
        vs_cidr_format(&loc->dest, l, sizeof l);
        return vs_awserr_set(err, "InvalidParameterValue",
                             "The destination CIDR block %s is equal to or more specific than the "
                             "local route %s of this VPC. Such a route must match the CIDR block of "
                             "a subnet and can target only a NAT gateway, network interface or "
                             "Gateway Load Balancer endpoint.", d, l);
    }
    return 0;
}

/* --- CreateRoute -------------------------------------------------------------------- */

/* Destinations EC2 reserves (UG-Route-Tables): no route may point at them
 * or at a subset of them. */
static bool s_reserved(const vs_cidr_t *dest, char *buf, size_t len)
{
    static const char *const ranges[] = { "169.254.168.0/22", "fd00:ec2::/32" };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        vs_cidr_t c;
        if (vs_cidr_parse(ranges[i], VS_CIDR_STRICT, &c) == 0 && vs_cidr_contains(&c, dest)) {
            snprintf(buf, len, "%s", ranges[i]);
            return true;
        }
    }
    return false;
}

static size_t s_count_routes(const vs_rtb_t *rtb, int family)
{
    size_t n = 0;
    for (size_t i = 0; i < rtb->nroutes; i++)
        n += rtb->routes[i].dest.addr.family == family &&
             strcmp(rtb->routes[i].gateway_id, "local") != 0;
    return n;
}

/* RouteTableId, destination and target, in the order EC2 checks them. */
static int s_parse_common(vs_model_t *m, const char *caller, const vs_json_t *in, bool replace,
                          vs_rtb_t **rtb, vs_cidr_t *dest, s_target_t *t, vs_awserr_t *err)
{
    const char *rtb_id;
    if (vs_param_str(in, "RouteTableId", true, &rtb_id, err) != 0 ||
        s_parse_dest(in, dest, err) != 0 || s_parse_target(in, replace, t, err) != 0 ||
        !(*rtb = vs_model__resolve(m, caller, &vs_kind_rtb, rtb_id, err)))
        return -1;
    return 0;
}

static int s_create_route(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                          vs_awserr_t *err)
{
    vs_rtb_t *rtb;
    vs_cidr_t dest;
    s_target_t t;
    char d[VS_CIDR_STRLEN], res[VS_CIDR_STRLEN];
    if (s_parse_common(m, caller, in, false, &rtb, &dest, &t, err) != 0)
        return -1;
    vs_cidr_format(&dest, d, sizeof d);
    if (s_reserved(&dest, res, sizeof res))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "The destination CIDR block %s is reserved: routes to %s or a subset "
                             "of it are not allowed.", d, res);
    if (vs_rtb__find_route(rtb, &dest))
        return vs_awserr_set(err, "RouteAlreadyExists", "The route identified by %s already exists.",
                             d);
    /* Local routes come with the VPC's CIDR blocks; only ReplaceRoute can
     * point a route back at `local`. */
    if (s_is_local_target(&t))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Route target local can be set only with ReplaceRoute, on a route "
                             "within the VPC's CIDR blocks");
    vs_route_t r = { .dest = dest };
    if (s_resolve_target(m, caller, rtb, &dest, &t, &r, err) != 0)
        return -1;
    if (s_count_routes(rtb, dest.addr.family) >= S_MAX_ROUTES)
        return vs_awserr_set(err, "RouteLimitExceeded",
                             "You've reached the limit on the number of routes that you can add to "
                             "a route table.");
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    snprintf(r.origin, sizeof r.origin, "CreateRoute");
    snprintf(r.state, sizeof r.state, "%s", vs_route__state(m, rtb, &r));
    if (vs_rtb__add_route(m, rtb, &r) != 0)
        return s_internal(err);
    *out = vs_json_object();
    vs_json_set_bool(*out, "Return", true);
    return 0;
}

/* --- ReplaceRoute / DeleteRoute --------------------------------------------------------- */

static int s_local_refused(vs_awserr_t *err, const vs_rtb_t *rtb, const vs_cidr_t *dest)
{
    char d[VS_CIDR_STRLEN];
    vs_cidr_format(dest, d, sizeof d);
    return vs_awserr_set(err, "InvalidParameterValue", "cannot remove local route %s in route table %s",
                         d, rtb->base.id);
}

static int s_replace_route(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                           vs_awserr_t *err)
{
    vs_rtb_t *rtb;
    vs_cidr_t dest;
    s_target_t t;
    char d[VS_CIDR_STRLEN];
    if (s_parse_common(m, caller, in, true, &rtb, &dest, &t, err) != 0)
        return -1;
    vs_cidr_format(&dest, d, sizeof d);
    vs_route_t *cur = vs_rtb__find_route(rtb, &dest);
    if (!cur)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "There is no route defined for '%s' in the route table. Use CreateRoute "
                             "instead.", d);
    bool cur_local = strcmp(cur->gateway_id, "local") == 0;
    if (s_is_local_target(&t)) {
        /* `local` can only come back to a route inside the VPC's CIDRs;
         * in this simulator those are the local routes themselves, which
         * no call can change, so restoring them changes nothing. */
        if (!cur_local)
            return vs_awserr_set(err, "InvalidParameterValue",
                                 "Route target local is valid only for a route within the VPC's "
                                 "CIDR blocks; %s is not", d);
        return vs_model__dry_run_check(m, err);
    }
    if (cur_local)
        return s_local_refused(err, rtb, &dest);
    vs_route_t r = { .dest = dest };
    if (s_resolve_target(m, caller, rtb, &dest, &t, &r, err) != 0 ||
        vs_model__dry_run_check(m, err) != 0)
        return -1;
    /* EC2 keeps the Origin (CreateRoute) of a replaced route. */
    snprintf(r.origin, sizeof r.origin, "%s", cur->origin);
    snprintf(r.state, sizeof r.state, "%s", vs_route__state(m, rtb, &r));
    *cur = r;
    vs_model__touch(m, &rtb->base);
    return 0;
}

static int s_delete_route(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                          vs_awserr_t *err)
{
    const char *rtb_id;
    vs_rtb_t *rtb;
    vs_cidr_t dest;
    char d[VS_CIDR_STRLEN];
    if (vs_param_str(in, "RouteTableId", true, &rtb_id, err) != 0 ||
        s_parse_dest(in, &dest, err) != 0 ||
        !(rtb = vs_model__resolve(m, caller, &vs_kind_rtb, rtb_id, err)))
        return -1;
    vs_cidr_format(&dest, d, sizeof d);
    const vs_route_t *cur = vs_rtb__find_route(rtb, &dest);
    if (!cur)
        return vs_awserr_set(err, "InvalidRoute.NotFound", "no route with %s %s in route table %s",
                             s_dest_param(&dest), d, rtb->base.id);
    if (strcmp(cur->gateway_id, "local") == 0)
        return s_local_refused(err, rtb, &dest);
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    vs_rtb__remove_route(m, rtb, &dest);
    return 0;
}

/* --- module ---------------------------------------------------------------------------------- */

static const vs_action_t s_actions[] = {
    { "CreateRouteTable", vs_rtb__create_table },
    { "DeleteRouteTable", vs_rtb__delete_table },
    { "AssociateRouteTable", vs_rtb__associate },
    { "DisassociateRouteTable", vs_rtb__disassociate },
    { "ReplaceRouteTableAssociation", vs_rtb__replace_association },
    { "CreateRoute", s_create_route },
    { "ReplaceRoute", s_replace_route },
    { "DeleteRoute", s_delete_route },
    { NULL, NULL }
};

const vs_module_t vs_module_route = {
    .name = "route",
    .actions = s_actions,
};
