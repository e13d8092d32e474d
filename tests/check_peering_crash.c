/* Peering across agent crashes (kill -9 and restart from what the agent
 * had persisted, sim/simnet.h): at every point of the lifecycle, either
 * agent may die; afterwards both views must agree and everything a reply
 * reported as done must still hold. */
#include "check_peering_fixture.h"

/* --- crash injection --------------------------------------------------------------- */

static int g_tick, g_crash_at, g_victim;
static bool g_crashed;

/* The persisted state of every pcx view of agent a, as one document. */
static vs_json_t *s_snapshot(int a)
{
    vs_json_t *all = pf_keep(vs_json_object());
    vs_model_t *m = pf_model(a);
    for (vs_pcx_obj_t *o = vs_pcx__first(m); o; o = vs_pcx__next(o)) {
        vs_json_t *d = vs_pcx_to_doc(&o->rec);
        vs_json_set_bool(d, "Hidden", o->hidden);
        vs_json_set_bool(d, "AcceptInflight", o->accept_inflight);
        vs_json_set(d, "Tags", vs_tags_to_json(&o->base.tags));
        vs_json_set(all, o->base.id, d);
    }
    return all;
}

/* One step of the network, and the crash if it is due now. A crash loses
 * nothing the agent had committed: its views are the same afterwards. */
static void s_tick(void)
{
    if (g_tick++ != g_crash_at)
        return;
    vs_json_t *before = s_snapshot(g_victim);
    vs_simnet_crash(g_net, g_victim);
    g_crashed = true;
    vs_json_t *after = s_snapshot(g_victim);
    ck_assert_msg(vs_json_equal(before, after), "crash at %d lost state:\n%s\n%s", g_crash_at,
                  pf_dump(before), pf_dump(after));
}

/* n steps of progress: one delivery each, or a little time when nothing
 * is in flight (resends and timers). */
static void s_progress(int n)
{
    for (int i = 0; i < n; i++) {
        s_tick();
        if (!vs_simnet_deliver_one(g_net))
            pf_advance(250);
    }
}

static vs_call_state_t s_state(uint64_t c) { return pf_reply(c)->state; }

static bool s_failed_with(uint64_t c, const char *code, const char *msg)
{
    const vs_simnet_reply_t *r = pf_reply(c);
    return r->state == VS_CALL_FAILED && !strcmp(r->code, code) && !strcmp(r->message, msg);
}

/* The whole lifecycle (create, tag, accept, modify, delete) with a crash
 * of `victim` at network step `at`. */
