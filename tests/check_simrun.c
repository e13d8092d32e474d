/* Unit tests of sim/simrun, the deterministic simulation: it passes on
 * the peering code as it is, it catches the planted stale-replica bug
 * within a bounded number of schedules (while the same schedules pass
 * without the bug), and a (seed, schedule) replays byte for byte. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "simrun.h"

#define SEED 1
/* The planted bug shows up in several percent of schedules: this many are
 * plenty, and still fast. */
#define BUG_BOUND 100

typedef struct {
    char *s;
    size_t len, cap;
} text_t;

static void s_collect(void *ctx, const char *line)
{
    text_t *t = ctx;
    size_t n = strlen(line) + 1;
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        ck_assert_ptr_nonnull(t->s);
    }
    memcpy(t->s + t->len, line, n - 1);
    t->s[t->len + n - 1] = '\n';
    t->len += n;
    t->s[t->len] = '\0';
}

static vs_simrun_result_t s_run(uint64_t schedule, bool bug, text_t *trace)
{
    vs_simrun_opts_t o;
    vs_simrun_defaults(&o);
    o.planted_bug = bug;
    if (trace) {
        o.trace = s_collect;
        o.trace_ctx = trace;
    }
    vs_simrun_result_t r;
    ck_assert_int_eq(vs_simrun_run(SEED, schedule, &o, &r), 0);
    return r;
}

START_TEST(correct_code_passes)
{
    uint64_t ops = 0, acked = 0;
    for (uint64_t i = 0; i < 60; i++) {
        vs_simrun_result_t r = s_run(i, false, NULL);
        ck_assert_msg(r.passed, "schedule %d:%llu failed:\n%s", SEED, (unsigned long long)i,
                      r.report ? r.report : "");
        ck_assert_ptr_null(r.report);
        ck_assert_uint_eq(r.lost_acknowledged + r.diverged_views + r.invariant_violations +
                              r.linearizability_violations, 0);
        ops += r.operations;
        acked += r.acknowledged;
        vs_simrun_result_free(&r);
    }
    /* The workload really ran: many calls, many of them successful. */
    ck_assert_uint_gt(ops, 60 * 30);
    ck_assert_uint_gt(acked, ops / 4);
}
END_TEST

START_TEST(heavy_faults_and_crashes_pass)
{
    vs_simrun_opts_t o;
    vs_simrun_defaults(&o);
    o.faults.drop = 0.3;
    o.faults.duplicate = 0.2;
    o.faults.delay_max_ms = 500;
    o.crash = 0.1;
    uint64_t unknown = 0;
    for (uint64_t i = 0; i < 30; i++) {
        vs_simrun_result_t r;
        ck_assert_int_eq(vs_simrun_run(7, i, &o, &r), 0);
        ck_assert_msg(r.passed, "schedule 7:%llu failed:\n%s", (unsigned long long)i,
                      r.report ? r.report : "");
        unknown += r.unknown;
        vs_simrun_result_free(&r);
    }
    /* Crashes leave calls whose outcome nobody knows: the checker had to
     * consider both. */
    ck_assert_uint_gt(unknown, 0);
}
END_TEST

START_TEST(planted_bug_is_caught)
{
    uint64_t caught = 0;
    for (uint64_t i = 0; i < BUG_BOUND; i++) {
        vs_simrun_result_t bad = s_run(i, true, NULL);
        if (bad.passed) {
            vs_simrun_result_free(&bad);
            continue;
        }
        caught++;
        /* The report names the pcx whose replica went wrong. */
        ck_assert_str_ne(bad.failing_pcx, "");
        ck_assert_ptr_nonnull(bad.report);
        ck_assert_ptr_nonnull(strstr(bad.report, bad.failing_pcx));
        ck_assert_uint_gt(bad.diverged_views + bad.invariant_violations +
                              bad.linearizability_violations, 0);
        vs_simrun_result_free(&bad);
        /* The same schedule without the bug passes: the failure is the bug's. */
        vs_simrun_result_t good = s_run(i, false, NULL);
        ck_assert_msg(good.passed, "schedule %llu fails without the bug:\n%s",
                      (unsigned long long)i, good.report ? good.report : "");
        vs_simrun_result_free(&good);
    }
    ck_assert_msg(caught > 0, "the planted bug went unnoticed in %d schedules", BUG_BOUND);
}
END_TEST

