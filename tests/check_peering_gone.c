/* A Request that reaches the accepter after its home has forgotten the
 * connection. Found by `vpcsim chaos run --seed 11 --operations 10000
 * --accounts 3 --regions 2 --kill-agents --faults
 * drop=0.2,duplicate=0.1,delay=1-30,reorder=0.1`, which ended with views
 * "requester (none), accepter initiating-request": the accepter's agent was
 * down (or the network held the Request back) while advance-clock moved the
 * home past the 168 h expiry, the expired view's 2 days and its 7-day
 * tombstone; the home's State(expired) then reached the accepter before the
 * Request, and was ignored since only a Request makes a replica; the
 * Request made a replica in initiating-request, whose Validated the home,
 * holding no record, ignored. Nothing was left to move that view. Now the
 * home answers with Gone and the replica goes as the home's view did. */
#include "check_peering_fixture.h"
#include "simrun.h"

/* One run of the case under `seed`: the network between the two agents
 * is down (every message lost, resent in vain) from the create until the
 * home has purged the expired request, then heals and reorders the two
 * messages still in the home's outbox, Request and State(expired).
 * Returns whether the Request came second, the order that made the stuck
 * view (the replica it made is the one object left, as a tombstone). */
static bool s_late_request(uint64_t seed)
{
    pf_start(seed);
    int h = pf_agent(A1, R1), r = pf_agent(A2, R2);
    const char *v1 = mkvpc(h, "10.1.0.0/16"), *v2 = mkvpc(r, "10.2.0.0/16");
    vs_simnet_faults_t down = { .drop = 1.0 };
    vs_simnet_set_faults(g_net, &down);
    const char *pcx = mkpcx(h, v1, v2, A2, R2);
    pf_advance(VS_PCX_EXPIRY_MS + HOUR);
    ck_assert_str_eq(state_of(h, pcx), "expired");
    pf_advance(VS_PCX_LONG_VISIBLE_MS + VS_PCX_TOMBSTONE_MS + HOUR);
    ck_assert_ptr_null(rec(h, pcx));
    ck_assert_ptr_null(rec(r, pcx));

    vs_simnet_faults_t reorder = { .delay_max_ms = 3000 };
    vs_simnet_set_faults(g_net, &reorder);
    pf_settle();
    vs_simnet_set_faults(g_net, NULL);
    pf_settle();
    const vs_pcx_obj_t *o = rec(r, pcx);
    bool late = o && o->rec.state == VS_PCX_INITIATING_REQUEST;
    /* Whatever the order, the accepter shows nothing the home does not hold. */
    ck_assert_ptr_null(rec(h, pcx));
    ck_assert_msg(!strcmp(state_of(r, pcx), ""), "seed %" PRIu64 ": the accepter still sees %s",
                  seed, state_of(r, pcx));
    ck_assert_str_eq(list_ids(r, "{}"), "");
    /* A duplicate of the late Request finds the tombstone and shows nothing. */
    if (late) {
        vs_json_t *j = pf_keep(vs_json_object());
        vs_json_set_str(j, "T", "Request");
        vs_json_set_str(j, "Id", pcx);
        vs_json_set(j, "Pcx", vs_pcx_to_doc(&o->rec));
        const char *req = pf_dump(j);
        vs_model_on_peer(pf_model(r), A1, R1, (const uint8_t *)req, strlen(req));
        pf_settle();
        ck_assert_str_eq(state_of(r, pcx), "");
    }
    /* And the tombstone goes in its time. */
    pf_advance(VS_PCX_TOMBSTONE_MS + HOUR);
    pf_settle();
    ck_assert_ptr_null(rec(r, pcx));
    pf_teardown();
    return late;
}

START_TEST(late_request_after_home_forgot_leaves_no_view)
{
    pf_teardown();           /* each run below makes its own cluster */
    int late = 0;
    for (uint64_t seed = 1; seed <= 8; seed++)
        late += s_late_request(seed);
    /* The order that made the stuck view must have been among them, or
     * this test could not fail without the fix. */
    ck_assert_int_gt(late, 0);
}
END_TEST

