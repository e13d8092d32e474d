/* Concurrent peering operations in a simulated cluster (sim/simnet.h):
 * accept vs delete, delete vs delete, accept vs expiry, reject vs delete,
 * accept vs CIDR changes. Each race runs under many seeds, with the calls
 * issued at random moments, messages delivered in random order, lost,
 * duplicated and delayed, and agents sometimes killed. After the network
 * settles: (1) both views hold the same record (state and version), (2)
 * the outcome is exactly what the replies claimed (a success happened at
 * the home, a failure did not, and the loser got AWS's error), (3) no
 * active connection joins overlapping CIDRs. A failing seed replays
 * exactly: the messages name it. */
#include "check_peering_fixture.h"

#ifndef SEEDS
#define SEEDS 200          /* -DSEEDS=5000 for a longer hunt */
#endif
#define STEPS 48
#define MAX_CALLS 6

typedef struct race race_t;
typedef void (*race_issue_fn)(race_t *t, int i);

struct race {
    uint64_t seed;
    vs_rng_t rng;
    int r, a;                  /* requester (home) and accepter agents */
    const char *racct, *aacct;
    const char *rv, *av, *pcx;
    uint64_t call[MAX_CALLS];
    int when[MAX_CALLS];
    bool provisioning_seen;    /* the home ever sent a provisioning record */
};

static void s_trace(void *ctx, const char *line)
{
    race_t *t = ctx;
    if (t->pcx && strstr(line, t->pcx) && strstr(line, " provisioning v"))
        t->provisioning_seen = true;
}

/* One of three topologies, by seed: cross-account in one Region,
 * cross-account inter-Region, one account inter-Region. Ends with a
 * pending request (active if `activate`), reached without faults. */
static void s_setup(race_t *t, uint64_t seed, bool activate)
{
    memset(t, 0, sizeof *t);
    t->seed = seed;
    vs_rng_seed(&t->rng, seed * 0x9e3779b97f4a7c15ull + 17);
    pf_start(seed);
    static const char *const topo[3][2] = { { A2, R1 }, { A2, R2 }, { A1, R2 } };
    const char *const *tp = topo[seed % 3];
    t->racct = A1;
    t->aacct = tp[0];
    t->r = pf_agent(A1, R1);
    t->a = pf_agent(tp[0], tp[1]);
    t->rv = mkvpc(t->r, "10.1.0.0/16");
    t->av = mkvpc(t->a, "10.2.0.0/16");
    t->pcx = activate ? active_pcx(t->r, t->rv, t->a, t->av)
                      : pending_pcx(t->r, t->rv, t->a, t->av);
    vs_simnet_set_trace(g_net, s_trace, t);
}

static uint64_t s_below(race_t *t, uint64_t n) { return vs_rng_below(&t->rng, n); }

/* Issues the race's calls at random steps among random deliveries, clock
 * moves, faults and (with probability crash_pct % per step) crashes; then
 * lets everything settle, timers included. */
static void s_run(race_t *t, int ncalls, race_issue_fn issue, int crash_pct)
{
    for (int i = 0; i < ncalls; i++)
        t->when[i] = (int)s_below(t, 16);
    vs_simnet_faults_t f = {
        .drop = (double)s_below(t, 30) / 100.0,
        .duplicate = (double)s_below(t, 30) / 100.0,
        .delay_min_ms = 0,
        .delay_max_ms = s_below(t, 2) ? 1 + s_below(t, 600) : 0,
    };
    vs_simnet_set_faults(g_net, &f);
    for (int step = 0; step < STEPS; step++) {
        for (int i = 0; i < ncalls; i++)
            if (t->when[i] == step)
                issue(t, i);
        uint64_t x = s_below(t, 100);
        if ((int)x < crash_pct)
            vs_simnet_crash(g_net, s_below(t, 2) ? t->a : t->r);
        else if (x < 75) {
            if (!vs_simnet_deliver_one(g_net))
                pf_advance(s_below(t, 400));
        } else {
            pf_advance(s_below(t, 400));
        }
    }
    vs_simnet_set_faults(g_net, NULL);
    pf_settle();
    pf_advance(10 * VS_SECOND_MS);
    pf_settle();
    /* (1) one record, two equal views */
    same_views(t->r, t->a, t->pcx);
}

