/* Peering lifecycle across accounts and Regions, driven through a whole
 * simulated cluster (sim/simnet.h): create -> pending-acceptance ->
 * accept -> provisioning -> active -> delete in the four topologies, the
 * requests that fail, and crashes of either agent at every point of the
 * lifecycle. check_peering_rules.c has the who/where/state matrix, quotas,
 * visibility windows and describe; check_peering_cidr.c CIDR changes and
 * VPC deletion; check_peering_races.c concurrent operations. */
#include "check_peering_fixture.h"

/* --- the lifecycle in each topology ------------------------------------------------ */

/* Who deletes the active connection at the end. */
enum { DEL_REQUESTER, DEL_ACCEPTER };

static void s_info_keys(const vs_json_t *info, bool details, const char *owner,
                        const char *vpc, const char *region, const char *cidr)
{
    ck_assert_str_eq(pf_keys(info), details ? "CidrBlock,CidrBlockSet,OwnerId,PeeringOptions,"
                                              "VpcId,Region"
                                            : "OwnerId,VpcId,Region");
    ck_assert_str_eq(S(info, "OwnerId"), owner);
    ck_assert_str_eq(S(info, "VpcId"), vpc);
    ck_assert_str_eq(S(info, "Region"), region);
    if (details) {
        ck_assert_str_eq(S(info, "CidrBlock"), cidr);
        ck_assert_str_eq(pf_cidr_set(info), cidr);
        ck_assert_str_eq(pf_keys(P(info, "PeeringOptions")),
                         "AllowDnsResolutionFromRemoteVpc,"
                         "AllowEgressFromLocalClassicLinkToRemoteVpc,"
                         "AllowEgressFromLocalVpcToRemoteClassicLink");
    }
}

/* Third parties see nothing: NotFound by ID, an empty list. */
static void s_invisible_to(int x, const char *pcx)
{
    ck_assert_ptr_null(view(x, pcx));
    ck_assert_str_eq(list_ids(x, NULL), "");
}

