/* Peering and the VPCs it joins, in a simulated cluster (sim/simnet.h):
 * adding CIDR blocks to either end in each state (reference 6.1, UG-cidr)
 * and deleting a VPC that has peering connections (reference 5.5). */
#include "check_peering_fixture.h"

#define ASSOC "AssociateVpcCidrBlock"

static const char *s_assoc(const char *vpc, const char *cidr)
{
    return J("{\"VpcId\":\"%s\",\"CidrBlock\":\"%s\"}", vpc, cidr);
}

static const char *s_blocked(const char *cidr, const char *vpc, const char *pcx)
{
    return J("The CIDR '%s' cannot be added to %s while its VPC peering connection request %s "
             "is pending acceptance.", cidr, vpc, pcx);
}

static const char *s_overlaps(const char *cidr, const char *pcx)
{
    return J("The CIDR '%s' overlaps with a CIDR block of the peer VPC of VPC peering "
             "connection %s.", cidr, pcx);
}

/* The CIDR blocks of a VPC as DescribeVpcs shows them, comma-separated. */
static const char *s_vpc_cidrs(int a, const char *vpc)
{
    vs_json_t *o = OK(a, "DescribeVpcs", J("{\"VpcIds\":[\"%s\"]}", vpc));
    char buf[512] = "";
    const vs_json_t *set = P(o, "Vpcs.0.CidrBlockAssociationSet");
    for (size_t i = 0; i < vs_json_len(set); i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? "," : "",
                 vs_json_get_str(vs_json_at(set, i), "CidrBlock"));
    return pf_skeep(strdup(buf));
}

/* --- CIDRs of a pending request ------------------------------------------------------- */

START_TEST(requester_cannot_add_cidr_while_pending)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R2);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *pcx = mkpcx(r, rv, av, A2, R2);
    /* Already while the request is being initiated ... */
    ERR(r, ASSOC, s_assoc(rv, "10.5.0.0/16"), "OperationNotPermitted",
        s_blocked("10.5.0.0/16", rv, pcx));
    pf_settle();
    /* ... and while it waits, whatever the block. */
    ERR(r, ASSOC, s_assoc(rv, "10.5.0.0/16"), "OperationNotPermitted",
        s_blocked("10.5.0.0/16", rv, pcx));
    ERR(r, ASSOC, s_assoc(rv, "10.2.0.0/16"), "OperationNotPermitted",
        s_blocked("10.2.0.0/16", rv, pcx));
    ERR(r, ASSOC, J("{\"VpcId\":\"%s\",\"AmazonProvidedIpv6CidrBlock\":true}", rv),
        "OperationNotPermitted", NULL);
    ck_assert_str_eq(s_vpc_cidrs(r, rv), "10.1.0.0/16");
    /* Accepted: the requester may add a block that does not overlap. */
    OK(a, "AcceptVpcPeeringConnection", pcx_id_input(pcx));
    pf_advance(VS_PCX_PROVISIONING_MS);
    add_cidr(r, rv, "10.5.0.0/16");
    pf_settle();
    same_views(r, a, pcx);
    ck_assert_str_eq(pf_cidr_set(P(view(a, pcx), "RequesterVpcInfo")), "10.1.0.0/16,10.5.0.0/16");
    ck_assert_str_eq(S(view(a, pcx), "RequesterVpcInfo.CidrBlock"), "10.1.0.0/16");
}
END_TEST

START_TEST(accepter_overlapping_cidr_fails_pending)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R1);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *pcx = pending_pcx(r, rv, a, av);
    /* Allowed; the request then fails and cannot be accepted. */
    add_cidr(a, av, "10.1.128.0/17");
    pf_settle();
    ck_assert_str_eq(state_of(r, pcx), "failed");
    ck_assert_str_eq(message_of(r, pcx),
                     "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range");
    ck_assert_ptr_null(view(a, pcx));
    ERR(a, "AcceptVpcPeeringConnection", pcx_id_input(pcx), "InvalidVpcPeeringConnectionID.NotFound",
        J("The vpcPeeringConnection ID '%s' does not exist", pcx));
    same_views(r, a, pcx);
    /* A non-overlapping block keeps the request alive and is known at accept. */
    const char *av2 = mkvpc(a, "10.3.0.0/16");
    const char *p2 = pending_pcx(r, rv, a, av2);
    add_cidr(a, av2, "10.9.0.0/16");
    pf_settle();
    ck_assert_str_eq(state_of(a, p2), "pending-acceptance");
    ck_assert_ptr_null(P(view(r, p2), "AccepterVpcInfo.CidrBlockSet"));   /* hidden until accepted */
    same_views(r, a, p2);
    OK(a, "AcceptVpcPeeringConnection", pcx_id_input(p2));
    pf_settle();
    ck_assert_str_eq(pf_cidr_set(P(view(r, p2), "AccepterVpcInfo")), "10.3.0.0/16,10.9.0.0/16");
}
END_TEST

