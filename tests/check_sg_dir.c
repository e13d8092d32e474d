/* Security group references across accounts checked as EC2 checks them
 * (reference aws-vpc-peering.md 7.3), through a whole simulated cluster:
 * the referenced group must exist in a peer VPC joined by an active
 * same-Region connection; a rule goes stale when the peer deletes the
 * group, and DescribeStaleSecurityGroups names it; the owner of a group
 * learns with DescribeSecurityGroupReferences which peer VPCs reference
 * it. The other account's groups are known from the directory its agent
 * sends over the connection (sg_dir.h). */
#include "check_peering_fixture.h"
#include "sg_dir.h"

static const char *mksg(int a, const char *vpc, const char *name)
{
    return S(OK(a, "CreateSecurityGroup",
                J("{\"GroupName\":\"%s\",\"Description\":\"d\",\"VpcId\":\"%s\"}", name, vpc)),
             "GroupId");
}

static const char *ingress(const char *g, const char *user, const char *ref, int port)
{
    return J("{\"GroupId\":\"%s\",\"IpPermissions\":[{\"IpProtocol\":\"tcp\",\"FromPort\":%d,"
             "\"ToPort\":%d,\"UserIdGroupPairs\":[{\"UserId\":\"%s\",\"GroupId\":\"%s\"}]}]}",
             g, port, port, user, ref);
}

static bool allows(int a, const char *g, int port, const char *acct, const char *peer_sg)
{
    const char *peers[1] = { peer_sg };
    return vs_sg__allows(pf_model(a), &g, 1, false, VS_SG_TCP, port, NULL, acct, peers, 1, NULL,
                         NULL, 0);
}

static const vs_json_t *refs(int a, const char *g)
{
    return P(OK(a, "DescribeSecurityGroupReferences", J("{\"GroupId\":[\"%s\"]}", g)),
             "SecurityGroupReferenceSet");
}

/* The group must exist, in a VPC peered with ours (7.3). */
START_TEST(referenced_group_must_exist)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    const char *va = mkvpc(a, "10.1.0.0/16"), *vb = mkvpc(b, "10.2.0.0/16");
    const char *vb2 = mkvpc(b, "10.3.0.0/16");
    const char *ga = mksg(a, va, "a"), *gb = mksg(b, vb, "b"), *gb2 = mksg(b, vb2, "b2");
    active_pcx(a, va, b, vb);
    /* No such group in B's peered VPC. */
    ERR(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, "sg-0123456789abcdef0", 22),
        "InvalidGroup.NotFound", "The security group 'sg-0123456789abcdef0' does not exist");
    /* A group of B's other VPC, which is not peered with ours. */
    ERR(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, gb2, 22), "InvalidGroup.NotFound",
        J("The security group '%s' does not exist", gb2));
    /* The right account matters. */
    ERR(a, "AuthorizeSecurityGroupIngress", ingress(ga, A3, gb, 22), "InvalidGroup.NotFound", NULL);
    OK(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, gb, 22));
    /* A group B creates later is known once its directory arrives. */
    const char *gb3 = mksg(b, vb, "b3");
    pf_settle();
    OK(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, gb3, 23));
    /* A forged directory from an agent that is not the pcx's other end is
     * refused. */
    const vs_sgdir_t *d = NULL;
    for (vs_obj_t *o = vs_model__first(pf_model(a), &vs_kind_sgdir); o;
         o = vs_model__next(o, &vs_kind_sgdir))
        d = (const vs_sgdir_t *)o;
    ck_assert_ptr_nonnull(d);
    const char *forged = J("{\"T\":\"SgDir\",\"Pcx\":\"%s\",\"Vpc\":\"%s\",\"Ver\":99999999999999,"
                           "\"Groups\":[{\"Id\":\"sg-0123456789abcdef0\",\"Name\":\"x\"}],"
                           "\"Refs\":[]}", d->pcx_id, vb);
    ck_assert_int_eq(vs_model_on_peer(pf_model(a), A3, R1, (const uint8_t *)forged, strlen(forged)),
                     -1);
    ERR(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, "sg-0123456789abcdef0", 24),
        "InvalidGroup.NotFound", NULL);
}
END_TEST

/* "If ... the owner of the peer VPC deletes the referenced security group,
 * the security group rule becomes stale" (7.3). */
