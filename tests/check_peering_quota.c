/* check_peering_quota: the peering quotas (reference 6.5): outstanding
 * requests per account (also across a restart) and active connections per
 * VPC, checked on both sides of a cross-account connection; and VPCs at
 * their CIDR quota, whose every block a connection's record must carry. */
#include "check_peering_fixture.h"

#define ACCEPT "AcceptVpcPeeringConnection"
#define REJECT "RejectVpcPeeringConnection"

START_TEST(quota_outstanding_requests)
{
    vs_model_config_t cfg = { .max_outstanding_pcx = 2 };
    int r = pf_agent_cfg(A1, R1, &cfg), a = pf_agent(A2, R1);
    const char *rv = mkvpc(r, "10.1.0.0/16");
    const char *p[4];
    for (int i = 0; i < 4; i++)
        p[i] = mkvpc(a, J("10.%d.0.0/16", 10 + i));
    const char *c0 = mkpcx(r, rv, p[0], A2, NULL);
    mkpcx(r, rv, p[1], A2, NULL);
    const char *msg = "You've reached the limit on the number of VPC peering connection "
                      "requests that you can create for the specified VPC.";
    ERR(r, "CreateVpcPeeringConnection", pcx_input(rv, p[2], A2, NULL),
        "OutstandingVpcPeeringConnectionLimitExceeded", msg);
    /* The same request again is no new request. */
    ck_assert_str_eq(mkpcx(r, rv, p[0], A2, NULL), c0);
    pf_settle();
    ERR(r, "CreateVpcPeeringConnection", pcx_input(rv, p[2], A2, NULL),
        "OutstandingVpcPeeringConnectionLimitExceeded", msg);
    /* An accepted request is no longer outstanding; nor is a failed one. */
    OK(a, ACCEPT, pcx_id_input(c0));
    const char *f = mkpcx(r, rv, "vpc-0123456789abcdef0", A2, NULL);
    pf_settle();
    ck_assert_str_eq(state_of(r, f), "failed");
    const char *c3 = mkpcx(r, rv, p[3], A2, NULL);
    ERR(r, "CreateVpcPeeringConnection", pcx_input(rv, p[2], A2, NULL),
        "OutstandingVpcPeeringConnectionLimitExceeded", msg);
    /* The count survives a restart (recounted from the stored records),
     * and follows a request leaving the outstanding states. */
    pf_settle();
    vs_simnet_crash(g_net, r);
    ERR(r, "CreateVpcPeeringConnection", pcx_input(rv, p[2], A2, NULL),
        "OutstandingVpcPeeringConnectionLimitExceeded", msg);
    OK(a, REJECT, pcx_id_input(c3));
    pf_settle();
    ck_assert_ptr_nonnull(mkpcx(r, rv, p[2], A2, NULL));
}
END_TEST

START_TEST(quota_active_per_vpc)
{
    const char *msg = "You've reached the limit on the number of active VPC peering "
                      "connections you can have for the specified VPC.";
    vs_model_config_t one = { .max_active_pcx_per_vpc = 1 };
    /* The requester VPC is at the quota: the home refuses. */
    int r = pf_agent_cfg(A1, R1, &one), a = pf_agent_cfg(A2, R2, &one), b = pf_agent(A3, R2);
    const char *hub = mkvpc(r, "10.1.0.0/16");
    const char *p1 = mkvpc(a, "10.2.0.0/16"), *p2 = mkvpc(b, "10.3.0.0/16");
    active_pcx(r, hub, a, p1);
    const char *x = pending_pcx(r, hub, b, p2);
    ERR(b, ACCEPT, pcx_id_input(x), "ActiveVpcPeeringConnectionPerVpcLimitExceeded", msg);
    pf_settle();
    same_views(r, b, x);
    ck_assert_str_eq(state_of(b, x), "pending-acceptance");
    /* The accepter VPC is at the quota: its agent refuses. */
    int c = pf_agent(A3, R1);
    const char *p3 = mkvpc(c, "10.4.0.0/16");
    const char *y = pending_pcx(c, p3, a, p1);
    ERR(a, ACCEPT, pcx_id_input(y), "ActiveVpcPeeringConnectionPerVpcLimitExceeded", msg);
    /* Same agent, both ends: either VPC at the quota refuses. */
    const char *v2 = mkvpc(r, "10.5.0.0/16"), *v3 = mkvpc(r, "10.6.0.0/16");
    const char *z = pending_pcx(r, v2, r, hub);
    ERR(r, ACCEPT, pcx_id_input(z), "ActiveVpcPeeringConnectionPerVpcLimitExceeded", msg);
    const char *w = pending_pcx(r, v2, r, v3);
    OK(r, ACCEPT, pcx_id_input(w));
}
END_TEST

/* Two VPCs with every block their quota allows (5 IPv4, and the one
 * Amazon-provided IPv6 block) peer across Regions, and both views show every
 * block of both ends. A configured quota above what a record holds is cut
 * to it (model.h). */
START_TEST(quota_cidrs_fill_a_record)
{
    vs_model_config_t big = { .max_ipv4_cidrs_per_vpc = 50, .max_ipv6_cidrs_per_vpc = 50 };
    int r = pf_agent_cfg(A1, R1, &big), a = pf_agent_cfg(A2, R2, &big);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.11.0.0/16");
    for (int i = 2; i <= 5; i++) {
        add_cidr(r, rv, J("10.%d.0.0/16", i));
        add_cidr(a, av, J("10.%d.0.0/16", 10 + i));
    }
    ERR(r, "AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"CidrBlock\":\"10.6.0.0/16\"}", rv),
        "CidrLimitExceeded", J("This network '%s' has met its maximum number of allowed CIDRs: 5", rv));
    OK(r, "AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"AmazonProvidedIpv6CidrBlock\":true}", rv));
    OK(a, "AssociateVpcCidrBlock", J("{\"VpcId\":\"%s\",\"AmazonProvidedIpv6CidrBlock\":true}", av));
    pf_settle();
    const char *pcx = active_pcx(r, rv, a, av);
    const char *req4 = "10.1.0.0/16,10.2.0.0/16,10.3.0.0/16,10.4.0.0/16,10.5.0.0/16";
    const char *acc4 = "10.11.0.0/16,10.12.0.0/16,10.13.0.0/16,10.14.0.0/16,10.15.0.0/16";
    for (int k = 0; k < 2; k++) {
        const vs_json_t *v = view(k ? a : r, pcx);
        ck_assert_str_eq(S(v, "Status.Code"), "active");
        ck_assert_str_eq(pf_cidr_set(P(v, "RequesterVpcInfo")), req4);
        ck_assert_str_eq(pf_cidr_set(P(v, "AccepterVpcInfo")), acc4);
        ck_assert_int_eq(N(v, "RequesterVpcInfo.Ipv6CidrBlockSet"), 1);
        ck_assert_int_eq(N(v, "AccepterVpcInfo.Ipv6CidrBlockSet"), 1);
    }
}
END_TEST

/* --- describe ----------------------------------------------------------------------- */

Suite *vs_test_suite(void);
Suite *vs_test_suite(void)
{
    Suite *s = suite_create("peering_quota");
    TCase *tc = tcase_create("quota");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, quota_outstanding_requests);
    tcase_add_test(tc, quota_active_per_vpc);
    tcase_add_test(tc, quota_cidrs_fill_a_record);
    suite_add_tcase(s, tc);
    return s;
}