static const vs_pcx_t *s_final(race_t *t) { return &rec(t->r, t->pcx)->rec; }

static vs_call_state_t s_st(race_t *t, int i) { return pf_reply(t->call[i])->state; }

/* The call failed with InvalidStateTransition from one of the states. */
static bool s_ist_from(race_t *t, int i, const char *to, const char *const *froms)
{
    const vs_simnet_reply_t *r = pf_reply(t->call[i]);
    if (r->state != VS_CALL_FAILED || strcmp(r->code, "InvalidStateTransition") != 0)
        return false;
    for (; *froms; froms++)
        if (!strcmp(r->message, J("Invalid state transition for %s, attempted to transition "
                                  "from %s to %s", t->pcx, *froms, to)))
            return true;
    return false;
}

static const char *s_why(race_t *t, int i)
{
    const vs_simnet_reply_t *r = pf_reply(t->call[i]);
    return J("seed %" PRIu64 ": call %d state %d %s %s, final %s", t->seed, i, (int)r->state,
             r->code ? r->code : "", r->message ? r->message : "",
             vs_pcx_state_name(s_final(t)->state));
}

#define CHECK(t, i, cond) ck_assert_msg((cond), "%s: %s", #cond, s_why((t), (i)))

/* (3) An active connection never joins overlapping CIDRs, and its record
 * knows the VPCs' real blocks. */
static void s_check_cidrs(race_t *t)
{
    const vs_pcx_t *p = s_final(t);
    if (p->state != VS_PCX_ACTIVE)
        return;
    vs_pcx_vpc_t rv, av;
    ck_assert_int_eq(vs_pcx__fill_vpc(pf_model(t->r), pf_vpc(t->r, t->rv), &rv), 0);
    ck_assert_int_eq(vs_pcx__fill_vpc(pf_model(t->a), pf_vpc(t->a, t->av), &av), 0);
    ck_assert_msg(!vs_pcx_vpcs_overlap(&rv, &av), "seed %" PRIu64 ": active over an overlap",
                  t->seed);
    vs_json_t *want = pf_keep(vs_json_object()), *have = pf_keep(vs_json_object());
    rv.options = p->requester.options;
    av.options = p->accepter.options;
    vs_json_set(want, "r", vs_json_clone(P(pf_keep(vs_pcx_to_doc(p)), "Requester")));
    vs_json_set(want, "a", vs_json_clone(P(pf_keep(vs_pcx_to_doc(p)), "Accepter")));
    vs_pcx_t real = *p;
    real.requester = rv;
    real.accepter = av;
    vs_json_set(have, "r", vs_json_clone(P(pf_keep(vs_pcx_to_doc(&real)), "Requester")));
    vs_json_set(have, "a", vs_json_clone(P(pf_keep(vs_pcx_to_doc(&real)), "Accepter")));
    ck_assert_msg(vs_json_equal(want, have), "seed %" PRIu64 ": record CIDRs are stale:\n%s\n%s",
                  t->seed, pf_dump(want), pf_dump(have));
}

/* --- accept vs delete ----------------------------------------------------------------- */

static void s_issue_accept_delete(race_t *t, int i)
{
    t->call[i] = i == 0 ? pf_call(t->a, "AcceptVpcPeeringConnection", pcx_id_input(t->pcx))
                        : pf_call(t->r, "DeleteVpcPeeringConnection", pcx_id_input(t->pcx));
}