static void s_lifecycle(const char *racct, const char *rreg, const char *aacct,
                        const char *areg, int deleter)
{
    bool cross = strcmp(racct, aacct) != 0, inter = strcmp(rreg, areg) != 0;
    int r = pf_agent(racct, rreg);
    int a = cross || inter ? pf_agent(aacct, areg) : r;
    int x = pf_agent(A3, rreg);
    int xa = inter ? pf_agent(A3, areg) : x;
    /* The accepter account in the requester's Region sees nothing either. */
    int aw = cross && inter ? pf_agent(aacct, rreg) : -1;
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");

    /* Create: answered at once in initiating-request. */
    vs_json_t *o = OK(r, "CreateVpcPeeringConnection",
                      pcx_input(rv, av, cross ? aacct : NULL, inter ? areg : NULL));
    const vs_json_t *p = P(o, "VpcPeeringConnection");
    ck_assert_str_eq(pf_keys(o), "VpcPeeringConnection");
    ck_assert_str_eq(pf_keys(p), "AccepterVpcInfo,ExpirationTime,RequesterVpcInfo,Status,Tags,"
                                 "VpcPeeringConnectionId");
    const char *pcx = S(p, "VpcPeeringConnectionId");
    ck_assert_int_eq(strlen(pcx), 21);
    ck_assert(vs_id_valid(pcx, "pcx"));
    ck_assert_str_eq(S(p, "Status.Code"), "initiating-request");
    ck_assert_str_eq(S(p, "Status.Message"), J("Initiating Request to %s", aacct));
    ck_assert_str_eq(S(p, "ExpirationTime"), PF_EXPIRES_T0);
    ck_assert_str_eq(S(p, "ExpirationTime"), expires_at(pf_now()));
    s_info_keys(P(p, "AccepterVpcInfo"), false, aacct, av, areg, NULL);
    s_info_keys(P(p, "RequesterVpcInfo"), true, racct, rv, rreg, "10.1.0.0/16");
    ck_assert_int_eq(N(p, "Tags"), 0);
    if (a != r)
        ck_assert_ptr_null(view(a, pcx));      /* the request has not arrived yet */

    /* Validation: pending-acceptance in both views, under the same ID. */
    pf_settle();
    ck_assert_str_eq(state_of(r, pcx), "pending-acceptance");
    ck_assert_str_eq(message_of(r, pcx), J("Pending Acceptance by %s", aacct));
    ck_assert_str_eq(S(view(a, pcx), "ExpirationTime"), PF_EXPIRES_T0);
    s_info_keys(P(view(a, pcx), "AccepterVpcInfo"), false, aacct, av, areg, NULL);
    if (a != r) {
        same_views(r, a, pcx);
        ck_assert_str_eq(list_ids(a, NULL), pcx);
    }
    s_invisible_to(x, pcx);
    s_invisible_to(xa, pcx);
    if (aw >= 0)
        s_invisible_to(aw, pcx);

    /* Accept by the accepter, in its Region: provisioning, then active. */
    uint64_t c = pf_call(a, "AcceptVpcPeeringConnection", pcx_id_input(pcx));
    ck_assert_int_eq(pf_reply(c)->state, a == r ? VS_CALL_OK : VS_CALL_PENDING);
    pf_wait(c);
    p = P(pf_out(c), "VpcPeeringConnection");
    ck_assert_str_eq(pf_keys(p), "AccepterVpcInfo,RequesterVpcInfo,Status,Tags,"
                                 "VpcPeeringConnectionId");
    ck_assert_str_eq(S(p, "Status.Code"), "provisioning");
    ck_assert_str_eq(S(p, "Status.Message"), "Provisioning");
    s_info_keys(P(p, "AccepterVpcInfo"), true, aacct, av, areg, "10.2.0.0/16");
    pf_settle();
    if (a != r)
        same_views(r, a, pcx);
    uint64_t accepted = rec(r, pcx)->rec.state_entered_ms;
    pf_run_to(accepted + VS_PCX_PROVISIONING_MS - 1);
    ck_assert_str_eq(state_of(r, pcx), "provisioning");
    pf_run_to(accepted + VS_PCX_PROVISIONING_MS);
    ck_assert_str_eq(state_of(r, pcx), "active");
    pf_settle();
    p = view(a, pcx);
    ck_assert_str_eq(S(p, "Status.Code"), "active");
    ck_assert_str_eq(S(p, "Status.Message"), "Active");
    ck_assert_ptr_null(P(p, "ExpirationTime"));
    s_info_keys(P(p, "AccepterVpcInfo"), true, aacct, av, areg, "10.2.0.0/16");
    s_info_keys(P(p, "RequesterVpcInfo"), true, racct, rv, rreg, "10.1.0.0/16");
    if (a != r)
        same_views(r, a, pcx);
    s_invisible_to(x, pcx);

    /* Delete by either owner, in its own Region. */
    int d = deleter == DEL_REQUESTER ? r : a, other = d == r ? a : r;
    const char *dacct = deleter == DEL_REQUESTER ? racct : aacct;
    o = OK(d, "DeleteVpcPeeringConnection", pcx_id_input(pcx));
    ck_assert_str_eq(pf_dump(o), "{\"Return\":true}");
    pf_settle();
    if (inter) {
        ck_assert_str_eq(state_of(d, pcx), "deleting");
        ck_assert_str_eq(message_of(other, pcx), "Deleting");
        same_views(r, a, pcx);
        pf_advance(VS_PCX_DELETING_MS);
        pf_settle();
    }
    ck_assert_str_eq(state_of(d, pcx), "deleted");
    ck_assert_str_eq(message_of(other, pcx), J("Deleted by %s", dacct));
    p = view(other, pcx);
    s_info_keys(P(p, "AccepterVpcInfo"), false, aacct, av, areg, NULL);
    s_info_keys(P(p, "RequesterVpcInfo"), false, racct, rv, rreg, NULL);
    if (a != r)
        same_views(r, a, pcx);

    /* Deleted: 2 h for the deleter, 2 days for the other side; within one
     * account, 2 h for both. */
    uint64_t gone = rec(r, pcx)->rec.state_entered_ms;
    pf_run_to(gone + 2 * HOUR - 1);
    ck_assert_str_eq(state_of(d, pcx), "deleted");
    ck_assert_str_eq(state_of(other, pcx), "deleted");
    pf_run_to(gone + 2 * HOUR);
    ck_assert_ptr_null(view(d, pcx));
    ck_assert_str_eq(list_ids(d, NULL), "");
    if (!cross) {
        ck_assert_ptr_null(view(other, pcx));
        return;
    }
    pf_run_to(gone + 2 * DAY - 1);
    ck_assert_str_eq(state_of(other, pcx), "deleted");
    pf_run_to(gone + 2 * DAY);
    ck_assert_ptr_null(view(other, pcx));
    ck_assert_str_eq(list_ids(other, NULL), "");
}

