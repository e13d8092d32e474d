/* Unit tests of security group references across accounts and Regions,
 * through a whole simulated cluster (sim/simnet.h): a rule may name
 * another account's group (UserId + GroupId, or "ACCOUNT/sg-id") only
 * through an active same-Region pcx that joins the two VPCs; never across
 * Regions; such rules go stale when the pcx is deleted. The other
 * account's groups are known from the directory its agent sends over the
 * active pcx (sg_dir.h; check_sg_dir.c has the rest). Reference 7.3. */
#include "check_peering_fixture.h"
#include "sg.h"

static const char *mksg(int a, const char *vpc, const char *name)
{
    return S(OK(a, "CreateSecurityGroup", J("{\"GroupName\":\"%s\",\"Description\":\"d\",\"VpcId\":\"%s\"}", name, vpc)),
             "GroupId");
}

/* Ingress on group g of agent a from one UserIdGroupPair (JSON object). */
static const char *ingress(const char *g, const char *pair, int port)
{
    return J("{\"GroupId\":\"%s\",\"IpPermissions\":[{\"IpProtocol\":\"tcp\",\"FromPort\":%d,\"ToPort\":%d,"
             "\"UserIdGroupPairs\":[%s]}]}", g, port, port, pair);
}

/* Does group g on agent a admit TCP `port` from a member of peer_sg? */
static bool allows(int a, const char *g, int port, const char *acct, const char *peer_sg)
{
    const char *peers[1] = { peer_sg };
    return vs_sg__allows(pf_model(a), &g, 1, false, VS_SG_TCP, port, NULL, acct, peers, 1, NULL, NULL, 0);
}

static const vs_json_t *stale_set(int a, const char *vpc)
{
    return P(OK(a, "DescribeStaleSecurityGroups", J("{\"VpcId\":\"%s\"}", vpc)), "StaleSecurityGroupSet");
}

START_TEST(cross_account_reference)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    const char *va = mkvpc(a, "10.1.0.0/16"), *vb = mkvpc(b, "10.2.0.0/16");
    const char *ga = mksg(a, va, "a"), *gb = mksg(b, vb, "b");
    const char *pair = J("{\"GroupId\":\"%s\",\"UserId\":\"" A2 "\"}", gb);
    /* Without a pcx, the other account's group "does not exist". */
    ERR(a, "AuthorizeSecurityGroupIngress", ingress(ga, pair, 22), "InvalidGroup.NotFound",
        J("The security group '%s' does not exist", gb));
    const char *pcx = active_pcx(a, va, b, vb);

    vs_json_t *o = OK(a, "AuthorizeSecurityGroupIngress", ingress(ga, pair, 22));
    const vs_json_t *info = P(o, "SecurityGroupRules.0.ReferencedGroupInfo");
    ck_assert_str_eq(pf_keys(info), "GroupId,PeeringStatus,UserId,VpcId,VpcPeeringConnectionId");
    ck_assert_str_eq(S(info, "GroupId"), gb);
    ck_assert_str_eq(S(info, "PeeringStatus"), "active");
    ck_assert_str_eq(S(info, "UserId"), A2);
    ck_assert_str_eq(S(info, "VpcId"), vb);
    ck_assert_str_eq(S(info, "VpcPeeringConnectionId"), pcx);
    /* The console's "ACCOUNT/sg-id" form. */
    o = OK(a, "AuthorizeSecurityGroupIngress", ingress(ga, J("{\"GroupId\":\"" A2 "/%s\"}", gb), 80));
    ck_assert_str_eq(S(o, "SecurityGroupRules.0.ReferencedGroupInfo.GroupId"), gb);
    ck_assert_str_eq(S(o, "SecurityGroupRules.0.ReferencedGroupInfo.UserId"), A2);
    ERR(a, "AuthorizeSecurityGroupIngress", ingress(ga, J("{\"GroupId\":\"" A3 "/%s\",\"UserId\":\"" A2 "\"}", gb), 81),
        "InvalidGroup.NotFound", NULL);
    /* A third account has no pcx with us. */
    ERR(a, "AuthorizeSecurityGroupIngress", ingress(ga, J("{\"GroupId\":\"%s\",\"UserId\":\"" A3 "\"}", gb), 82),
        "InvalidGroup.NotFound", NULL);
    /* The accepter side may name the requester's group as well. */
    o = OK(b, "AuthorizeSecurityGroupIngress", ingress(gb, J("{\"GroupId\":\"%s\",\"UserId\":\"" A1 "\"}", ga), 443));
    ck_assert_str_eq(S(o, "SecurityGroupRules.0.ReferencedGroupInfo.VpcId"), va);
    /* Describe shows the pair with its peering. */
    const vs_json_t *g = P(OK(a, "DescribeSecurityGroups", J("{\"GroupIds\":[\"%s\"]}", ga)), "SecurityGroups.0");
    ck_assert_int_eq(N(g, "IpPermissions"), 2);
    ck_assert_str_eq(pf_keys(P(g, "IpPermissions.0.UserIdGroupPairs.0")),
                     "UserId,GroupId,VpcId,VpcPeeringConnectionId,PeeringStatus");
    /* The evaluator: a member of B's group, of account A2, gets in. */
    ck_assert(allows(a, ga, 22, A2, gb));
    ck_assert(!allows(a, ga, 22, A3, gb));
    ck_assert(allows(b, gb, 443, A1, ga));
    ck_assert(!allows(b, gb, 22, A1, ga));
    ck_assert_int_eq(N(stale_set(a, va), ""), 0);

    /* The accepter deletes the pcx: both sides' rules stay, stale. */
    OK(b, "DeleteVpcPeeringConnection", pcx_id_input(pcx));
    pf_settle();
    ck_assert(!allows(a, ga, 22, A2, gb));
    const vs_json_t *set = stale_set(a, va);
    ck_assert_int_eq(N(set, ""), 1);
    ck_assert_int_eq(N(set, "0.StaleIpPermissions"), 2);
    const vs_json_t *p = P(set, "0.StaleIpPermissions.0.UserIdGroupPairs.0");
    /* With the GroupName the peer's directory gave it (reference 7.3's
     * example: "GroupName":"Prod1" ... "PeeringStatus":"deleted"). */
    ck_assert_str_eq(pf_keys(p), "UserId,GroupName,GroupId,VpcId,VpcPeeringConnectionId,PeeringStatus");
    ck_assert_str_eq(S(p, "GroupName"), "b");
    ck_assert_str_eq(S(p, "UserId"), A2);
    ck_assert_str_eq(S(p, "GroupId"), gb);
    ck_assert_str_eq(S(p, "VpcId"), vb);
    ck_assert_str_eq(S(p, "VpcPeeringConnectionId"), pcx);
    ck_assert_str_eq(S(p, "PeeringStatus"), "deleted");
    ck_assert_int_eq(N(stale_set(b, vb), "0.StaleIpPermissions"), 1);
    /* Stale rules survive a crash of the agent. */
    vs_simnet_crash(g_net, a);
    ck_assert_int_eq(N(stale_set(a, va), ""), 1);
    /* A new pcx between the same VPCs, from the other side, revives them. */
    const char *pcx2 = active_pcx(b, vb, a, va);
    ck_assert_int_eq(N(stale_set(a, va), ""), 0);
    ck_assert_int_eq(N(stale_set(b, vb), ""), 0);
    ck_assert(allows(a, ga, 22, A2, gb));
    g = P(OK(a, "DescribeSecurityGroups", J("{\"GroupIds\":[\"%s\"]}", ga)), "SecurityGroups.0");
    ck_assert_str_eq(S(g, "IpPermissions.0.UserIdGroupPairs.0.VpcPeeringConnectionId"), pcx2);
}
END_TEST