START_TEST(race_accept_vs_delete)
{
    pf_teardown();            /* each seed starts its own cluster */
    static const char *const after_delete[] = { "deleting", "deleted", NULL };
    static const char *const provisioning[] = { "provisioning", NULL };
    int outcomes[2] = { 0, 0 };
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        race_t t;
        s_setup(&t, seed, false);
        s_run(&t, 2, s_issue_accept_delete, seed % 4 == 0 ? 3 : 0);
        const vs_pcx_t *p = s_final(&t);
        CHECK(&t, 0, p->state == VS_PCX_ACTIVE || p->state == VS_PCX_DELETED);
        if (s_st(&t, 0) == VS_CALL_OK) {
            CHECK(&t, 0, t.provisioning_seen);
            CHECK(&t, 0, !strcmp(S(pf_out(t.call[0]), "VpcPeeringConnection.Status.Code"),
                                 "provisioning"));
        }
        if (s_st(&t, 0) == VS_CALL_FAILED)
            CHECK(&t, 0, s_ist_from(&t, 0, "provisioning", after_delete) &&
                             p->state == VS_PCX_DELETED && !t.provisioning_seen);
        if (t.provisioning_seen)
            CHECK(&t, 0, s_st(&t, 0) != VS_CALL_FAILED);
        /* The delete is decided at once by the home (the requester). */
        CHECK(&t, 1, s_st(&t, 1) == VS_CALL_OK || s_st(&t, 1) == VS_CALL_FAILED);
        if (s_st(&t, 1) == VS_CALL_OK)
            CHECK(&t, 1, p->state == VS_PCX_DELETED && p->deleted_by == VS_PCX_SIDE_REQUESTER);
        else
            CHECK(&t, 1, s_ist_from(&t, 1, "deleting", provisioning) &&
                             p->state == VS_PCX_ACTIVE && t.provisioning_seen);
        outcomes[p->state == VS_PCX_ACTIVE]++;
        pf_teardown();
    }
    /* Both orders really happened. */
    ck_assert_int_gt(outcomes[0], 0);
    ck_assert_int_gt(outcomes[1], 0);
    pf_setup();
}
END_TEST

/* --- delete vs delete --------------------------------------------------------------------- */

static void s_issue_delete_delete(race_t *t, int i)
{
    t->call[i] = pf_call(i == 0 ? t->r : t->a, "DeleteVpcPeeringConnection", pcx_id_input(t->pcx));
}

START_TEST(race_delete_vs_delete)
{
    pf_teardown();            /* each seed starts its own cluster */
    static const char *const gone[] = { "deleting", "deleted", NULL };
    int winners[2] = { 0, 0 };
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        race_t t;
        s_setup(&t, seed, true);
        s_run(&t, 2, s_issue_delete_delete, seed % 4 == 1 ? 3 : 0);
        const vs_pcx_t *p = s_final(&t);
        CHECK(&t, 0, p->state == VS_PCX_DELETED);
        CHECK(&t, 0, !(s_st(&t, 0) == VS_CALL_OK && s_st(&t, 1) == VS_CALL_OK));
        CHECK(&t, 0, !(s_st(&t, 0) == VS_CALL_FAILED && s_st(&t, 1) == VS_CALL_FAILED));
        for (int i = 0; i < 2; i++) {
            vs_pcx_side_t side = i == 0 ? VS_PCX_SIDE_REQUESTER : VS_PCX_SIDE_ACCEPTER;
            if (s_st(&t, i) == VS_CALL_OK) {
                CHECK(&t, i, p->deleted_by == side);
                winners[i]++;
            } else if (s_st(&t, i) == VS_CALL_FAILED) {
                CHECK(&t, i, s_ist_from(&t, i, "deleting", gone) && p->deleted_by != side);
            }
        }
        ck_assert_str_eq(S(view(t.r, t.pcx), "Status.Message"),
                         J("Deleted by %s", p->deleted_by == VS_PCX_SIDE_REQUESTER ? t.racct
                                                                                  : t.aacct));
        pf_teardown();
    }
    ck_assert_int_gt(winners[0], 0);
    ck_assert_int_gt(winners[1], 0);
    pf_setup();
}
END_TEST

/* --- accept vs expiry ------------------------------------------------------------------------ */

