/* Unit tests of routes to VPC peering connections: which connections a
 * route may use, and the route State following the connection's state in
 * every account that routes over it (blackhole -> active -> blackhole).
 * Same-account connections run in one model; cross-account and
 * inter-Region ones in the deterministic in-process cluster (simnet). */
#include "check_route_fixture.h"
#include "simnet.h"

#define PCX_DELAY_MS 2000ull   /* provisioning -> active, deleting -> deleted */

static const char *mkpcx(const char *vpc, const char *peer)
{
    vs_json_t *o = OK("CreateVpcPeeringConnection", J("{\"VpcId\":\"%s\",\"PeerVpcId\":\"%s\"}", vpc, peer));
    return S(o, "VpcPeeringConnection.VpcPeeringConnectionId");
}

static void advance(uint64_t ms)
{
    g_mc.now += ms;
    vs_model_tick(g_m);
}

static const char *pcx_route(const char *rtb, const char *dest_key, const char *dest, const char *pcx)
{
    return J("{\"RouteTableId\":\"%s\",\"%s\":\"%s\",\"VpcPeeringConnectionId\":\"%s\"}", rtb, dest_key, dest, pcx);
}

/* --- one account, one Region: both sides in one model ------------------------------------ */

START_TEST(same_account_states)
{
    const char *v1 = mkvpc("10.1.0.0/16"), *v2 = mkvpc("10.2.0.0/16"), *v3 = mkvpc("10.3.0.0/16");
    const char *s1 = mksubnet(v1, "10.1.1.0/24"), *s2 = mksubnet(v2, "10.2.1.0/24");
    const char *r1 = main_rtb(v1), *r2 = main_rtb(v2), *r3 = main_rtb(v3);
    const char *pcx = mkpcx(v1, v2);

    /* initiating-request: a route is allowed and is blackhole. */
    OK("CreateRoute", pcx_route(r1, "DestinationCidrBlock", "10.2.0.0/16", pcx));
    const vs_json_t *r = route_of(r1, "10.2.0.0/16");
    ck_assert_str_eq(fx_keys(r), "DestinationCidrBlock,Origin,State,VpcPeeringConnectionId");
    ck_assert_str_eq(S(r, "VpcPeeringConnectionId"), pcx);
    ck_assert_str_eq(S(r, "Origin"), "CreateRoute");
    ck_assert_str_eq(S(r, "State"), "blackhole");
    /* pending-acceptance: the accepter side routes back, still blackhole. */
    advance(0);
    ck_assert_str_eq(S(describe_one("DescribeVpcPeeringConnections", "VpcPeeringConnectionIds",
                                    "VpcPeeringConnections", pcx), "Status.Code"), "pending-acceptance");
    OK("CreateRoute", pcx_route(r2, "DestinationCidrBlock", "10.1.0.0/16", pcx));
    ck_assert_str_eq(state_of(r2, "10.1.0.0/16"), "blackhole");
    ck_assert_str_eq(lookup(s1, "10.2.1.5"), J("10.2.0.0/16 -> %s (blackhole)", pcx));

    /* A table of a VPC the connection does not join is another network. */
    ERR("CreateRoute", pcx_route(r3, "DestinationCidrBlock", "10.2.0.0/16", pcx), "InvalidParameterValue",
        J("route table %s and network gateway %s belong to different networks", r3, pcx));
    ERR("CreateRoute", pcx_route(r1, "DestinationCidrBlock", "10.9.0.0/16", "pcx-0123456789abcdef0"),
        "InvalidVpcPeeringConnectionID.NotFound", "The vpcPeeringConnection ID 'pcx-0123456789abcdef0' does not exist");
    ERR("CreateRoute", pcx_route(r1, "DestinationCidrBlock", "10.9.0.0/16", "pcx-zz"),
        "InvalidVpcPeeringConnectionId.Malformed", "Invalid id: \"pcx-zz\" (expecting \"pcx-...\")");
    /* Inside the table's own VPC: refused for a peering connection too. */
    ERR("CreateRoute", pcx_route(r1, "DestinationCidrBlock", "10.1.5.0/24", pcx), "InvalidParameterValue", NULL);

    /* provisioning: still blackhole; active 2 s later. */
    vs_json_t *o = OK("AcceptVpcPeeringConnection", J("{\"VpcPeeringConnectionId\":\"%s\"}", pcx));
    ck_assert_str_eq(S(o, "VpcPeeringConnection.Status.Code"), "provisioning");
    ck_assert_str_eq(state_of(r1, "10.2.0.0/16"), "blackhole");
    advance(PCX_DELAY_MS);
    ck_assert_str_eq(S(describe_one("DescribeVpcPeeringConnections", "VpcPeeringConnectionIds",
                                    "VpcPeeringConnections", pcx), "Status.Code"), "active");
    ck_assert_str_eq(state_of(r1, "10.2.0.0/16"), "active");
    ck_assert_str_eq(state_of(r2, "10.1.0.0/16"), "active");
    ck_assert_str_eq(lookup(s1, "10.2.1.5"), J("10.2.0.0/16 -> %s", pcx));
    ck_assert_str_eq(lookup(s2, "10.1.77.1"), J("10.1.0.0/16 -> %s", pcx));
    ck_assert_str_eq(lookup(s1, "10.3.0.1"), "none");
    ck_assert_str_eq(RF("[{\"Name\":\"route.state\",\"Values\":[\"active\"]},"
                        "{\"Name\":\"route.origin\",\"Values\":[\"CreateRoute\"]}]"), J("%s,%s", r1, r2));
    ck_assert_str_eq(RF(J("[{\"Name\":\"route.vpc-peering-connection-id\",\"Values\":[\"%s\"]}]", pcx)), J("%s,%s", r1, r2));
    /* A more specific route wins over the peering route. */
    const char *igw = mkigw();
    OK("AttachInternetGateway", J("{\"InternetGatewayId\":\"%s\",\"VpcId\":\"%s\"}", igw, v1));
    OK("CreateRoute", J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"10.2.1.0/24\",\"GatewayId\":\"%s\"}", r1, igw));
    ck_assert_str_eq(lookup(s1, "10.2.1.5"), J("10.2.1.0/24 -> %s", igw));
    ck_assert_str_eq(lookup(s1, "10.2.2.5"), J("10.2.0.0/16 -> %s", pcx));
    /* ReplaceRoute switches targets and keeps the Origin. */
    OK("ReplaceRoute", pcx_route(r1, "DestinationCidrBlock", "10.2.1.0/24", pcx));
    r = route_of(r1, "10.2.1.0/24");
    ck_assert_str_eq(fx_keys(r), "DestinationCidrBlock,Origin,State,VpcPeeringConnectionId");
    ck_assert_str_eq(S(r, "State"), "active");
    ERR("ReplaceRoute", pcx_route(r3, "DestinationCidrBlock", "10.1.0.0/16", pcx), "InvalidParameterValue",
        "There is no route defined for '10.1.0.0/16' in the route table. Use CreateRoute instead.");
    OK("ReplaceRoute", J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"10.2.1.0/24\",\"GatewayId\":\"%s\"}", r1, igw));
    ck_assert_str_eq(S(route_of(r1, "10.2.1.0/24"), "GatewayId"), igw);

    /* Routes and states survive a restart. */
    store_t st = { 0 };
    vs_model_flush(g_m, st_put, &st);
    vs_model_t *m2 = st_reload(&st);
    ck_assert_str_eq(dump_on(m2, "DescribeRouteTables", NULL), dump_on(g_m, "DescribeRouteTables", NULL));
    ck_assert_str_eq(lookup_on(m2, s2, "10.1.77.1"), J("10.1.0.0/16 -> %s", pcx));
    vs_model_destroy(&m2);
    st_free(&st);

    /* Deleted: every route over it turns blackhole and stays. */
    OK("DeleteVpcPeeringConnection", J("{\"VpcPeeringConnectionId\":\"%s\"}", pcx));
    ck_assert_str_eq(state_of(r1, "10.2.0.0/16"), "blackhole");
    ck_assert_str_eq(state_of(r2, "10.1.0.0/16"), "blackhole");
    ck_assert_str_eq(lookup(s2, "10.1.77.1"), J("10.1.0.0/16 -> %s (blackhole)", pcx));
    ck_assert_str_eq(RF("[{\"Name\":\"route.state\",\"Values\":[\"blackhole\"]}]"), J("%s,%s", r1, r2));
    /* Filters match any route of a table (local routes are always active). */
    ck_assert_str_eq(RF("[{\"Name\":\"route.state\",\"Values\":[\"active\"]}]"), J("%s,%s,%s", r1, r2, r3));
    /* A deleted connection still listed takes no new routes. */
    ERR("CreateRoute", pcx_route(r1, "DestinationCidrBlock", "10.20.0.0/16", pcx),
        "InvalidVpcPeeringConnectionID.NotFound", J("The vpcPeeringConnection ID '%s' does not exist", pcx));
    /* Aged out of view (2 h for a same-account connection): still blackhole. */
    advance(3 * VS_HOUR_MS);
    ck_assert_int_eq(N(OK("DescribeVpcPeeringConnections", NULL), "VpcPeeringConnections"), 0);
    ck_assert_str_eq(state_of(r1, "10.2.0.0/16"), "blackhole");
    OK("DeleteRoute", J("{\"RouteTableId\":\"%s\",\"DestinationCidrBlock\":\"10.2.0.0/16\"}", r1));
    ck_assert_ptr_null(route_of(r1, "10.2.0.0/16"));
}
END_TEST