START_TEST(schedules_replay_byte_for_byte)
{
    text_t a = { 0 }, b = { 0 }, c = { 0 };
    vs_simrun_result_t ra = s_run(5, true, &a), rb = s_run(5, true, &b), rc = s_run(6, true, &c);
    ck_assert_ptr_nonnull(a.s);
    ck_assert_str_eq(a.s, b.s);
    ck_assert_str_ne(a.s, c.s);
    ck_assert_uint_eq(ra.operations, rb.operations);
    ck_assert_uint_eq(ra.acknowledged, rb.acknowledged);
    ck_assert_int_eq(ra.passed, rb.passed);
    ck_assert_str_eq(ra.failing_pcx, rb.failing_pcx);
    if (ra.report)
        ck_assert_str_eq(ra.report, rb.report);
    /* Every kind of event is in the trace. */
    const char *needles[] = { " call #", " reply #", " send ", " recv ", " view: ", "history #",
                              "heal:" };
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
        ck_assert_msg(strstr(a.s, needles[i]) != NULL, "trace lacks '%s'", needles[i]);
    vs_simrun_result_free(&ra);
    vs_simrun_result_free(&rb);
    vs_simrun_result_free(&rc);
    free(a.s);
    free(b.s);
    free(c.s);
}
END_TEST

/* The agents run in turns, as the real ones do (vs_simnet_set_turns): in
 * a few schedules an agent's turn takes several messages, and the peer
 * messages they make leave together, bundles holding parts about different
 * connections (peer_bundle.h); those schedules pass like the others. */
START_TEST(turns_bundle_messages_of_several_inputs)
{
    int shared = 0, turns = 0;
    for (uint64_t i = 0; i < 20 && !(shared && turns); i++) {
        text_t t = { 0 };
        vs_simrun_result_t r = s_run(i, false, &t);
        ck_assert_msg(r.passed, "schedule %d:%llu failed:\n%s", SEED, (unsigned long long)i,
                      r.report ? r.report : "");
        for (const char *at = t.s; at && (at = strstr(at, " send ")) != NULL; at++) {
            const char *b = strstr(at, "Bundle[");
            const char *eol = strchr(at, '\n');
            if (!b || (eol && b > eol))
                continue;
            /* Two parts naming different connections. */
            const char *p1 = strstr(b, "pcx-"), *p2 = p1 ? strstr(p1 + 4, "pcx-") : NULL;
            if (p1 && p2 && (!eol || p2 < eol) && strncmp(p1, p2, 21) != 0)
                shared++;
        }
        /* A turn that took several messages (simnet.c traces it). */
        turns += t.s && strstr(t.s, " messages ends\n") != NULL;
        vs_simrun_result_free(&r);
        free(t.s);
    }
    ck_assert_int_gt(shared, 0);
    ck_assert_int_gt(turns, 0);
}
END_TEST

START_TEST(bad_options_are_refused)
{
    vs_simrun_opts_t o;
    vs_simrun_result_t r;
    vs_simrun_defaults(&o);
    o.accounts = 5;
    ck_assert_int_eq(vs_simrun_run(1, 0, &o, &r), -1);
    vs_simrun_defaults(&o);
    o.accounts = 4;
    o.regions = 3;
    o.vpcs_per_agent = 2;   /* 24 VPCs: too many */
    ck_assert_int_eq(vs_simrun_run(1, 0, &o, &r), -1);
    vs_simrun_defaults(&o);
    o.clients = 0;
    ck_assert_int_eq(vs_simrun_run(1, 0, &o, &r), -1);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("simrun");
    TCase *tc = tcase_create("simulation");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, correct_code_passes);
    tcase_add_test(tc, heavy_faults_and_crashes_pass);
    tcase_add_test(tc, planted_bug_is_caught);
    tcase_add_test(tc, schedules_replay_byte_for_byte);
    tcase_add_test(tc, bad_options_are_refused);
    tcase_add_test(tc, turns_bundle_messages_of_several_inputs);
    suite_add_tcase(s, tc);
    return s;
}