START_TEST(peer_deletes_group)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    const char *va = mkvpc(a, "10.1.0.0/16"), *vb = mkvpc(b, "10.2.0.0/16");
    const char *ga = mksg(a, va, "a"), *gb = mksg(b, vb, "Prod1");
    const char *pcx = active_pcx(a, va, b, vb);
    OK(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, gb, 22));
    ck_assert(allows(a, ga, 22, A2, gb));
    OK(b, "DeleteSecurityGroup", J("{\"GroupId\":\"%s\"}", gb));
    pf_settle();
    ck_assert(!allows(a, ga, 22, A2, gb));
    const vs_json_t *set = P(OK(a, "DescribeStaleSecurityGroups", J("{\"VpcId\":\"%s\"}", va)),
                             "StaleSecurityGroupSet");
    ck_assert_int_eq(N(set, ""), 1);
    const vs_json_t *p = P(set, "0.StaleIpPermissions.0.UserIdGroupPairs.0");
    ck_assert_str_eq(pf_keys(p), "UserId,GroupName,GroupId,VpcId,VpcPeeringConnectionId,PeeringStatus");
    ck_assert_str_eq(S(p, "GroupName"), "Prod1");
    ck_assert_str_eq(S(p, "GroupId"), gb);
    ck_assert_str_eq(S(p, "VpcPeeringConnectionId"), pcx);
    ck_assert_str_eq(S(p, "PeeringStatus"), "active");
    /* A new reference to it is refused. */
    ERR(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, gb, 80), "InvalidGroup.NotFound", NULL);
    /* What A knows survives a crash. */
    vs_simnet_crash(g_net, a);
    ck_assert_int_eq(N(P(OK(a, "DescribeStaleSecurityGroups", J("{\"VpcId\":\"%s\"}", va)),
                         "StaleSecurityGroupSet"), ""), 1);
}
END_TEST

/* DescribeSecurityGroupReferences: which peer VPCs reference our group. */
START_TEST(security_group_references)
{
    int a = pf_agent(A1, R1), b = pf_agent(A2, R1);
    const char *va = mkvpc(a, "10.1.0.0/16"), *vb = mkvpc(b, "10.2.0.0/16");
    const char *va2 = mkvpc(a, "10.5.0.0/16");
    const char *ga = mksg(a, va, "a"), *gb = mksg(b, vb, "b"), *ga2 = mksg(a, va2, "a2");
    const char *pcx = active_pcx(a, va, b, vb);
    ck_assert_int_eq(N(refs(b, gb), ""), 0);
    OK(a, "AuthorizeSecurityGroupIngress", ingress(ga, A2, gb, 22));
    pf_settle();
    const vs_json_t *r = refs(b, gb);
    ck_assert_int_eq(N(r, ""), 1);
    ck_assert_str_eq(pf_keys(P(r, "0")), "GroupId,ReferencingVpcId,VpcPeeringConnectionId");
    ck_assert_str_eq(S(r, "0.GroupId"), gb);
    ck_assert_str_eq(S(r, "0.ReferencingVpcId"), va);
    ck_assert_str_eq(S(r, "0.VpcPeeringConnectionId"), pcx);
    /* Our own peer VPC (same account, held here) counts too. */
    const char *pcx2 = active_pcx(a, va2, a, va);
    OK(a, "AuthorizeSecurityGroupIngress", ingress(ga2, A1, ga, 22));
    r = refs(a, ga);
    ck_assert_int_eq(N(r, ""), 1);
    ck_assert_str_eq(S(r, "0.ReferencingVpcId"), va2);
    ck_assert_str_eq(S(r, "0.VpcPeeringConnectionId"), pcx2);
    /* Revoked: no longer referenced. */
    OK(a, "RevokeSecurityGroupIngress", ingress(ga, A2, gb, 22));
    pf_settle();
    ck_assert_int_eq(N(refs(b, gb), ""), 0);
    ERR(b, "DescribeSecurityGroupReferences", "{\"GroupId\":[\"sg-0123456789abcdef0\"]}",
        "InvalidGroup.NotFound", NULL);
    ERR(b, "DescribeSecurityGroupReferences", "{\"GroupId\":[\"sg-zz\"]}",
        "InvalidGroupId.Malformed", NULL);
    ERR(b, "DescribeSecurityGroupReferences", "{}", "MissingParameter", NULL);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("sg_dir");
    TCase *tc = tcase_create("dir");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, referenced_group_must_exist);
    tcase_add_test(tc, peer_deletes_group);
    tcase_add_test(tc, security_group_references);
    suite_add_tcase(s, tc);
    return s;
}