START_TEST(accepter_overlapping_cidr_same_agent)
{
    int r = pf_agent(A1, R1);
    const char *v1 = mkvpc(r, "10.1.0.0/16"), *v2 = mkvpc(r, "10.2.0.0/16");
    const char *pcx = pending_pcx(r, v1, r, v2);
    ERR(r, ASSOC, s_assoc(v1, "10.7.0.0/16"), "OperationNotPermitted",
        s_blocked("10.7.0.0/16", v1, pcx));
    add_cidr(r, v2, "10.1.0.0/17");
    ck_assert_str_eq(state_of(r, pcx), "failed");
    /* The request is over: the requester may add blocks again. */
    add_cidr(r, v1, "10.7.0.0/16");
}
END_TEST

/* While an accept is on its way to the home, the accepter's agent refuses
 * blocks that overlap the requester: accept never activates an overlap. */
START_TEST(accept_in_flight_refuses_overlap)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R2);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *pcx = pending_pcx(r, rv, a, av);
    uint64_t c = pf_call(a, "AcceptVpcPeeringConnection", pcx_id_input(pcx));
    ck_assert_int_eq(pf_reply(c)->state, VS_CALL_PENDING);
    ERR(a, ASSOC, s_assoc(av, "10.1.0.0/17"), "InvalidVpc.Range", s_overlaps("10.1.0.0/17", pcx));
    add_cidr(a, av, "10.9.0.0/16");             /* no overlap: fine */
    pf_wait(c);
    ck_assert_int_eq(pf_reply(c)->state, VS_CALL_OK);
    pf_advance(VS_PCX_PROVISIONING_MS);
    pf_settle();
    same_views(r, a, pcx);
    ck_assert_str_eq(state_of(r, pcx), "active");
    ck_assert_str_eq(pf_cidr_set(P(view(r, pcx), "AccepterVpcInfo")), "10.2.0.0/16,10.9.0.0/16");
}
END_TEST

/* The requester removes a block while its request is being validated: the
 * record it then replicates may overtake the request itself. The accepter's
 * agent must still validate (here: it has no such VPC) and never hold a
 * view it did not validate. */
START_TEST(requester_removes_cidr_while_validating)
{
    bool reordered = false;
    for (uint64_t seed = 1; seed <= 16; seed++) {
        pf_teardown();
        pf_start(seed);
        int r = pf_agent(A1, R1), a = pf_agent(A2, R2);
        const char *rv = mkvpc(r, "10.1.0.0/16");
        mkvpc(a, "10.2.0.0/16");
        add_cidr(r, rv, "10.7.0.0/16");
        const char *pcx = mkpcx(r, rv, "vpc-0123456789abcdef0", A2, R2);
        OK(r, "DisassociateVpcCidrBlock",
           J("{\"AssociationId\":\"%s\"}", pf_vpc(r, rv)->v4[1].assoc_id));
        ck_assert_uint_eq(vs_simnet_in_flight(g_net), 2);    /* Request, State */
        vs_simnet_deliver_one(g_net);
        reordered |= rec(a, pcx) == NULL;   /* the State came first */
        pf_settle();
        ck_assert_str_eq(state_of(r, pcx), "failed");
        ck_assert_ptr_null(view(a, pcx));
        ck_assert_str_eq(list_ids(a, NULL), "");
    }
    ck_assert(reordered);
}
END_TEST

/* --- CIDRs of an active connection ------------------------------------------------------ */