static void s_lifecycle_with_crash(int at, int victim_is_accepter, bool same_account)
{
    pf_start((uint64_t)at * 7 + (uint64_t)victim_is_accepter + 1);
    const char *aacct = same_account ? A1 : A2;
    int r = pf_agent(A1, R1), a = pf_agent(aacct, R2);
    g_tick = 0;
    g_crash_at = at;
    g_victim = victim_is_accepter ? a : r;
    g_crashed = false;
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    OK(r, "ModifyVpcAttribute", J("{\"VpcId\":\"%s\",\"EnableDnsHostnames\":{\"Value\":true}}", rv));
    OK(a, "ModifyVpcAttribute", J("{\"VpcId\":\"%s\",\"EnableDnsHostnames\":{\"Value\":true}}", av));

    uint64_t c_create = pf_call(r, "CreateVpcPeeringConnection", pcx_input(rv, av, aacct, R2));
    const char *pcx = S(pf_out(c_create), "VpcPeeringConnection.VpcPeeringConnectionId");
    const char *id = pcx_id_input(pcx);
    s_progress(4);
    uint64_t c_tag = pf_call(r, "CreateTags", J("{\"Resources\":[\"%s\"],\"Tags\":"
                                                "[{\"Key\":\"k\",\"Value\":\"v\"}]}", pcx));
    s_progress(4);
    uint64_t c_accept = pf_call(a, "AcceptVpcPeeringConnection", id);
    s_progress(6);
    pf_advance(VS_PCX_PROVISIONING_MS);
    s_progress(4);
    uint64_t c_modify = pf_call(a, "ModifyVpcPeeringConnectionOptions",
                                J("{\"VpcPeeringConnectionId\":\"%s\",\"AccepterPeeringConnection"
                                  "Options\":{\"AllowDnsResolutionFromRemoteVpc\":true}}", pcx));
    s_progress(6);
    uint64_t c_delete = pf_call(a, "DeleteVpcPeeringConnection", id);
    s_progress(8);

    pf_settle();
    pf_advance(10 * VS_SECOND_MS);
    pf_settle();
    same_views(r, a, pcx);
    const vs_pcx_t *p = &rec(r, pcx)->rec;

    /* Every acknowledged change holds. */
    ck_assert_int_eq(s_state(c_tag), VS_CALL_OK);
    ck_assert_str_eq(S(view(r, pcx), "Tags.0.Value"), "v");
    /* The accept always reaches the home in the end (it waits in the
     * outbox across crashes): the connection went through provisioning. */
    ck_assert_msg(p->state == VS_PCX_ACTIVE || p->state == VS_PCX_DELETED,
                  "crash at %d: final %s", at, vs_pcx_state_name(p->state));
    ck_assert_int_ne(s_state(c_accept), VS_CALL_FAILED);
    if (s_state(c_accept) == VS_CALL_OK)
        ck_assert_str_eq(S(pf_out(c_accept), "VpcPeeringConnection.Status.Code"), "provisioning");
    if (s_state(c_modify) == VS_CALL_OK)
        ck_assert(p->accepter.options.allow_dns_resolution_from_remote_vpc);
    else if (s_state(c_modify) == VS_CALL_FAILED)
        ck_assert_msg(s_failed_with(c_modify, "OperationNotPermitted",
                                    J("Peering %s is not active. Peering options can be added "
                                      "only to active peerings.", pcx)),
                      "modify: %s", pf_reply(c_modify)->message);
    if (s_state(c_delete) == VS_CALL_OK) {
        ck_assert_int_eq(p->state, VS_PCX_DELETED);
        ck_assert_int_eq(p->deleted_by, VS_PCX_SIDE_ACCEPTER);
    } else if (s_state(c_delete) == VS_CALL_FAILED) {
        /* Decided while the accept was still on its way. */
        ck_assert_int_eq(p->state, VS_PCX_ACTIVE);
        ck_assert_msg(s_failed_with(c_delete, "OperationNotPermitted",
                                    J("User %s cannot delete peering %s", aacct, pcx)) ||
                          s_failed_with(c_delete, "InvalidStateTransition",
                                        J("Invalid state transition for %s, attempted to "
                                          "transition from provisioning to deleting", pcx)),
                      "delete: %s", pf_reply(c_delete)->message);
    }
    ck_assert(g_crashed || at >= g_tick);
    /* No in-flight accept is left behind on the accepter's side. */
    ck_assert(!rec(a, pcx)->accept_inflight);
    pf_teardown();
}

START_TEST(crash_anywhere_cross_account)
{
    pf_teardown();
    for (int at = 0; at < 40; at++) {
        s_lifecycle_with_crash(at, 0, false);
        s_lifecycle_with_crash(at, 1, false);
    }
    pf_setup();                  /* for the fixture's teardown */
}
END_TEST

START_TEST(crash_anywhere_same_account)
{
    pf_teardown();
    for (int at = 0; at < 40; at++) {
        s_lifecycle_with_crash(at, 0, true);
        s_lifecycle_with_crash(at, 1, true);
    }
    pf_setup();
}
END_TEST

/* One agent, both ends: validation, provisioning and the visibility window
 * all run from persisted timers. */
