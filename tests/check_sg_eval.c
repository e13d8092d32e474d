/* Unit tests of the security group evaluator (vs_sg__allows), and of
 * references to a peer VPC's group across a same-account pcx: valid only
 * while the pcx is active, stale (kept, admitting nothing, listed by
 * DescribeStaleSecurityGroups) once it is deleted, live again with a new
 * pcx between the same VPCs. check_sg_peer.c does the same across
 * accounts and Regions. */
#include "check_model_fixture.h"
#include "sg.h"

static const char *mksg(const char *vpc, const char *name)
{
    return S(OK("CreateSecurityGroup", J("{\"GroupName\":\"%s\",\"Description\":\"d %s\",\"VpcId\":\"%s\"}", name,
                                         name, vpc)), "GroupId");
}

static vs_json_t *auth(const char *id, bool egress, const char *perms)
{
    return OK(egress ? "AuthorizeSecurityGroupEgress" : "AuthorizeSecurityGroupIngress",
              J("{\"GroupId\":\"%s\",\"IpPermissions\":%s}", id, perms));
}

static vs_ip_t ip(const char *s)
{
    vs_ip_t a;
    ck_assert_int_eq(vs_ip_parse(s, &a), 0);
    return a;
}

/* Does group g admit proto/port from (or, egress, to) address `from`
 * belonging to groups peers ("" = none, else comma-free single ID)? The
 * matching rule's text goes to g_desc. */
static char g_desc[128];
static const char *g_matched;

static bool allows_sgs(const char *const *ids, size_t n, bool egress, int proto, int port,
                       const char *from, const char *acct, const char *peer_sg)
{
    vs_ip_t a;
    if (from)
        a = ip(from);
    g_desc[0] = '\0';
    g_matched = NULL;
    const char *peers[1] = { peer_sg };
    return vs_sg__allows(g_m, ids, n, egress, proto, port, from ? &a : NULL, acct, peers,
                         peer_sg ? 1 : 0, &g_matched, g_desc, sizeof g_desc);
}

static bool allows(const char *g, bool egress, int proto, int port, const char *from,
                   const char *peer_sg)
{
    return allows_sgs(&g, 1, egress, proto, port, from, ACCT, peer_sg);
}

/* --- the evaluator on hand-made rules -------------------------------------------------------- */

