/* A record that arrives after the replica has forgotten the pcx must not
 * bring it back. Found by `vpcsim chaos run --seed 6 --operations 300
 * --kill-broker --kill-agents --faults drop=0.1,duplicate=0.1,delay=1-20,reorder=0.1`:
 * a State(deleting) dropped by the network was resent after the home had
 * already sent State(deleted), and the clock had moved past the views'
 * windows and the 7-day tombstone (advance-clock moves days in a
 * millisecond). The replica made a new view from the stale record, stuck
 * in "deleting" forever, while the home had long purged the pcx. */
#include "check_peering_fixture.h"

/* The home's message carrying `rec`, as pcx_proto.c sends it. */
static const char *s_state_msg(const vs_pcx_t *rec)
{
    vs_json_t *j = pf_keep(vs_json_object());
    vs_json_set_str(j, "T", "State");
    vs_json_set_str(j, "Id", rec->id);
    vs_json_set(j, "Pcx", vs_pcx_to_doc(rec));
    return pf_dump(j);
}

static void s_deliver(int to, int from, const char *payload)
{
    vs_model_t *m = pf_model(to);
    vs_model_on_peer(m, vs_model_account(pf_model(from)), vs_model_region(pf_model(from)),
                     (const uint8_t *)payload, strlen(payload));
}

START_TEST(stale_state_after_purge_makes_no_view)
{
    int h = pf_agent(A2, R1), r = pf_agent(A2, R2);
    const char *v1 = mkvpc(h, "10.1.0.0/16"), *v2 = mkvpc(r, "10.2.0.0/16");
    const char *pcx = active_pcx(h, v1, r, v2);
    OK(h, "DeleteVpcPeeringConnection", pcx_id_input(pcx));
    ck_assert_str_eq(state_of(h, pcx), "deleting");
    /* The record as the replica got it first; pretend that message was lost. */
    vs_pcx_t deleting = rec(h, pcx)->rec;
    pf_advance(VS_PCX_DELETING_MS);
    pf_settle();
    ck_assert_str_eq(state_of(r, pcx), "deleted");
    /* Both views age out (same account: 2 h), then their tombstones go. */
    pf_advance(2 * HOUR + VS_PCX_TOMBSTONE_MS + HOUR);
    pf_settle();
    ck_assert_ptr_null(rec(h, pcx));
    ck_assert_ptr_null(rec(r, pcx));
    /* The lost State(deleting) is resent at last. */
    s_deliver(r, h, s_state_msg(&deleting));
    pf_settle();
    ck_assert_ptr_null(rec(r, pcx));
    ck_assert_str_eq(list_ids(r, "{}"), "");
}
END_TEST

START_TEST(stale_active_state_after_purge_makes_no_view)
{
    int h = pf_agent(A1, R1), r = pf_agent(A2, R1);
    const char *v1 = mkvpc(h, "10.1.0.0/16"), *v2 = mkvpc(r, "10.2.0.0/16");
    const char *pcx = active_pcx(h, v1, r, v2);
    vs_pcx_t active = rec(h, pcx)->rec;
    OK(r, "DeleteVpcPeeringConnection", pcx_id_input(pcx));
    pf_settle();
    pf_advance(2 * DAY + VS_PCX_TOMBSTONE_MS + HOUR);
    pf_settle();
    ck_assert_ptr_null(rec(r, pcx));
    s_deliver(r, h, s_state_msg(&active));
    pf_settle();
    ck_assert_ptr_null(rec(r, pcx));
    ck_assert_str_eq(list_ids(r, "{}"), "");
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("peering_stale");
    TCase *tc = tcase_create("stale");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_add_test(tc, stale_state_after_purge_makes_no_view);
    tcase_add_test(tc, stale_active_state_after_purge_makes_no_view);
    suite_add_tcase(s, tc);
    return s;
}