START_TEST(crash_same_agent_timers)
{
    int r = pf_agent(A1, R1);
    const char *v1 = mkvpc(r, "10.1.0.0/16"), *v2 = mkvpc(r, "10.2.0.0/16");
    const char *pcx = mkpcx(r, v1, v2, NULL, NULL);
    vs_simnet_crash(g_net, r);
    pf_settle();
    ck_assert_str_eq(state_of(r, pcx), "pending-acceptance");
    OK(r, "AcceptVpcPeeringConnection", pcx_id_input(pcx));
    vs_simnet_crash(g_net, r);
    ck_assert_str_eq(state_of(r, pcx), "provisioning");
    pf_advance(VS_PCX_PROVISIONING_MS);
    ck_assert_str_eq(state_of(r, pcx), "active");
    OK(r, "DeleteVpcPeeringConnection", pcx_id_input(pcx));
    uint64_t t = pf_now();
    vs_simnet_crash(g_net, r);
    pf_run_to(t + 2 * HOUR - 1);
    ck_assert_str_eq(state_of(r, pcx), "deleted");
    vs_simnet_crash(g_net, r);
    pf_run_to(t + 2 * HOUR);
    ck_assert_ptr_null(view(r, pcx));
    /* And the 7-day expiry of a request nobody answers. */
    const char *p2 = pending_pcx(r, v1, r, v2);
    uint64_t e = rec(r, p2)->rec.expiration_ms;
    vs_simnet_crash(g_net, r);
    pf_run_to(e - 1);
    ck_assert_str_eq(state_of(r, p2), "pending-acceptance");
    pf_run_to(e);
    ck_assert_str_eq(state_of(r, p2), "expired");
}
END_TEST

/* An accept forwarded to the home, and the accepter's agent dies before
 * the answer: the call's outcome is unknown to its client, but the accept
 * happens (it was in the outbox), and the agent stops guarding the CIDRs
 * of the accept once the answer arrives, whatever it is. */
START_TEST(crash_while_accept_in_flight)
{
    int r = pf_agent(A1, R1), a = pf_agent(A2, R2);
    const char *rv = mkvpc(r, "10.1.0.0/16"), *av = mkvpc(a, "10.2.0.0/16");
    const char *pcx = pending_pcx(r, rv, a, av);
    uint64_t c = pf_call(a, "AcceptVpcPeeringConnection", pcx_id_input(pcx));
    vs_simnet_crash(g_net, a);
    ck_assert_int_eq(s_state(c), VS_CALL_UNKNOWN);
    ck_assert(rec(a, pcx)->accept_inflight);
    pf_settle();
    ck_assert_str_eq(state_of(a, pcx), "provisioning");
    ck_assert(!rec(a, pcx)->accept_inflight);
    same_views(r, a, pcx);

    /* The same with an accept the home refuses (another connection joins
     * the two VPCs): the request stays pending and its accepter may again
     * add any block (an overlapping one then fails the request). */
    pf_advance(VS_PCX_PROVISIONING_MS);
    const char *p2 = pending_pcx(a, av, r, rv);
    c = pf_call(r, "AcceptVpcPeeringConnection", pcx_id_input(p2));
    vs_simnet_crash(g_net, r);
    pf_settle();
    ck_assert_int_eq(s_state(c), VS_CALL_UNKNOWN);
    same_views(a, r, p2);
    ck_assert_str_eq(state_of(r, p2), "pending-acceptance");
    ck_assert(!rec(r, p2)->accept_inflight);
}
END_TEST

Suite *vs_test_suite(void);
Suite *vs_test_suite(void)
{
    Suite *s = suite_create("peering_crash");
    TCase *tc = tcase_create("crash");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_set_timeout(tc, 100);
    tcase_add_test(tc, crash_anywhere_cross_account);
    tcase_add_test(tc, crash_anywhere_same_account);
    tcase_add_test(tc, crash_same_agent_timers);
    tcase_add_test(tc, crash_while_accept_in_flight);
    suite_add_tcase(s, tc);
    return s;
}