/* Only the home may say it has forgotten a connection: a Gone from a third
 * agent, or from the accepter's side to the home, changes nothing. */
START_TEST(gone_from_others_is_refused)
{
    int h = pf_agent(A1, R1), r = pf_agent(A2, R2), c = pf_agent(A3, R2);
    const char *v1 = mkvpc(h, "10.1.0.0/16"), *v2 = mkvpc(r, "10.2.0.0/16");
    const char *pcx = active_pcx(h, v1, r, v2);
    const char *gone = J("{\"T\":\"Gone\",\"Id\":\"%s\"}", pcx);
    vs_model_on_peer(pf_model(r), A3, R2, (const uint8_t *)gone, strlen(gone));
    vs_model_on_peer(pf_model(h), A2, R2, (const uint8_t *)gone, strlen(gone));
    (void)c;
    pf_settle();
    ck_assert_str_eq(state_of(h, pcx), "active");
    ck_assert_str_eq(state_of(r, pcx), "active");
    same_views(h, r, pcx);
}
END_TEST

/* The home answers a message about a connection it never held with Gone;
 * an accepter's agent that holds no view of it either ignores that. */
START_TEST(unknown_pcx_is_answered_gone)
{
    int h = pf_agent(A1, R1), r = pf_agent(A2, R2);
    const char *v1 = mkvpc(h, "10.1.0.0/16"), *v2 = mkvpc(r, "10.2.0.0/16");
    const char *pcx = active_pcx(h, v1, r, v2);
    /* A Cidrs about an ID the home never had: understood, answered Gone. */
    const char *cidrs = "{\"T\":\"Cidrs\",\"Id\":\"pcx-0123456789abcdef0\",\"Ipv4\":[\"10.2.0.0/16\"],"
                        "\"Ipv6\":[],\"CidrsSeq\":\"1\"}";
    ck_assert_int_eq(vs_model_on_peer(pf_model(h), A2, R2, (const uint8_t *)cidrs,
                                      strlen(cidrs)), 0);
    ck_assert_ptr_null(rec(h, "pcx-0123456789abcdef0"));
    pf_settle();
    ck_assert_ptr_null(rec(r, "pcx-0123456789abcdef0"));
    same_views(h, r, pcx);
    ck_assert_str_eq(state_of(r, pcx), "active");
}
END_TEST

/* The same case as `vpcsim simulate` finds it since its clock jumps as
 * advance-clock does: these schedules ended with the accepter's view in
 * initiating-request and none at the home before the fix (replay with
 * `vpcsim simulate --replay 11:115 --operations 400 --faults
 * drop=0.2,duplicate=0.1,delay=0-300 --crash 0.05`). */
START_TEST(simulate_schedules_converge)
{
    static const uint64_t schedules[] = { 115, 131 };
    vs_simrun_opts_t o;
    vs_simrun_defaults(&o);
    o.operations = 400;
    o.faults.drop = 0.2;
    o.faults.duplicate = 0.1;
    o.faults.delay_min_ms = 0;
    o.faults.delay_max_ms = 300;
    o.crash = 0.05;
    for (size_t i = 0; i < sizeof schedules / sizeof schedules[0]; i++) {
        vs_simrun_result_t r;
        ck_assert_int_eq(vs_simrun_run(11, schedules[i], &o, &r), 0);
        ck_assert_msg(r.passed && r.diverged_views == 0, "schedule 11:%" PRIu64 " failed:\n%.1500s",
                      schedules[i], r.report ? r.report : "");
        vs_simrun_result_free(&r);
    }
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("peering_gone");
    TCase *tc = tcase_create("gone");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_add_test(tc, late_request_after_home_forgot_leaves_no_view);
    tcase_add_test(tc, gone_from_others_is_refused);
    tcase_add_test(tc, unknown_pcx_is_answered_gone);
    tcase_add_test(tc, simulate_schedules_converge);
    suite_add_tcase(s, tc);
    return s;
}