/* IPv6 over an intra-Region connection is always allowed. */
START_TEST(same_region_ipv6)
{
    const char *v1 = S(OK("CreateVpc", "{\"CidrBlock\":\"10.1.0.0/16\",\"AmazonProvidedIpv6CidrBlock\":true}"), "Vpc.VpcId");
    const char *v2 = S(OK("CreateVpc", "{\"CidrBlock\":\"10.2.0.0/16\",\"AmazonProvidedIpv6CidrBlock\":true}"), "Vpc.VpcId");
    const char *r1 = main_rtb(v1), *pcx = mkpcx(v1, v2);
    const char *peer6 = S(describe_one("DescribeVpcs", "VpcIds", "Vpcs", v2), "Ipv6CidrBlockAssociationSet.0.Ipv6CidrBlock");
    const char *own6 = S(describe_one("DescribeVpcs", "VpcIds", "Vpcs", v1), "Ipv6CidrBlockAssociationSet.0.Ipv6CidrBlock");
    OK("CreateRoute", pcx_route(r1, "DestinationIpv6CidrBlock", peer6, pcx));
    const vs_json_t *r = route_of(r1, peer6);
    ck_assert_str_eq(fx_keys(r), "DestinationIpv6CidrBlock,Origin,State,VpcPeeringConnectionId");
    ck_assert_str_eq(S(r, "State"), "blackhole");
    /* The table's own IPv6 block is local. */
    ERR("CreateRoute", pcx_route(r1, "DestinationIpv6CidrBlock", own6, pcx), "RouteAlreadyExists", NULL);
    advance(0);
    OK("AcceptVpcPeeringConnection", J("{\"VpcPeeringConnectionId\":\"%s\"}", pcx));
    advance(PCX_DELAY_MS);
    ck_assert_str_eq(state_of(r1, peer6), "active");
    /* The peer's own table holds the same block as its local route. */
    ck_assert_str_eq(RF(J("[{\"Name\":\"route.destination-ipv6-cidr-block\",\"Values\":[\"%s\"]}]", peer6)),
                     J("%s,%s", r1, main_rtb(v2)));
}
END_TEST

