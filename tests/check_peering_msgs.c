/* How many messages a handshake costs, and that the ones left out lose
 * nothing (issue 9): the home sends each record to the replica once (no
 * State before the OpResult that carries the same record), and an ack rides
 * on the message its receiver sends back in the same turn instead of going
 * alone - as the agents do (agent_send.c), which the simulation models
 * (sim/simnet.c). A dropped carrier loses its ack with it; the resend is
 * acknowledged then, so delivery stays reliable. */
#include "check_peering_fixture.h"

/* The simulation's trace lines, kept for counting. */
static char g_lines[512][600];
static size_t g_nlines;

static void s_trace(void *ctx, const char *line)
{
    (void)ctx;
    if (g_nlines < sizeof g_lines / sizeof g_lines[0])
        snprintf(g_lines[g_nlines++], sizeof g_lines[0], "%s", line);
}

/* Trace lines since `from` containing both `a` and `b`. */
static size_t s_count(size_t from, const char *a, const char *b)
{
    size_t n = 0;
    for (size_t i = from; i < g_nlines; i++)
        n += strstr(g_lines[i], a) && (!b || strstr(g_lines[i], b));
    return n;
}

static void s_setup(void)
{
    pf_setup();
    g_nlines = 0;
    vs_simnet_set_trace(g_net, s_trace, NULL);
}

/* A cross-account handshake to active, the accept made on the accepter's
 * side (forwarded to the home as an Op). */
static const char *s_handshake(int h, int r)
{
    const char *v1 = mkvpc(h, "10.1.0.0/16"), *v2 = mkvpc(r, "10.2.0.0/16");
    const char *pcx = mkpcx(h, v1, v2, A2, NULL);
    pf_settle();
    uint64_t c = pf_call(r, "AcceptVpcPeeringConnection", pcx_id_input(pcx));
    pf_wait(c);
    ck_assert_str_eq(S(pf_out(c), "VpcPeeringConnection.Status.Code"), "provisioning");
    pf_advance(VS_PCX_PROVISIONING_MS);
    pf_settle();
    return pcx;
}

START_TEST(each_record_goes_to_the_replica_once)
{
    int h = pf_agent(A1, R1), r = pf_agent(A2, R1);
    const char *pcx = s_handshake(h, r);
    ck_assert_str_eq(state_of(r, pcx), "active");
    same_views(h, r, pcx);
    /* Request, Validated, State(pending-acceptance), Op, OpResult (the
     * record after the accept, provisioning), State(active): no State of
     * the version the OpResult carries. */
    ck_assert_uint_eq(s_count(0, " send ", " Request pcx-"), 1);
    ck_assert_uint_eq(s_count(0, " send ", " Validated pcx-"), 1);
    ck_assert_uint_eq(s_count(0, " send ", "Op pcx-"), 1);
    ck_assert_uint_eq(s_count(0, " send ", " OpResult pcx-"), 1);
    ck_assert_uint_eq(s_count(0, " send ", "State pcx-"), 2);
    ck_assert_uint_eq(s_count(0, " send ", " provisioning "), 1);   /* the OpResult alone */
    ck_assert_uint_eq(s_count(0, " send ", " pending-acceptance "), 1);
    ck_assert_uint_eq(s_count(0, " send ", " active "), 1);
    /* The replica's security-group directory goes with its Op and the
     * home's with the State(active), each as one message (a bundle,
     * peer_bundle.h): 6 messages in all. */
    ck_assert_uint_eq(s_count(0, " send ", "Bundle[Op pcx-"), 1);
    ck_assert_uint_eq(s_count(0, " send ", "Bundle[State pcx-"), 1);
    ck_assert_uint_eq(s_count(0, " send ", "SgDir pcx-"), 2);
    ck_assert_uint_eq(s_count(0, " send ", NULL), 6);
    /* The replica passed through provisioning all the same: the accept's
     * answer applied it. */
    ck_assert_uint_eq(s_count(0, " recv ", " OpResult pcx-"), 1);
}
END_TEST

