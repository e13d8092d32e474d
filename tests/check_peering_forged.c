/* A third agent speaks about a connection that is not its own (issue 15).
 * The broker stamps the sender; the model must judge a peering message by
 * that stamp against the connection it already holds, never by the record
 * inside the message, which the sender writes. */
#include "check_peering_fixture.h"

/* A record as the home would send it, but with the forger as requester:
 * the only way a forged record could pass a check made on the message. */
static const char *s_forged(const char *type, const vs_pcx_t *real, const char *account,
                            const char *region, vs_pcx_state_t state)
{
    vs_pcx_t f = *real;
    snprintf(f.requester.account, sizeof f.requester.account, "%s", account);
    snprintf(f.requester.region, sizeof f.requester.region, "%s", region);
    f.state = state;
    f.version = 1000;
    vs_json_t *j = pf_keep(vs_json_object());
    vs_json_set_str(j, "T", type);
    vs_json_set_str(j, "Id", f.id);
    vs_json_set(j, "Pcx", vs_pcx_to_doc(&f));
    return pf_dump(j);
}

static int s_deliver(int to, int from, const char *payload)
{
    return vs_model_on_peer(pf_model(to), vs_model_account(pf_model(from)),
                            vs_model_region(pf_model(from)), (const uint8_t *)payload,
                            strlen(payload));
}

START_TEST(third_agent_state_is_refused)
{
    int h = pf_agent(A1, R1), r = pf_agent(A2, R1), c = pf_agent(A3, R1);
    const char *v1 = mkvpc(h, "10.1.0.0/16"), *v2 = mkvpc(r, "10.2.0.0/16");
    const char *pcx = active_pcx(h, v1, r, v2);
    vs_pcx_t real = rec(h, pcx)->rec;
    uint64_t before = rec(r, pcx)->rec.version;

    /* A third agent claims a far later version of the record... */
    int rs = s_deliver(r, c, s_forged("State", &real, A3, R1, VS_PCX_ACTIVE));
    int ro = s_deliver(r, c, s_forged("OpResult", &real, A3, R1, VS_PCX_ACTIVE));
    int rq = s_deliver(r, c, s_forged("Request", &real, A3, R1, VS_PCX_ACTIVE));
    ck_assert_uint_eq(rec(r, pcx)->rec.version, before);
    /* ...so the home's delete still reaches the replica (with the forged
     * version 1000 taken, it never would: active for ever). */
    OK(h, "DeleteVpcPeeringConnection", pcx_id_input(pcx));
    pf_advance(VS_PCX_DELETING_MS);
    pf_settle();
    ck_assert_str_eq(state_of(r, pcx), "deleted");
    same_views(h, r, pcx);
    /* And each was refused as such (the agent counts and logs it). */
    ck_assert_int_lt(rs, 0);
    ck_assert_int_lt(ro, 0);
    ck_assert_int_lt(rq, 0);
}
END_TEST

START_TEST(home_state_is_still_taken)
{
    /* The check must not refuse the real home: its State still applies. */
    int h = pf_agent(A1, R1), r = pf_agent(A2, R1);
    const char *v1 = mkvpc(h, "10.1.0.0/16"), *v2 = mkvpc(r, "10.2.0.0/16");
    const char *pcx = active_pcx(h, v1, r, v2);
    vs_pcx_t real = rec(h, pcx)->rec;
    ck_assert_int_eq(s_deliver(r, h, s_forged("State", &real, A1, R1, VS_PCX_ACTIVE)), 0);
    ck_assert_uint_eq(rec(r, pcx)->rec.version, 1000);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("peering_forged");
    TCase *tc = tcase_create("forged");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_add_test(tc, third_agent_state_is_refused);
    tcase_add_test(tc, home_state_is_still_taken);
    suite_add_tcase(s, tc);
    return s;
}