START_TEST(which_peer_vpc)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1), c = pf_agent(A2, R2);
    const char *va = mkvpc(a, "10.1.0.0/16"), *vb = mkvpc(b, "10.2.0.0/16"), *vb2 = mkvpc(b, "10.4.0.0/16");
    const char *vc = mkvpc(c, "10.3.0.0/16");
    const char *ga = mksg(a, va, "a"), *gb2 = mksg(b, vb2, "b2"), *gc = mksg(c, vc, "c");
    active_pcx(a, va, b, vb);
    const char *pcx2 = active_pcx(a, va, b, vb2);
    /* Two peer VPCs of A2: the group ID alone places the group (7.3). */
    vs_json_t *o = OK(a, "AuthorizeSecurityGroupIngress",
                      ingress(ga, J("{\"GroupId\":\"%s\",\"UserId\":\"" A2 "\"}", gb2), 21));
    ck_assert_str_eq(S(o, "SecurityGroupRules.0.ReferencedGroupInfo.VpcId"), vb2);
    ck_assert_str_eq(S(o, "SecurityGroupRules.0.ReferencedGroupInfo.VpcPeeringConnectionId"), pcx2);
    /* A VpcId that is not the group's: it is not there. */
    ERR(a, "AuthorizeSecurityGroupIngress",
        ingress(ga, J("{\"GroupId\":\"%s\",\"UserId\":\"" A2 "\",\"VpcId\":\"%s\"}", gb2, vb), 22),
        "InvalidGroup.NotFound", J("The security group '%s' does not exist", gb2));
    o = OK(a, "AuthorizeSecurityGroupIngress",
           ingress(ga, J("{\"GroupId\":\"%s\",\"UserId\":\"" A2 "\",\"VpcId\":\"%s\"}", gb2, vb2), 22));
    ck_assert_str_eq(S(o, "SecurityGroupRules.0.ReferencedGroupInfo.VpcPeeringConnectionId"), pcx2);
    /* Naming the pcx is enough too. */
    o = OK(a, "AuthorizeSecurityGroupIngress",
           ingress(ga, J("{\"GroupId\":\"%s\",\"UserId\":\"" A2 "\",\"VpcPeeringConnectionId\":\"%s\"}", gb2, pcx2), 23));
    ck_assert_str_eq(S(o, "SecurityGroupRules.0.ReferencedGroupInfo.VpcId"), vb2);
    /* Across Regions: never, even over an active pcx. */
    const char *pcx3 = active_pcx(a, va, c, vc);
    ck_assert(rec(a, pcx3)->rec.inter_region);
    const char *region_msg = "You cannot reference a security group in a peer VPC that is in a different Region";
    ERR(a, "AuthorizeSecurityGroupIngress",
        ingress(ga, J("{\"GroupId\":\"%s\",\"UserId\":\"" A2 "\",\"VpcId\":\"%s\"}", gc, vc), 22),
        "InvalidParameterValue", region_msg);
    ERR(c, "AuthorizeSecurityGroupIngress", ingress(gc, J("{\"GroupId\":\"%s\",\"UserId\":\"" A1 "\"}", ga), 22),
        "InvalidParameterValue", region_msg);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("sg_peer");
    TCase *tc = tcase_create("peer");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, cross_account_reference);
    tcase_add_test(tc, which_peer_vpc);
    suite_add_tcase(s, tc);
    return s;
}