START_TEST(a_failed_accept_still_brings_the_record)
{
    /* The accept reaches the home after the request expired there (its
     * timer due at the same moment): the home expires it first, refuses the
     * accept, and the OpResult alone brings the expired record. */
    int h = pf_agent(A1, R1), r = pf_agent(A2, R1);
    const char *v1 = mkvpc(h, "10.1.0.0/16"), *v2 = mkvpc(r, "10.2.0.0/16");
    const char *pcx = mkpcx(h, v1, v2, A2, NULL);
    pf_settle();
    pf_run_to(rec(h, pcx)->rec.expiration_ms - 1);
    ck_assert_str_eq(state_of(r, pcx), "pending-acceptance");
    uint64_t c = pf_call(r, "AcceptVpcPeeringConnection", pcx_id_input(pcx));
    ck_assert_int_eq(pf_wait(c)->state, VS_CALL_FAILED);
    pf_settle();
    ck_assert_str_eq(state_of(h, pcx), "expired");
    ck_assert_str_eq(state_of(r, pcx), "expired");
    same_views(h, r, pcx);
}
END_TEST

START_TEST(acks_ride_on_the_answer)
{
    int h = pf_agent(A1, R1), r = pf_agent(A2, R1);
    const char *v1 = mkvpc(h, "10.1.0.0/16"), *v2 = mkvpc(r, "10.2.0.0/16");
    const char *pcx = mkpcx(h, v1, v2, A2, NULL);
    ck_assert_uint_eq(vs_simnet_in_flight(g_net), 1);             /* Request */
    ck_assert(vs_simnet_deliver_one(g_net));
    ck_assert_uint_eq(vs_simnet_in_flight(g_net), 1);             /* Validated + its ack */
    ck_assert(vs_simnet_deliver_one(g_net));
    ck_assert_uint_eq(vs_simnet_in_flight(g_net), 1);             /* State + its ack */
    ck_assert(vs_simnet_deliver_one(g_net));
    ck_assert_uint_eq(vs_simnet_in_flight(g_net), 1);             /* nothing to ride on: an ack */
    ck_assert(vs_simnet_deliver_one(g_net));
    ck_assert_uint_eq(vs_simnet_in_flight(g_net), 0);
    ck_assert_str_eq(state_of(r, pcx), "pending-acceptance");
    /* Every outbox is empty: nothing is ever resent (a resend would be
     * delivered as a duplicate). */
    size_t mark = g_nlines;
    pf_advance(60 * 1000);
    ck_assert_uint_eq(vs_simnet_in_flight(g_net), 0);
    ck_assert_uint_eq(s_count(mark, " duplicate ", NULL), 0);
    ck_assert_uint_eq(s_count(0, " duplicate ", NULL), 0);
}
END_TEST

START_TEST(a_lost_carrier_loses_no_ack)
{
    /* Every message is lost for a while, then some are: whatever carried
     * an ack, every outbox empties and both views agree. */
    for (uint64_t seed = 1; seed <= 20; seed++) {
        pf_teardown();
        pf_start(seed);
        g_nlines = 0;
        vs_simnet_set_trace(g_net, s_trace, NULL);
        int h = pf_agent(A1, R1), r = pf_agent(A2, R1);
        vs_simnet_faults_t lossy = { .drop = 0.4, .duplicate = 0.2, .delay_max_ms = 50 };
        vs_simnet_set_faults(g_net, &lossy);
        const char *pcx = s_handshake(h, r);
        vs_simnet_set_faults(g_net, NULL);
        pf_settle();
        ck_assert_msg(!strcmp(state_of(h, pcx), "active"), "seed %" PRIu64, seed);
        same_views(h, r, pcx);
    }
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("peering_msgs");
    TCase *tc = tcase_create("msgs");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, s_setup, pf_teardown);
    tcase_add_test(tc, each_record_goes_to_the_replica_once);
    tcase_add_test(tc, a_failed_accept_still_brings_the_record);
    tcase_add_test(tc, acks_ride_on_the_answer);
    tcase_add_test(tc, a_lost_carrier_loses_no_ack);
    suite_add_tcase(s, tc);
    return s;
}