START_TEST(eval_cidr_rules)
{
    const char *v = mkvpc("10.1.0.0/16");
    const char *g = mksg(v, "g"), *h = mksg(v, "h");
    auth(g, false, "[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,\"IpRanges\":[{\"CidrIp\":\"10.2.0.0/16\"}]},"
                   "{\"IpProtocol\":\"tcp\",\"FromPort\":1000,\"ToPort\":2000,\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]},"
                   "{\"IpProtocol\":\"udp\",\"FromPort\":53,\"ToPort\":53,\"IpRanges\":[{\"CidrIp\":\"10.0.0.0/8\"}]},"
                   "{\"IpProtocol\":\"icmp\",\"FromPort\":8,\"ToPort\":-1,\"IpRanges\":[{\"CidrIp\":\"10.0.0.0/8\"}]},"
                   "{\"IpProtocol\":\"icmpv6\",\"FromPort\":-1,\"ToPort\":-1,\"Ipv6Ranges\":[{\"CidrIpv6\":\"2600:1f00::/56\"}]},"
                   "{\"IpProtocol\":\"tcp\",\"FromPort\":443,\"ToPort\":443,\"Ipv6Ranges\":[{\"CidrIpv6\":\"2600:1f00::/56\"}]},"
                   "{\"IpProtocol\":\"50\",\"IpRanges\":[{\"CidrIp\":\"10.5.0.0/16\"}]}]");
    /* CIDR and port. */
    ck_assert(allows(g, false, VS_SG_TCP, 22, "10.2.3.4", NULL));
    ck_assert_str_eq(g_desc, "tcp 22 from 10.2.0.0/16");
    ck_assert_str_eq(g_matched, g);
    ck_assert(!allows(g, false, VS_SG_TCP, 22, "10.3.0.1", NULL));
    ck_assert(!allows(g, false, VS_SG_TCP, 23, "10.2.3.4", NULL));
    ck_assert_str_eq(g_desc, "");
    ck_assert_ptr_null(g_matched);
    /* Port ranges, inclusive. */
    ck_assert(allows(g, false, VS_SG_TCP, 1000, "8.8.8.8", NULL));
    ck_assert(allows(g, false, VS_SG_TCP, 2000, "8.8.8.8", NULL));
    ck_assert_str_eq(g_desc, "tcp 1000-2000 from 0.0.0.0/0");
    ck_assert(!allows(g, false, VS_SG_TCP, 2001, "8.8.8.8", NULL));
    ck_assert(!allows(g, false, VS_SG_UDP, 1500, "8.8.8.8", NULL));
    ck_assert(allows(g, false, VS_SG_UDP, 53, "10.200.0.1", NULL));
    ck_assert_str_eq(g_desc, "udp 53 from 10.0.0.0/8");
    /* ICMP by type; an unknown type only matches "any type". */
    ck_assert(allows(g, false, VS_SG_ICMP, 8, "10.9.9.9", NULL));
    ck_assert_str_eq(g_desc, "icmp 8 from 10.0.0.0/8");
    ck_assert(!allows(g, false, VS_SG_ICMP, 0, "10.9.9.9", NULL));
    ck_assert(!allows(g, false, VS_SG_ICMP, -1, "10.9.9.9", NULL));
    ck_assert(allows(g, false, VS_SG_ICMPV6, 128, "2600:1f00::5", NULL));
    ck_assert(!allows(g, false, VS_SG_ICMPV6, 128, "2600:1f01::5", NULL));
    /* Families never cross. */
    ck_assert(allows(g, false, VS_SG_TCP, 443, "2600:1f00:0:ff::1", NULL));
    ck_assert(!allows(g, false, VS_SG_TCP, 22, "::ffff:10.2.0.1", NULL));
    /* Another protocol number: every port. */
    ck_assert(allows(g, false, 50, 0, "10.5.1.1", NULL));
    ck_assert_str_eq(g_desc, "proto 50 from 10.5.0.0/16");
    ck_assert(!allows(g, false, 51, 0, "10.5.1.1", NULL));
    /* "All traffic" is admitted only by an all-traffic rule. */
    ck_assert(!allows(g, false, VS_SG_ALL, -1, "10.2.3.4", NULL));
    /* No address: CIDR rules cannot match. */
    ck_assert(!allows(g, false, VS_SG_TCP, 22, NULL, NULL));
    /* Egress: the default rule admits everything to IPv4 only. */
    ck_assert(allows(g, true, VS_SG_TCP, 5432, "10.2.0.9", NULL));
    ck_assert_str_eq(g_desc, "all to 0.0.0.0/0");
    ck_assert(allows(g, true, VS_SG_ALL, -1, "1.1.1.1", NULL));
    ck_assert(!allows(g, true, VS_SG_TCP, 443, "2600:1f00::1", NULL));
    /* After revoking it, nothing goes out. */
    OK("RevokeSecurityGroupEgress", J("{\"GroupId\":\"%s\",\"IpPermissions\":[{\"IpProtocol\":\"-1\",\"IpRanges\":"
                                      "[{\"CidrIp\":\"0.0.0.0/0\"}]}]}", g));
    ck_assert(!allows(g, true, VS_SG_TCP, 5432, "10.2.0.9", NULL));
    /* Any group of the set may admit; the matching one is reported.
     * Unknown IDs are skipped. */
    auth(h, false, "[{\"IpProtocol\":\"-1\",\"IpRanges\":[{\"CidrIp\":\"10.3.0.0/16\"}]}]");
    const char *set[] = { "sg-0123456789abcdef0", g, h };
    ck_assert(allows_sgs(set, 3, false, VS_SG_TCP, 22, "10.3.0.1", ACCT, NULL));
    ck_assert_str_eq(g_matched, h);
    ck_assert_str_eq(g_desc, "all from 10.3.0.0/16");
    ck_assert(!allows_sgs(set, 2, false, VS_SG_TCP, 22, "10.3.0.1", ACCT, NULL));
    /* Out parameters are optional. */
    vs_ip_t a = ip("10.3.0.1");
    ck_assert(vs_sg__allows(g_m, set, 3, false, VS_SG_UDP, 9, &a, ACCT, NULL, 0, NULL, NULL, 0));
}
END_TEST