START_TEST(active_refuses_overlap_and_follows_changes)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R2);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *pcx = active_pcx(r, rv, a, av);
    ERR(r, ASSOC, s_assoc(rv, "10.2.128.0/17"), "InvalidVpc.Range", s_overlaps("10.2.128.0/17", pcx));
    ERR(a, ASSOC, s_assoc(av, "10.1.0.0/24"), "InvalidVpc.Range", s_overlaps("10.1.0.0/24", pcx));
    add_cidr(r, rv, "10.11.0.0/16");
    add_cidr(a, av, "10.12.0.0/16");
    pf_settle();
    same_views(r, a, pcx);
    const vs_json_t *v = view(r, pcx);
    ck_assert_str_eq(pf_cidr_set(P(v, "RequesterVpcInfo")), "10.1.0.0/16,10.11.0.0/16");
    ck_assert_str_eq(pf_cidr_set(P(v, "AccepterVpcInfo")), "10.2.0.0/16,10.12.0.0/16");
    /* The blocks just added are now part of the peer: no overlap with them. */
    ERR(r, ASSOC, s_assoc(rv, "10.12.0.0/20"), "InvalidVpc.Range", s_overlaps("10.12.0.0/20", pcx));
    ERR(a, ASSOC, s_assoc(av, "10.11.0.0/20"), "InvalidVpc.Range", s_overlaps("10.11.0.0/20", pcx));
    /* IPv6 blocks show up too. */
    OK(a, ASSOC, J("{\"VpcId\":\"%s\",\"AmazonProvidedIpv6CidrBlock\":true}", av));
    pf_settle();
    same_views(r, a, pcx);
    ck_assert_int_eq(N(view(r, pcx), "AccepterVpcInfo.Ipv6CidrBlockSet"), 1);
    ck_assert_str_eq(pf_keys(P(view(r, pcx), "AccepterVpcInfo")),
                     "CidrBlock,Ipv6CidrBlockSet,CidrBlockSet,OwnerId,PeeringOptions,VpcId,Region");
    /* Removing a block is followed as well. */
    const vs_vpc_t *va = pf_vpc(a, av);
    OK(a, "DisassociateVpcCidrBlock", J("{\"AssociationId\":\"%s\"}", va->v4[1].assoc_id));
    pf_settle();
    same_views(r, a, pcx);
    ck_assert_str_eq(pf_cidr_set(P(view(r, pcx), "AccepterVpcInfo")), "10.2.0.0/16");
    add_cidr(r, rv, "10.12.0.0/20");            /* no longer the peer's */
}
END_TEST

/* --- deleting a VPC with peering ---------------------------------------------------------- */

static const char *s_dep(const char *vpc)
{
    return J("The vpc '%s' has dependencies and cannot be deleted.", vpc);
}

static const char *s_del_vpc(const char *vpc) { return J("{\"VpcId\":\"%s\"}", vpc); }

START_TEST(delete_vpc_dependency_violation)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R2);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *pcx = mkpcx(r, rv, av, A2, R2);
    ERR(r, "DeleteVpc", s_del_vpc(rv), "DependencyViolation", s_dep(rv));
    pf_settle();
    ERR(r, "DeleteVpc", s_del_vpc(rv), "DependencyViolation", s_dep(rv));
    ERR(a, "DeleteVpc", s_del_vpc(av), "DependencyViolation", s_dep(av));
    OK(a, "AcceptVpcPeeringConnection", pcx_id_input(pcx));
    pf_settle();
    ERR(a, "DeleteVpc", s_del_vpc(av), "DependencyViolation", s_dep(av));
    pf_advance(VS_PCX_PROVISIONING_MS);
    pf_settle();
    ERR(r, "DeleteVpc", s_del_vpc(rv), "DependencyViolation", s_dep(rv));
    ERR(a, "DeleteVpc", s_del_vpc(av), "DependencyViolation", s_dep(av));
    OK(r, "DeleteVpcPeeringConnection", pcx_id_input(pcx));
    pf_settle();
    ERR(a, "DeleteVpc", s_del_vpc(av), "DependencyViolation", s_dep(av));   /* deleting */
    pf_advance(VS_PCX_DELETING_MS);
    pf_settle();
    /* A deleted, rejected or failed connection no longer holds the VPC. */
    OK(r, "DeleteVpc", s_del_vpc(rv));
    OK(a, "DeleteVpc", s_del_vpc(av));
    ck_assert_str_eq(state_of(r, pcx), "deleted");
    ck_assert_str_eq(state_of(a, pcx), "deleted");
}
END_TEST