/* A rejected request: its routes stay blackhole and it takes no new ones. */
START_TEST(rejected_pcx)
{
    const char *v1 = mkvpc("10.1.0.0/16"), *v2 = mkvpc("10.2.0.0/16");
    const char *r1 = main_rtb(v1), *pcx = mkpcx(v1, v2);
    advance(0);
    OK("CreateRoute", pcx_route(r1, "DestinationCidrBlock", "10.2.0.0/16", pcx));
    OK("RejectVpcPeeringConnection", J("{\"VpcPeeringConnectionId\":\"%s\"}", pcx));
    ck_assert_str_eq(state_of(r1, "10.2.0.0/16"), "blackhole");
    ERR("CreateRoute", pcx_route(r1, "DestinationCidrBlock", "10.3.0.0/16", pcx),
        "InvalidVpcPeeringConnectionID.NotFound", NULL);
    ERR("ReplaceRoute", pcx_route(r1, "DestinationCidrBlock", "10.2.0.0/16", pcx),
        "InvalidVpcPeeringConnectionID.NotFound", NULL);
}
END_TEST

/* --- across accounts and Regions (simnet) ------------------------------------------------------ */

static vs_simnet_t *g_net;

static const vs_simnet_reply_t *sn_call(int agent, const char *action, const char *input)
{
    uint64_t id = vs_simnet_call(g_net, agent, action, input);
    vs_simnet_settle(g_net, 60000);
    const vs_simnet_reply_t *r = vs_simnet_reply(g_net, id);
    ck_assert_ptr_nonnull(r);
    return r;
}

static vs_json_t *sn_ok(int agent, const char *action, const char *input)
{
    const vs_simnet_reply_t *r = sn_call(agent, action, input);
    ck_assert_msg(r->state == VS_CALL_OK, "a%d %s failed: %s: %s (%s)", agent, action,
                  r->code ? r->code : "?", r->message ? r->message : "?", input);
    return r->output_json[0] ? fx_parse(r->output_json) : NULL;
}