START_TEST(eval_group_refs)
{
    const char *v = mkvpc("10.1.0.0/16");
    const char *d = vs_sg__default_for_vpc(g_m, v), *app = mksg(v, "app"), *db = mksg(v, "db");
    auth(db, false, J("[{\"IpProtocol\":\"tcp\",\"FromPort\":5432,\"ToPort\":5432,\"UserIdGroupPairs\":[{\"GroupId\":\"%s\"}]}]", app));
    /* Members of the default group may talk to each other, and only they. */
    ck_assert(allows(d, false, VS_SG_UDP, 9999, "10.1.0.5", d));
    ck_assert_str_eq(g_desc, J("all from %s", d));
    ck_assert(!allows(d, false, VS_SG_UDP, 9999, "10.1.0.5", app));
    ck_assert(!allows(d, false, VS_SG_UDP, 9999, "10.1.0.5", NULL));
    /* The address does not matter for a reference. */
    ck_assert(allows(db, false, VS_SG_TCP, 5432, NULL, app));
    ck_assert_str_eq(g_desc, J("tcp 5432 from %s", app));
    ck_assert(!allows(db, false, VS_SG_TCP, 5433, NULL, app));
    /* A sender of another account cannot be in our group. */
    ck_assert(!allows_sgs(&db, 1, false, VS_SG_TCP, 5432, NULL, OTHER, app));
    /* A peer in several groups: one is enough. */
    const char *peers[] = { d, app };
    vs_ip_t a = ip("10.1.0.7");
    ck_assert(vs_sg__allows(g_m, &db, 1, false, VS_SG_TCP, 5432, &a, ACCT, peers, 2, NULL, NULL, 0));
}
END_TEST

/* --- references across a same-account pcx -------------------------------------------------------- */

static const char *mkpcx(const char *a, const char *b)
{
    vs_json_t *o = OK("CreateVpcPeeringConnection", J("{\"VpcId\":\"%s\",\"PeerVpcId\":\"%s\"}", a, b));
    const char *pcx = S(o, "VpcPeeringConnection.VpcPeeringConnectionId");
    vs_model_tick(g_m);      /* validation: pending-acceptance */
    return pcx;
}

static void activate(const char *pcx)
{
    OK("AcceptVpcPeeringConnection", J("{\"VpcPeeringConnectionId\":\"%s\"}", pcx));
    g_mc.now += 3000;
    vs_model_tick(g_m);
    const vs_json_t *p = describe_one("DescribeVpcPeeringConnections", "VpcPeeringConnectionIds",
                                      "VpcPeeringConnections", pcx);
    ck_assert_str_eq(S(p, "Status.Code"), "active");
}

static const vs_json_t *stale_set(const char *vpc)
{
    vs_json_t *o = OK("DescribeStaleSecurityGroups", J("{\"VpcId\":\"%s\"}", vpc));
    ck_assert_str_eq(fx_keys(o), "StaleSecurityGroupSet");
    return P(o, "StaleSecurityGroupSet");
}