START_TEST(same_account_same_region)
{
    s_lifecycle(A1, R1, A1, R1, DEL_REQUESTER);
}
END_TEST

START_TEST(cross_account_same_region)
{
    s_lifecycle(A1, R1, A2, R1, DEL_ACCEPTER);
}
END_TEST

START_TEST(cross_account_same_region_requester_deletes)
{
    s_lifecycle(A1, R1, A2, R1, DEL_REQUESTER);
}
END_TEST

START_TEST(same_account_inter_region)
{
    s_lifecycle(A1, R1, A1, R2, DEL_ACCEPTER);
}
END_TEST

START_TEST(cross_account_inter_region)
{
    s_lifecycle(A1, R1, A2, R2, DEL_REQUESTER);
}
END_TEST

START_TEST(cross_account_inter_region_accepter_deletes)
{
    s_lifecycle(A1, "ap-northeast-1", A2, "sa-east-1", DEL_ACCEPTER);
}
END_TEST

START_TEST(govcloud_inter_region)
{
    s_lifecycle(A1, "us-gov-west-1", A2, "us-gov-east-1", DEL_ACCEPTER);
}
END_TEST

/* --- requests that fail -------------------------------------------------------------- */

#define FAILED_MSG "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"

/* The request failed: visible to the requester only, for exactly 2 h. */
static void s_expect_failed(int r, const int *others, const char *pcx)
{
    pf_settle();
    ck_assert_str_eq(state_of(r, pcx), "failed");
    ck_assert_str_eq(message_of(r, pcx), FAILED_MSG);
    const vs_json_t *p = view(r, pcx);
    ck_assert_str_eq(pf_keys(p), "AccepterVpcInfo,RequesterVpcInfo,Status,Tags,"
                                 "VpcPeeringConnectionId");
    ck_assert_ptr_null(P(p, "AccepterVpcInfo.CidrBlock"));
    for (const int *o = others; o && *o >= 0; o++) {
        ck_assert_ptr_null(view(*o, pcx));
        ck_assert_str_eq(list_ids(*o, NULL), "");
    }
    /* No action can change it. */
    ERR(r, "DeleteVpcPeeringConnection", pcx_id_input(pcx), "InvalidStateTransition",
        J("Invalid state transition for %s, attempted to transition from failed to deleting",
          pcx));
    uint64_t failed_at = rec(r, pcx)->rec.state_entered_ms;
    pf_run_to(failed_at + 2 * HOUR - 1);
    ck_assert_str_eq(state_of(r, pcx), "failed");
    ck_assert_str_eq(list_ids(r, "{\"Filters\":[{\"Name\":\"status-code\",\"Values\":[\"failed\"]}]}"),
                     pcx);
    pf_run_to(failed_at + 2 * HOUR);
    ck_assert_ptr_null(view(r, pcx));
    ck_assert_str_eq(list_ids(r, NULL), "");
}

START_TEST(fail_wrong_peer_owner)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R1), x = pf_agent(A3, R1);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    /* The VPC is A2's, the request names A3, whose agent has no such VPC. */
    const char *pcx = mkpcx(r, rv, av, A3, NULL);
    s_expect_failed(r, (int[]){ a, x, -1 }, pcx);
}
END_TEST

START_TEST(fail_unknown_peer_vpc)
{
    int r = pf_agent(A1, R2), a = pf_agent(A2, R1);
    const char *rv = mkvpc(r, "10.1.0.0/16");
    mkvpc(a, "10.2.0.0/16");
    const char *pcx = mkpcx(r, rv, "vpc-0123456789abcdef0", A2, R1);
    s_expect_failed(r, (int[]){ a, -1 }, pcx);
}
END_TEST

START_TEST(fail_missing_peer_region)
{
    /* The peer VPC is A2's in R2, PeerRegion is omitted: EC2 looks in R1,
     * where A2 has an agent but not that VPC. */
    int r = pf_agent(A1, R1), a = pf_agent(A2, R2), a1 = pf_agent(A2, R1);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    mkvpc(a1, "10.3.0.0/16");
    const char *pcx = mkpcx(r, rv, av, A2, NULL);
    s_expect_failed(r, (int[]){ a, a1, -1 }, pcx);
}
END_TEST