START_TEST(delete_vpc_cascade)
{
    vs_model_config_t cascade = { .cascade_vpc_delete = true };
    int r = pf_agent_cfg(A1, R1, &cascade), a = pf_agent_cfg(A2, R2, &cascade);

    /* The requester's VPC of an active connection: deleted with it. */
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *p1 = active_pcx(r, rv, a, av);
    OK(r, "DeleteVpc", s_del_vpc(rv));
    pf_settle();
    pf_advance(VS_PCX_DELETING_MS);
    pf_settle();
    same_views(r, a, p1);
    ck_assert_str_eq(state_of(a, p1), "deleted");
    ck_assert_str_eq(message_of(a, p1), J("Deleted by %s", A1));

    /* The accepter's VPC of an active connection: its agent asks the home. */
    rv = mkvpc(r, "10.3.0.0/16");
    const char *p2 = active_pcx(r, rv, a, av);
    OK(a, "DeleteVpc", s_del_vpc(av));
    pf_settle();
    pf_advance(VS_PCX_DELETING_MS);
    pf_settle();
    same_views(r, a, p2);
    ck_assert_str_eq(state_of(r, p2), "deleted");
    ck_assert_str_eq(message_of(r, p2), J("Deleted by %s", A2));

    /* An outgoing pending request goes with the VPC ... */
    av = mkvpc(a, "10.4.0.0/16");
    const char *p3 = pending_pcx(r, rv, a, av);
    OK(r, "DeleteVpc", s_del_vpc(rv));
    pf_settle();
    pf_advance(VS_PCX_DELETING_MS);
    pf_settle();
    same_views(r, a, p3);
    ck_assert_str_eq(state_of(a, p3), "deleted");

    /* ... an incoming one must be rejected first. */
    rv = mkvpc(r, "10.5.0.0/16");
    const char *p4 = pending_pcx(r, rv, a, av);
    ERR(a, "DeleteVpc", s_del_vpc(av), "DependencyViolation", s_dep(av));
    OK(a, "RejectVpcPeeringConnection", pcx_id_input(p4));
    pf_settle();
    OK(a, "DeleteVpc", s_del_vpc(av));
    pf_settle();
    same_views(r, a, p4);
    ck_assert_str_eq(state_of(r, p4), "rejected");
}
END_TEST

/* Connections in a transient state (being validated, provisioning,
 * deleting) hold their VPCs even with cascade: the VPC would otherwise go
 * while the connection carried on without it. */
START_TEST(delete_vpc_cascade_transient_states)
{
    vs_model_config_t cascade = { .cascade_vpc_delete = true };
    int r = pf_agent_cfg(A1, R1, &cascade);
    const char *v1 = mkvpc(r, "10.1.0.0/16"), *v2 = mkvpc(r, "10.2.0.0/16");
    const char *pcx = mkpcx(r, v1, v2, NULL, NULL);
    ERR(r, "DeleteVpc", s_del_vpc(v1), "DependencyViolation", s_dep(v1));
    pf_settle();
    OK(r, "AcceptVpcPeeringConnection", pcx_id_input(pcx));
    ERR(r, "DeleteVpc", s_del_vpc(v1), "DependencyViolation", s_dep(v1));
    ERR(r, "DeleteVpc", s_del_vpc(v2), "DependencyViolation", s_dep(v2));
    pf_advance(VS_PCX_PROVISIONING_MS);
    OK(r, "DeleteVpc", s_del_vpc(v2));          /* same account: both ends are ours */
    ck_assert_str_eq(state_of(r, pcx), "deleted");
    OK(r, "DeleteVpc", s_del_vpc(v1));
}
END_TEST

Suite *vs_test_suite(void);
Suite *vs_test_suite(void)
{
    Suite *s = suite_create("peering_cidr");
    TCase *tc = tcase_create("cidr");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, requester_cannot_add_cidr_while_pending);
    tcase_add_test(tc, accepter_overlapping_cidr_fails_pending);
    tcase_add_test(tc, accepter_overlapping_cidr_same_agent);
    tcase_add_test(tc, accept_in_flight_refuses_overlap);
    tcase_add_test(tc, requester_removes_cidr_while_validating);
    tcase_add_test(tc, active_refuses_overlap_and_follows_changes);
    suite_add_tcase(s, tc);

    tc = tcase_create("vpc_delete");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, delete_vpc_dependency_violation);
    tcase_add_test(tc, delete_vpc_cascade);
    tcase_add_test(tc, delete_vpc_cascade_transient_states);
    suite_add_tcase(s, tc);
    return s;
}