START_TEST(peer_reference_and_stale)
{
    const char *va = mkvpc("10.1.0.0/16"), *vb = mkvpc("10.2.0.0/16"), *vc = mkvpc("10.3.0.0/16");
    const char *ga = mksg(va, "a"), *gb = mksg(vb, "b"), *gc = mksg(vc, "c");
    const char *ref = J("[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,\"UserIdGroupPairs\":[{\"GroupId\":\"%s\"}]}]", gb);
    const char *in = J("{\"GroupId\":\"%s\",\"IpPermissions\":%s}", ga, ref);
    const char *nf = J("The security group '%s' does not exist", gb);
    /* No pcx, a pending one, a provisioning one: the group "does not exist". */
    ERR("AuthorizeSecurityGroupIngress", in, "InvalidGroup.NotFound", nf);
    const char *pcx = mkpcx(va, vb);
    ERR("AuthorizeSecurityGroupIngress", in, "InvalidGroup.NotFound", nf);
    OK("AcceptVpcPeeringConnection", J("{\"VpcPeeringConnectionId\":\"%s\"}", pcx));
    ERR("AuthorizeSecurityGroupIngress", in, "InvalidGroup.NotFound", nf);
    g_mc.now += 3000;
    vs_model_tick(g_m);

    /* Active: the reference carries the peer VPC and the pcx. */
    vs_json_t *o = OK("AuthorizeSecurityGroupIngress", in);
    const vs_json_t *info = P(o, "SecurityGroupRules.0.ReferencedGroupInfo");
    ck_assert_str_eq(fx_keys(info), "GroupId,PeeringStatus,UserId,VpcId,VpcPeeringConnectionId");
    ck_assert_str_eq(S(info, "GroupId"), gb);
    ck_assert_str_eq(S(info, "PeeringStatus"), "active");
    ck_assert_str_eq(S(info, "UserId"), ACCT);
    ck_assert_str_eq(S(info, "VpcId"), vb);
    ck_assert_str_eq(S(info, "VpcPeeringConnectionId"), pcx);
    const vs_json_t *pair = P(describe_one("DescribeSecurityGroups", "GroupIds", "SecurityGroups", ga),
                              "IpPermissions.0.UserIdGroupPairs.0");
    ck_assert_str_eq(fx_keys(pair), "UserId,GroupId,VpcId,VpcPeeringConnectionId,PeeringStatus");
    ck_assert_str_eq(S(pair, "PeeringStatus"), "active");
    /* The peer VPC's group in the other direction, named with VpcId and
     * the pcx; a VpcId or pcx that does not match is refused. */
    o = auth(gb, true, J("[{\"IpProtocol\":\"-1\",\"UserIdGroupPairs\":[{\"GroupId\":\"%s\",\"VpcId\":\"%s\","
                         "\"VpcPeeringConnectionId\":\"%s\"}]}]", ga, va, pcx));
    ck_assert_str_eq(S(o, "SecurityGroupRules.0.ReferencedGroupInfo.VpcId"), va);
    ERR("AuthorizeSecurityGroupIngress", J("{\"GroupId\":\"%s\",\"IpPermissions\":[{\"IpProtocol\":\"-1\","
                                           "\"UserIdGroupPairs\":[{\"GroupId\":\"%s\",\"VpcId\":\"%s\"}]}]}", gb, ga, vc),
        "InvalidGroup.NotFound", NULL);
    /* Not transitive: C is not peered with A. */
    ERR("AuthorizeSecurityGroupIngress", J("{\"GroupId\":\"%s\",\"IpPermissions\":[{\"IpProtocol\":\"-1\","
                                           "\"UserIdGroupPairs\":[{\"GroupId\":\"%s\"}]}]}", gc, ga),
        "InvalidGroup.NotFound", NULL);
    /* The evaluator follows the reference. */
    ck_assert(allows(ga, false, VS_SG_TCP, 22, "10.2.0.10", gb));
    ck_assert(!allows(ga, false, VS_SG_TCP, 22, "10.2.0.10", gc));
    ck_assert(allows(gb, true, VS_SG_TCP, 22, NULL, ga));
    ck_assert_int_eq(N(stale_set(va), ""), 0);
    /* A referenced group cannot be deleted. */
    ERR("DeleteSecurityGroup", J("{\"GroupId\":\"%s\"}", gb), "DependencyViolation", NULL);

    /* The pcx goes: the rules stay, stale, admitting nothing. */
    OK("DeleteVpcPeeringConnection", J("{\"VpcPeeringConnectionId\":\"%s\"}", pcx));
    ck_assert(!allows(ga, false, VS_SG_TCP, 22, "10.2.0.10", gb));
    ck_assert(!allows(gb, true, VS_SG_TCP, 22, NULL, ga));
    const vs_json_t *set = stale_set(va);
    ck_assert_int_eq(N(set, ""), 1);
    const vs_json_t *s = P(set, "0");
    ck_assert_str_eq(fx_keys(s), "Description,GroupId,GroupName,StaleIpPermissions,StaleIpPermissionsEgress,VpcId");
    ck_assert_str_eq(S(s, "GroupId"), ga);
    ck_assert_str_eq(S(s, "GroupName"), "a");
    ck_assert_str_eq(S(s, "Description"), "d a");
    ck_assert_str_eq(S(s, "VpcId"), va);
    ck_assert_int_eq(N(s, "StaleIpPermissionsEgress"), 0);
    ck_assert_int_eq(N(s, "StaleIpPermissions"), 1);
    const vs_json_t *p = P(s, "StaleIpPermissions.0");
    ck_assert_str_eq(fx_keys(p), "FromPort,IpProtocol,ToPort,UserIdGroupPairs");
    ck_assert_str_eq(S(p, "IpProtocol"), "tcp");
    ck_assert_int_eq(vs_json_as_int(P(p, "FromPort"), 0), 22);
    pair = P(p, "UserIdGroupPairs.0");
    ck_assert_str_eq(fx_keys(pair), "UserId,GroupName,GroupId,VpcId,VpcPeeringConnectionId,PeeringStatus");
    ck_assert_str_eq(S(pair, "GroupName"), "b");
    ck_assert_str_eq(S(pair, "GroupId"), gb);
    ck_assert_str_eq(S(pair, "VpcId"), vb);
    ck_assert_str_eq(S(pair, "VpcPeeringConnectionId"), pcx);
    ck_assert_str_eq(S(pair, "PeeringStatus"), "deleted");
    /* The other side's stale egress rule, with no ports for "-1". */
    s = P(stale_set(vb), "0");
    ck_assert_int_eq(N(s, "StaleIpPermissions"), 0);
    ck_assert_str_eq(fx_keys(P(s, "StaleIpPermissionsEgress.0")), "IpProtocol,UserIdGroupPairs");
    /* DescribeSecurityGroups shows the dead peering too. */
    pair = P(describe_one("DescribeSecurityGroups", "GroupIds", "SecurityGroups", ga), "IpPermissions.0.UserIdGroupPairs.0");
    ck_assert_str_eq(S(pair, "PeeringStatus"), "deleted");
    /* No new references across the dead pcx. */
    ERR("AuthorizeSecurityGroupIngress", J("{\"GroupId\":\"%s\",\"IpPermissions\":[{\"IpProtocol\":\"udp\",\"FromPort\":1,"
                                           "\"ToPort\":1,\"UserIdGroupPairs\":[{\"GroupId\":\"%s\"}]}]}", ga, gb),
        "InvalidGroup.NotFound", nf);

    /* A new pcx between the same VPCs revives them. */
    const char *pcx2 = mkpcx(vb, va);
    activate(pcx2);
    ck_assert_int_eq(N(stale_set(va), ""), 0);
    ck_assert_int_eq(N(stale_set(vb), ""), 0);
    ck_assert(allows(ga, false, VS_SG_TCP, 22, "10.2.0.10", gb));
    pair = P(describe_one("DescribeSecurityGroups", "GroupIds", "SecurityGroups", ga), "IpPermissions.0.UserIdGroupPairs.0");
    ck_assert_str_eq(S(pair, "VpcPeeringConnectionId"), pcx2);
    ck_assert_str_eq(S(pair, "PeeringStatus"), "active");

    /* A stale rule can be revoked. */
    OK("DeleteVpcPeeringConnection", J("{\"VpcPeeringConnectionId\":\"%s\"}", pcx2));
    ck_assert_int_eq(N(stale_set(va), ""), 1);
    OK("RevokeSecurityGroupIngress", in);
    ck_assert_int_eq(N(stale_set(va), ""), 0);
    /* With nothing referring to it any more, B's group can go. */
    OK("RevokeSecurityGroupEgress", J("{\"GroupId\":\"%s\",\"IpPermissions\":[{\"IpProtocol\":\"-1\","
                                      "\"UserIdGroupPairs\":[{\"GroupId\":\"%s\"}]}]}", gb, ga));
    OK("DeleteSecurityGroup", J("{\"GroupId\":\"%s\"}", gb));
}
END_TEST

