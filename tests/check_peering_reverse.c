/* The two requests of one VPC pair (A -> B, home A's agent, and B -> A,
 * home B's agent) accepted at the same moment: at most one may become
 * active (reference: VpcPeeringConnectionAlreadyExists). The two accepts
 * are decided by different homes, so neither may rely on its own view of
 * the other request alone (core/peering/pcx_home.c, s_accept_rules). `vpcsim chaos
 * run` races these accepts too. */
#include "check_peering_fixture.h"

static int s_live(int a, const char *pcx)
{
    const char *s = state_of(a, pcx);
    return !strcmp(s, "active") || !strcmp(s, "provisioning");
}

START_TEST(concurrent_reverse_accepts_make_one_active)
{
    int x = pf_agent(A1, R1), y = pf_agent(A2, R2);
    const char *vx = mkvpc(x, "10.1.0.0/16"), *vy = mkvpc(y, "10.2.0.0/16");
    const char *p1 = pending_pcx(x, vx, y, vy);   /* home x, accepted on y */
    const char *p2 = pending_pcx(y, vy, x, vx);   /* home y, accepted on x */
    uint64_t c1 = pf_call(y, "AcceptVpcPeeringConnection", pcx_id_input(p1));
    uint64_t c2 = pf_call(x, "AcceptVpcPeeringConnection", pcx_id_input(p2));
    pf_settle();
    pf_advance(VS_PCX_PROVISIONING_MS);
    pf_settle();
    int ok = (pf_reply(c1)->state == VS_CALL_OK) + (pf_reply(c2)->state == VS_CALL_OK);
    int live = s_live(x, p1) + s_live(x, p2);
    ck_assert_int_eq(live, s_live(y, p1) + s_live(y, p2));
    ck_assert_int_le(live, 1);
    ck_assert_int_eq(ok, live);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("peering_reverse");
    TCase *tc = tcase_create("reverse");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_add_test(tc, concurrent_reverse_accepts_make_one_active);
    suite_add_tcase(s, tc);
    return s;
}