START_TEST(fail_missing_peer_region_no_agent)
{
    /* ... and where A2 has no agent at all in R1. */
    int r = pf_agent(A1, R1), a = pf_agent(A2, R2);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *pcx = mkpcx(r, rv, av, A2, NULL);
    s_expect_failed(r, (int[]){ a, -1 }, pcx);
}
END_TEST

START_TEST(fail_peer_account_without_agent)
{
    int r = pf_agent(A1, R1);
    const char *rv = mkvpc(r, "10.1.0.0/16");
    const char *pcx = mkpcx(r, rv, "vpc-0123456789abcdef0", "999999999999", R2);
    s_expect_failed(r, NULL, pcx);
}
END_TEST

START_TEST(same_account_unknown_peer_is_synchronous)
{
    int r = pf_agent(A1, R1);
    const char *rv = mkvpc(r, "10.1.0.0/16");
    ERR(r, "CreateVpcPeeringConnection", pcx_input(rv, "vpc-0123456789abcdef0", NULL, NULL),
        "InvalidVpcID.NotFound", "The vpc ID 'vpc-0123456789abcdef0' does not exist");
    /* A peer VPC of another account, PeerOwnerId omitted: looked up in ours. */
    int a = pf_agent(A2, R1);
    const char *av = mkvpc(a, "10.2.0.0/16");
    ERR(r, "CreateVpcPeeringConnection", pcx_input(rv, av, NULL, NULL), "InvalidVpcID.NotFound",
        J("The vpc ID '%s' does not exist", av));
    ERR(r, "CreateVpcPeeringConnection", pcx_input(rv, rv, NULL, NULL), "InvalidParameterValue",
        J("Invalid value '%s' for peerVpcId. Both vpcId and peerVpcId values must be "
          "different.", rv));
    ERR(r, "CreateVpcPeeringConnection", pcx_input("vpc-0123456789abcdef0", av, A2, NULL),
        "InvalidVpcID.NotFound", "The vpc ID 'vpc-0123456789abcdef0' does not exist");
    ERR(r, "CreateVpcPeeringConnection", pcx_input(rv, "vpc-xyz", A2, NULL),
        "InvalidVpcID.Malformed", "Invalid id: \"vpc-xyz\" (expecting \"vpc-...\")");
    ck_assert_str_eq(list_ids(r, NULL), "");
    ck_assert_str_eq(list_ids(a, NULL), "");
}
END_TEST

/* Overlap in any family makes the request fail (reference 6.1). */
static void s_overlap(const char *rcidr, const char *rsecond, const char *acidr,
                      const char *asecond, bool v6, bool same_agent)
{
    int r = pf_agent(A1, R1), a = same_agent ? r : pf_agent(A2, R2);
    const char *rv = mkvpc(r, rcidr), *av = mkvpc(a, acidr);
    if (rsecond)
        add_cidr(r, rv, rsecond);
    if (asecond)
        add_cidr(a, av, asecond);
    if (v6) {
        /* Amazon never hands out the same /56 twice; BYOIP blocks can
         * collide, so give the accepter the requester's block. */
        const char *in = "{\"VpcId\":\"%s\",\"AmazonProvidedIpv6CidrBlock\":true}";
        OK(r, "AssociateVpcCidrBlock", J(in, rv));
        OK(a, "AssociateVpcCidrBlock", J(in, av));
        vs_vpc_t *vr = pf_vpc(r, rv), *va = pf_vpc(a, av);
        va->v6[0].cidr = vr->v6[0].cidr;
        vs_model__touch(pf_model(a), &va->base);
    }
    const char *pcx = same_agent ? mkpcx(r, rv, av, NULL, NULL) : mkpcx(r, rv, av, A2, R2);
    s_expect_failed(r, same_agent ? NULL : (int[]){ a, -1 }, pcx);
}

START_TEST(fail_overlap_primary)
{
    s_overlap("10.1.0.0/16", NULL, "10.1.128.0/17", NULL, false, false);
}
END_TEST