static void sn_err(int agent, const char *action, const char *input, const char *code, const char *msg)
{
    const vs_simnet_reply_t *r = sn_call(agent, action, input);
    ck_assert_msg(r->state == VS_CALL_FAILED, "a%d %s succeeded, expected %s", agent, action, code);
    ck_assert_str_eq(r->code, code);
    if (msg)
        ck_assert_str_eq(r->message, msg);
}

static const char *sn_vpc(int agent, const char *cidr)
{
    return S(sn_ok(agent, "CreateVpc", J("{\"CidrBlock\":\"%s\",\"AmazonProvidedIpv6CidrBlock\":true}", cidr)),
             "Vpc.VpcId");
}

static const char *sn_main_rtb(int agent, const char *vpc)
{
    return S(sn_ok(agent, "DescribeRouteTables", J("{\"Filters\":[{\"Name\":\"vpc-id\",\"Values\":[\"%s\"]}]}", vpc)),
             "RouteTables.0.RouteTableId");
}

static const char *sn_v6(int agent, const char *vpc)
{
    return S(sn_ok(agent, "DescribeVpcs", J("{\"VpcIds\":[\"%s\"]}", vpc)), "Vpcs.0.Ipv6CidrBlockAssociationSet.0.Ipv6CidrBlock");
}

/* State of the only route of rtb over a peering connection. */
static const char *sn_state(int agent, const char *rtb)
{
    vs_json_t *o = sn_ok(agent, "DescribeRouteTables",
                         J("{\"RouteTableIds\":[\"%s\"],\"Filters\":[{\"Name\":\"route.vpc-peering-connection-id\","
                           "\"Values\":[\"pcx-*\"]}]}", rtb));
    ck_assert_int_eq(N(o, "RouteTables"), 1);
    const vs_json_t *routes = P(o, "RouteTables.0.Routes");
    for (size_t i = 0; i < vs_json_len(routes); i++)
        if (vs_json_get(vs_json_at(routes, i), "VpcPeeringConnectionId"))
            return S(vs_json_at(routes, i), "State");
    ck_abort_msg("no pcx route in %s", rtb);
    return NULL;
}

static void sn_advance(uint64_t ms)
{
    vs_simnet_run_until(g_net, vs_simnet_now(g_net) + ms);
    vs_simnet_settle(g_net, 60000);
}

static void sn_teardown(void)
{
    vs_simnet_destroy(&g_net);
    fx_teardown();
}

/* Requester 111111111111 in ap-northeast-1, accepter 222222222222 in
 * `peer_region`; returns the active pcx, with VPC IDs in vpcs[2]. */
static const char *sn_peer(const char *peer_region, bool modern, const char *vpcs[2])
{
    vs_model_config_t cfg = { .modern_rules = modern };
    g_net = vs_simnet_new(7, T0);
    ck_assert_int_eq(vs_simnet_add(g_net, ACCT, REGION, &cfg), 0);
    ck_assert_int_eq(vs_simnet_add(g_net, OTHER, peer_region, &cfg), 1);
    vpcs[0] = sn_vpc(0, "10.1.0.0/16");
    vpcs[1] = sn_vpc(1, "10.2.0.0/16");
    const char *pcx = S(sn_ok(0, "CreateVpcPeeringConnection",
                              J("{\"VpcId\":\"%s\",\"PeerVpcId\":\"%s\",\"PeerOwnerId\":\"" OTHER "\","
                                "\"PeerRegion\":\"%s\"}", vpcs[0], vpcs[1], peer_region)),
                        "VpcPeeringConnection.VpcPeeringConnectionId");
    return pcx;
}

static void sn_accept(const char *pcx)
{
    sn_ok(1, "AcceptVpcPeeringConnection", J("{\"VpcPeeringConnectionId\":\"%s\"}", pcx));
    sn_advance(PCX_DELAY_MS + 1000);
    ck_assert_str_eq(S(sn_ok(1, "DescribeVpcPeeringConnections", J("{\"VpcPeeringConnectionIds\":[\"%s\"]}", pcx)),
                       "VpcPeeringConnections.0.Status.Code"), "active");
}