START_TEST(race_accept_vs_expiry)
{
    pf_teardown();            /* each seed starts its own cluster */
    static const char *const expired[] = { "expired", NULL };
    int outcomes[2] = { 0, 0 };
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        race_t t;
        s_setup(&t, seed, false);
        uint64_t e = s_final(&t)->expiration_ms;
        /* Accept 1..4 ms before the expiry, delivered 0..3 ms late: at
         * 168 h - 1 ms it arrives at or after the expiry and must fail. */
        uint64_t before = 1 + seed % 4;
        pf_run_to(e - before);
        vs_simnet_faults_t f = { .delay_max_ms = 3, .duplicate = 0.3,
                                 .drop = seed % 5 == 0 ? 0.3 : 0 };
        vs_simnet_set_faults(g_net, &f);
        t.call[0] = pf_call(t.a, "AcceptVpcPeeringConnection", pcx_id_input(t.pcx));
        if (seed % 7 == 0)
            vs_simnet_crash(g_net, seed % 2 ? t.a : t.r);
        /* Deliveries in time order here (vs_simnet_deliver_one would
         * deliver before the message's time): the point is when. */
        pf_settle();
        vs_simnet_set_faults(g_net, NULL);
        pf_settle();
        pf_advance(10 * VS_SECOND_MS);
        pf_settle();
        same_views(t.r, t.a, t.pcx);
        const vs_pcx_t *p = s_final(&t);
        CHECK(&t, 0, p->state == VS_PCX_ACTIVE || p->state == VS_PCX_EXPIRED);
        CHECK(&t, 0, (p->state == VS_PCX_ACTIVE) == t.provisioning_seen);
        if (p->state == VS_PCX_ACTIVE)          /* it was provisioned before the expiry */
            CHECK(&t, 0, p->state_entered_ms < e + VS_PCX_PROVISIONING_MS);
        else
            CHECK(&t, 0, p->state_entered_ms == e);
        if (s_st(&t, 0) == VS_CALL_OK)
            CHECK(&t, 0, p->state == VS_PCX_ACTIVE);
        if (s_st(&t, 0) == VS_CALL_FAILED)
            CHECK(&t, 0, s_ist_from(&t, 0, "provisioning", expired) &&
                             p->state == VS_PCX_EXPIRED);
        if (before == 1)
            CHECK(&t, 0, p->state == VS_PCX_EXPIRED);
        outcomes[p->state == VS_PCX_ACTIVE]++;
        pf_teardown();
    }
    ck_assert_int_gt(outcomes[0], 0);
    ck_assert_int_gt(outcomes[1], 0);
    pf_setup();
}
END_TEST

/* --- reject vs delete --------------------------------------------------------------------------- */

static void s_issue_reject_delete(race_t *t, int i)
{
    t->call[i] = i == 0 ? pf_call(t->a, "RejectVpcPeeringConnection", pcx_id_input(t->pcx))
                        : pf_call(t->r, "DeleteVpcPeeringConnection", pcx_id_input(t->pcx));
}

START_TEST(race_reject_vs_delete)
{
    pf_teardown();            /* each seed starts its own cluster */
    static const char *const after_delete[] = { "deleting", "deleted", NULL };
    static const char *const rejected[] = { "rejected", NULL };
    int outcomes[2] = { 0, 0 };
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        race_t t;
        s_setup(&t, seed, false);
        s_run(&t, 2, s_issue_reject_delete, seed % 4 == 2 ? 3 : 0);
        const vs_pcx_t *p = s_final(&t);
        CHECK(&t, 0, p->state == VS_PCX_REJECTED || p->state == VS_PCX_DELETED);
        CHECK(&t, 0, !(s_st(&t, 0) == VS_CALL_OK && s_st(&t, 1) == VS_CALL_OK));
        if (s_st(&t, 0) == VS_CALL_OK)
            CHECK(&t, 0, p->state == VS_PCX_REJECTED);
        if (s_st(&t, 0) == VS_CALL_FAILED)
            CHECK(&t, 0, s_ist_from(&t, 0, "rejected", after_delete) &&
                             p->state == VS_PCX_DELETED);
        if (s_st(&t, 1) == VS_CALL_OK)
            CHECK(&t, 1, p->state == VS_PCX_DELETED);
        if (s_st(&t, 1) == VS_CALL_FAILED)
            CHECK(&t, 1, s_ist_from(&t, 1, "deleting", rejected) && p->state == VS_PCX_REJECTED);
        outcomes[p->state == VS_PCX_REJECTED]++;
        pf_teardown();
    }
    ck_assert_int_gt(outcomes[0], 0);
    ck_assert_int_gt(outcomes[1], 0);
    pf_setup();
}
END_TEST