START_TEST(fail_overlap_secondary)
{
    s_overlap("10.1.0.0/16", "10.9.0.0/16", "10.9.0.0/20", NULL, false, false);
    pf_teardown();
    pf_setup();
    s_overlap("10.1.0.0/16", NULL, "10.2.0.0/16", "10.1.64.0/18", false, false);
}
END_TEST

START_TEST(fail_overlap_ipv6)
{
    s_overlap("10.1.0.0/16", NULL, "10.2.0.0/16", NULL, true, false);
}
END_TEST

START_TEST(fail_overlap_same_agent)
{
    s_overlap("10.1.0.0/16", NULL, "10.1.0.0/16", NULL, false, true);
    pf_teardown();
    pf_setup();
    s_overlap("10.1.0.0/16", NULL, "10.2.0.0/16", NULL, true, true);
}
END_TEST

START_TEST(fail_cross_partition)
{
    const char *peers[] = { "cn-north-1", "us-gov-west-1" };
    for (size_t i = 0; i < 2; i++) {
        int r = pf_agent(A1, R1), a = pf_agent(A2, peers[i]);
        const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
        s_expect_failed(r, (int[]){ a, -1 }, mkpcx(r, rv, av, A2, peers[i]));
        /* ... and the other way round. */
        int r2 = pf_agent(A3, peers[i]), a2 = pf_agent(A3, R1);
        rv = mkvpc(r2, "10.1.0.0/16");
        av = mkvpc(a2, "10.2.0.0/16");
        s_expect_failed(r2, (int[]){ a2, -1 }, mkpcx(r2, rv, av, NULL, R1));
        pf_teardown();
        pf_setup();
    }
}
END_TEST

START_TEST(china_inter_region_seed_rules)
{
    int r = pf_agent(A1, "cn-north-1"), a = pf_agent(A2, "cn-northwest-1");
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    s_expect_failed(r, (int[]){ a, -1 }, mkpcx(r, rv, av, A2, "cn-northwest-1"));
}
END_TEST

START_TEST(china_inter_region_modern_rules)
{
    vs_model_config_t modern = { .modern_rules = true };
    int r = pf_agent_cfg(A1, "cn-north-1", &modern);
    int a = pf_agent_cfg(A2, "cn-northwest-1", &modern);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *pcx = active_pcx(r, rv, a, av);
    ck_assert_str_eq(S(view(r, pcx), "AccepterVpcInfo.Region"), "cn-northwest-1");
    /* Same Region in China always peers, under either rule set. */
    int r2 = pf_agent(A3, "cn-north-1");
    rv = mkvpc(r2, "10.5.0.0/16");
    av = mkvpc(r2, "10.6.0.0/16");
    pcx = mkpcx(r2, rv, av, NULL, NULL);
    pf_settle();
    ck_assert_str_eq(state_of(r2, pcx), "pending-acceptance");
}
END_TEST

Suite *vs_test_suite(void);
Suite *vs_test_suite(void)
{
    Suite *s = suite_create("peering");
    TCase *tc = tcase_create("lifecycle");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, same_account_same_region);
    tcase_add_test(tc, cross_account_same_region);
    tcase_add_test(tc, cross_account_same_region_requester_deletes);
    tcase_add_test(tc, same_account_inter_region);
    tcase_add_test(tc, cross_account_inter_region);
    tcase_add_test(tc, cross_account_inter_region_accepter_deletes);
    tcase_add_test(tc, govcloud_inter_region);
    suite_add_tcase(s, tc);

    tc = tcase_create("failures");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, fail_wrong_peer_owner);
    tcase_add_test(tc, fail_unknown_peer_vpc);
    tcase_add_test(tc, fail_missing_peer_region);
    tcase_add_test(tc, fail_missing_peer_region_no_agent);
    tcase_add_test(tc, fail_peer_account_without_agent);
    tcase_add_test(tc, same_account_unknown_peer_is_synchronous);
    tcase_add_test(tc, fail_overlap_primary);
    tcase_add_test(tc, fail_overlap_secondary);
    tcase_add_test(tc, fail_overlap_ipv6);
    tcase_add_test(tc, fail_overlap_same_agent);
    tcase_add_test(tc, fail_cross_partition);
    tcase_add_test(tc, china_inter_region_seed_rules);
    tcase_add_test(tc, china_inter_region_modern_rules);
    suite_add_tcase(s, tc);
    return s;
}