/* Both accounts see their routes follow the connection. */
START_TEST(cross_account_states)
{
    const char *v[2];
    const char *pcx = sn_peer(REGION, false, v);
    const char *r0 = sn_main_rtb(0, v[0]), *r1 = sn_main_rtb(1, v[1]);
    sn_ok(0, "CreateRoute", pcx_route(r0, "DestinationCidrBlock", "10.2.0.0/16", pcx));
    sn_ok(1, "CreateRoute", pcx_route(r1, "DestinationCidrBlock", "10.1.0.0/16", pcx));
    ck_assert_str_eq(sn_state(0, r0), "blackhole");
    ck_assert_str_eq(sn_state(1, r1), "blackhole");
    /* Intra-Region: IPv6 is fine. */
    sn_ok(0, "CreateRoute", pcx_route(r0, "DestinationIpv6CidrBlock", sn_v6(1, v[1]), pcx));
    sn_accept(pcx);
    ck_assert_str_eq(sn_state(0, r0), "active");
    ck_assert_str_eq(sn_state(1, r1), "active");
    /* A crash and restart of the accepter keeps its routes and states. */
    vs_simnet_crash(g_net, 1);
    ck_assert_str_eq(sn_state(1, r1), "active");
    /* The accepter deletes it: the requester's routes go blackhole too. */
    sn_ok(1, "DeleteVpcPeeringConnection", J("{\"VpcPeeringConnectionId\":\"%s\"}", pcx));
    sn_advance(PCX_DELAY_MS + 1000);
    ck_assert_str_eq(sn_state(0, r0), "blackhole");
    ck_assert_str_eq(sn_state(1, r1), "blackhole");
    /* Long after both views aged out: still there, still blackhole. */
    sn_advance(3 * VS_DAY_MS);
    ck_assert_str_eq(sn_state(0, r0), "blackhole");
    ck_assert_str_eq(sn_state(1, r1), "blackhole");
}
END_TEST

/* Seed rules: no IPv6 over an inter-Region connection; IPv4 works. */
START_TEST(inter_region_seed_rules)
{
    const char *v[2];
    const char *pcx = sn_peer("us-east-1", false, v);
    const char *r0 = sn_main_rtb(0, v[0]), *r1 = sn_main_rtb(1, v[1]);
    sn_err(0, "CreateRoute", pcx_route(r0, "DestinationIpv6CidrBlock", sn_v6(1, v[1]), pcx), "InvalidParameterValue",
           J("IPv6 is not supported over an inter-Region VPC peering connection (%s)", pcx));
    sn_ok(0, "CreateRoute", pcx_route(r0, "DestinationCidrBlock", "10.2.0.0/16", pcx));
    sn_accept(pcx);
    sn_err(1, "CreateRoute", pcx_route(r1, "DestinationIpv6CidrBlock", sn_v6(0, v[0]), pcx), "InvalidParameterValue", NULL);
    sn_ok(1, "CreateRoute", pcx_route(r1, "DestinationCidrBlock", "10.1.0.0/16", pcx));
    ck_assert_str_eq(sn_state(0, r0), "active");
    ck_assert_str_eq(sn_state(1, r1), "active");
    /* The requester deletes it: deleting, then deleted, blackhole on both sides. */
    sn_ok(0, "DeleteVpcPeeringConnection", J("{\"VpcPeeringConnectionId\":\"%s\"}", pcx));
    ck_assert_str_eq(sn_state(0, r0), "blackhole");
    sn_advance(PCX_DELAY_MS + 1000);
    ck_assert_str_eq(sn_state(0, r0), "blackhole");
    ck_assert_str_eq(sn_state(1, r1), "blackhole");
}
END_TEST

/* Modern rules: IPv6 routes over an inter-Region connection are allowed. */
START_TEST(inter_region_modern_rules)
{
    const char *v[2];
    const char *pcx = sn_peer("us-east-1", true, v);
    const char *r0 = sn_main_rtb(0, v[0]);
    const char *peer6 = sn_v6(1, v[1]);
    sn_ok(0, "CreateRoute", pcx_route(r0, "DestinationIpv6CidrBlock", peer6, pcx));
    ck_assert_str_eq(sn_state(0, r0), "blackhole");
    sn_accept(pcx);
    ck_assert_str_eq(sn_state(0, r0), "active");
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("route_pcx");
    TCase *tc = tcase_create("same_account");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, same_account_states);
    tcase_add_test(tc, same_region_ipv6);
    tcase_add_test(tc, rejected_pcx);
    suite_add_tcase(s, tc);
    TCase *tn = tcase_create("simnet");
    tcase_add_checked_fixture(tn, fx_setup, sn_teardown);
    tcase_add_test(tn, cross_account_states);
    tcase_add_test(tn, inter_region_seed_rules);
    tcase_add_test(tn, inter_region_modern_rules);
    suite_add_tcase(s, tn);
    return s;
}
