/* Shared fixture of the check_route* tests: the model fixture plus a test
 * module whose action "TestLookup" runs the exported route lookup
 * (route_lookup.h) for a subnet and a destination address, the way
 * reachability analysis will. Defines vs_module_test: include it from one
 * file per test executable. */
#ifndef CHECK_ROUTE_FIXTURE_H
#define CHECK_ROUTE_FIXTURE_H

#include "check_model_fixture.h"
#include "network.h"
#include "route_lookup.h"

/* {"SubnetId", "Dst"} -> {"RouteTableId", "Destination" (absent if no
 * route matched), "Target", "Blackhole"}. */
static int t_lookup(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                    vs_awserr_t *err)
{
    vs_subnet_t *s = vs_model__resolve(m, caller, &vs_kind_subnet, vs_json_get_str(in, "SubnetId"), err);
    vs_ip_t dst;
    if (!s)
        return -1;
    if (vs_ip_parse(vs_json_get_str(in, "Dst"), &dst) != 0)
        return vs_awserr_set(err, "TestBadIp", "bad ip");
    const vs_rtb_t *rtb = vs_rtb__for_subnet(m, s);
    if (!rtb)
        return vs_awserr_set(err, "TestNoTable", "no table");
    bool bh = true;
    const vs_route_t *r = vs_rtb__lookup(m, rtb, &dst, &bh);
    *out = vs_json_object();
    vs_json_set_str(*out, "RouteTableId", rtb->base.id);
    if (r) {
        char buf[VS_CIDR_STRLEN];
        vs_cidr_format(&r->dest, buf, sizeof buf);
        vs_json_set_str(*out, "Destination", buf);
        vs_json_set_str(*out, "Target", r->pcx_id[0] ? r->pcx_id : r->gateway_id);
    }
    vs_json_set_bool(*out, "Blackhole", bh);
    return 0;
}

static const vs_action_t t_actions[] = {
    { "TestLookup", t_lookup },
    { NULL, NULL }
};

const vs_module_t vs_module_test = {
    .name = "test",
    .actions = t_actions,
};

/* "dest -> target (blackhole)" for a subnet and an address, "none" if no
 * route matched, on model m. */
static inline const char *lookup_on(vs_model_t *m, const char *subnet, const char *dst)
{
    const fx_res_t *r = fx_call_on(m, ACCT, "TestLookup",
                                   J("{\"SubnetId\":\"%s\",\"Dst\":\"%s\"}", subnet, dst));
    ck_assert_msg(r->ok, "TestLookup: %s %s", r->code, r->msg);
    const vs_json_t *o = r->out;
    if (!vs_json_get(o, "Destination")) {
        ck_assert(!vs_json_get_bool(o, "Blackhole", true));
        return "none";
    }
    return J("%s -> %s%s", vs_json_get_str(o, "Destination"), vs_json_get_str(o, "Target"),
             vs_json_get_bool(o, "Blackhole", false) ? " (blackhole)" : "");
}

static inline const char *lookup(const char *subnet, const char *dst)
{
    return lookup_on(g_m, subnet, dst);
}

/* The table a subnet's traffic uses, by the exported lookup. */
static inline const char *table_of(const char *subnet)
{
    vs_json_t *o = OK("TestLookup", J("{\"SubnetId\":\"%s\",\"Dst\":\"10.0.0.1\"}", subnet));
    return S(o, "RouteTableId");
}

/* The route of table rtb to dest as DescribeRouteTables shows it (NULL if
 * it has none). */
static inline const vs_json_t *route_of(const char *rtb, const char *dest)
{
    const vs_json_t *t = describe_one("DescribeRouteTables", "RouteTableIds", "RouteTables", rtb);
    const vs_json_t *routes = vs_json_get(t, "Routes");
    for (size_t i = 0; i < vs_json_len(routes); i++) {
        const vs_json_t *r = vs_json_at(routes, i);
        const char *d = vs_json_get_str(r, "DestinationCidrBlock");
        if (!d)
            d = vs_json_get_str(r, "DestinationIpv6CidrBlock");
        if (d && strcmp(d, dest) == 0)
            return r;
    }
    return NULL;
}

static inline const char *state_of(const char *rtb, const char *dest)
{
    const vs_json_t *r = route_of(rtb, dest);
    ck_assert_msg(r != NULL, "no route %s in %s", dest, rtb);
    return S(r, "State");
}

static inline const char *main_rtb(const char *vpc)
{
    vs_json_t *o = OK("DescribeRouteTables",
                      J("{\"Filters\":[{\"Name\":\"vpc-id\",\"Values\":[\"%s\"]},"
                        "{\"Name\":\"association.main\",\"Values\":[\"true\"]}]}", vpc));
    ck_assert_int_eq(N(o, "RouteTables"), 1);
    return S(o, "RouteTables.0.RouteTableId");
}

static inline const char *mkrtb(const char *vpc)
{
    return S(OK("CreateRouteTable", J("{\"VpcId\":\"%s\"}", vpc)), "RouteTable.RouteTableId");
}

static inline const char *mkigw(void)
{
    return S(OK("CreateInternetGateway", NULL), "InternetGateway.InternetGatewayId");
}

/* The IDs of the tables a DescribeRouteTables filter list selects. */
#define RF(f) ids_of(OK("DescribeRouteTables", J("{\"Filters\":%s}", f)), "RouteTables", "RouteTableId")

#endif