START_TEST(stale_describe_errors_and_paging)
{
    const char *va = mkvpc("10.1.0.0/16"), *vb = mkvpc("10.2.0.0/16");
    const char *db = vs_sg__default_for_vpc(g_m, vb);
    ERR("DescribeStaleSecurityGroups", "{}", "MissingParameter", "The request must contain the parameter VpcId");
    ERR("DescribeStaleSecurityGroups", "{\"VpcId\":\"vpc-0123456789abcdef0\"}", "InvalidVpcID.NotFound", NULL);
    ERR("DescribeStaleSecurityGroups", J("{\"VpcId\":\"%s\",\"MaxResults\":4}", va), "InvalidParameterValue", NULL);
    /* Six groups in A refer to B's default group; the pcx goes. */
    const char *pcx = mkpcx(va, vb);
    activate(pcx);
    const char *ids[6];
    for (int i = 0; i < 6; i++) {
        ids[i] = mksg(va, J("g%d", i));
        auth(ids[i], false, J("[{\"IpProtocol\":\"-1\",\"UserIdGroupPairs\":[{\"GroupId\":\"%s\"}]}]", db));
    }
    OK("DeleteVpcPeeringConnection", J("{\"VpcPeeringConnectionId\":\"%s\"}", pcx));
    vs_json_t *o = OK("DescribeStaleSecurityGroups", J("{\"VpcId\":\"%s\",\"MaxResults\":5}", va));
    ck_assert_str_eq(fx_keys(o), "NextToken,StaleSecurityGroupSet");
    ck_assert_int_eq(N(o, "StaleSecurityGroupSet"), 5);
    ck_assert_str_eq(S(o, "StaleSecurityGroupSet.0.GroupId"), ids[0]);
    o = OK("DescribeStaleSecurityGroups", J("{\"VpcId\":\"%s\",\"MaxResults\":5,\"NextToken\":\"%s\"}", va, S(o, "NextToken")));
    ck_assert_int_eq(N(o, "StaleSecurityGroupSet"), 1);
    ck_assert_str_eq(S(o, "StaleSecurityGroupSet.0.GroupId"), ids[5]);
    ck_assert_ptr_null(P(o, "NextToken"));
    /* B's VPC goes, with its default group: the references stay stale. */
    OK("DeleteVpc", J("{\"VpcId\":\"%s\"}", vb));
    ck_assert_int_eq(N(OK("DescribeStaleSecurityGroups", J("{\"VpcId\":\"%s\"}", va)), "StaleSecurityGroupSet"), 6);
    const fx_res_t *r = fx_call(OTHER, "DescribeStaleSecurityGroups", J("{\"VpcId\":\"%s\"}", va));
    ck_assert_str_eq(r->code, "InvalidVpcID.NotFound");
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("sg_eval");
    TCase *tc = tcase_create("eval");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, eval_cidr_rules);
    tcase_add_test(tc, eval_group_refs);
    tcase_add_test(tc, peer_reference_and_stale);
    tcase_add_test(tc, stale_describe_errors_and_paging);
    suite_add_tcase(s, tc);
    return s;
}