/* --- accept vs CIDR changes ------------------------------------------------------------------------ */

/* 0 accept; 1 the accepter adds a block overlapping the requester; 2, 3
 * the accepter adds blocks that do not; 4 the requester adds one that
 * overlaps nothing the accepter could add. */
static const char *const s_blocks[MAX_CALLS] = { NULL, "10.1.128.0/17", "10.60.0.0/16",
                                                 "10.61.0.0/16", "10.50.0.0/16", NULL };

static void s_issue_accept_cidr(race_t *t, int i)
{
    if (i == 0)
        t->call[i] = pf_call(t->a, "AcceptVpcPeeringConnection", pcx_id_input(t->pcx));
    else
        t->call[i] = pf_call(i == 4 ? t->r : t->a, "AssociateVpcCidrBlock",
                             J("{\"VpcId\":\"%s\",\"CidrBlock\":\"%s\"}", i == 4 ? t->rv : t->av,
                               s_blocks[i]));
}

START_TEST(race_accept_vs_cidr_change)
{
    pf_teardown();            /* each seed starts its own cluster */
    int outcomes[2] = { 0, 0 };
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        race_t t;
        s_setup(&t, seed, false);
        s_run(&t, 5, s_issue_accept_cidr, seed % 4 == 3 ? 3 : 0);
        const vs_pcx_t *p = s_final(&t);
        CHECK(&t, 0, p->state == VS_PCX_ACTIVE || p->state == VS_PCX_FAILED);
        CHECK(&t, 0, (p->state == VS_PCX_ACTIVE) == t.provisioning_seen);
        if (s_st(&t, 0) == VS_CALL_OK)
            CHECK(&t, 0, p->state == VS_PCX_ACTIVE);
        if (s_st(&t, 0) == VS_CALL_FAILED)
            CHECK(&t, 0, p->state == VS_PCX_FAILED);
        /* An overlapping block got in only while nothing was accepting,
         * and then the request failed. */
        if (s_st(&t, 1) == VS_CALL_OK)
            CHECK(&t, 1, p->state == VS_PCX_FAILED);
        else
            CHECK(&t, 1, s_st(&t, 1) != VS_CALL_FAILED ||
                             !strcmp(pf_reply(t.call[1])->code, "InvalidVpc.Range"));
        for (int i = 2; i < 4; i++)
            CHECK(&t, i, s_st(&t, i) == VS_CALL_OK);
        /* The requester adds nothing while its request is pending. */
        if (s_st(&t, 4) == VS_CALL_FAILED)
            CHECK(&t, 4, !strcmp(pf_reply(t.call[4])->code, "OperationNotPermitted"));
        s_check_cidrs(&t);
        outcomes[p->state == VS_PCX_ACTIVE]++;
        pf_teardown();
    }
    ck_assert_int_gt(outcomes[0], 0);
    ck_assert_int_gt(outcomes[1], 0);
    pf_setup();
}
END_TEST

Suite *vs_test_suite(void);
Suite *vs_test_suite(void)
{
    Suite *s = suite_create("peering_races");
    TCase *tc = tcase_create("races");
    tcase_add_checked_fixture(tc, pf_setup, pf_teardown);
    tcase_set_timeout(tc, 110);
    tcase_add_test(tc, race_accept_vs_delete);
    tcase_add_test(tc, race_delete_vs_delete);
    tcase_add_test(tc, race_accept_vs_expiry);
    tcase_add_test(tc, race_reject_vs_delete);
    tcase_add_test(tc, race_accept_vs_cidr_change);
    suite_add_tcase(s, tc);
    return s;
}
