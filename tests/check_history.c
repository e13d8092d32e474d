/* Unit tests of sim/history: hand-written histories of one peering
 * connection that are linearizable against the AWS state machine, and
 * histories that are not, with the reason the checker gives. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"

#define RA "111111111111"            /* requester account */
#define AA "222222222222"            /* accepter account */
#define OA "333333333333"            /* a third account */
#define R1 "us-east-1"
#define R2 "eu-west-1"
#define PCX "pcx-0123456789abcdef0"
#define RV "vpc-0aaaaaaaaaaaaaaaa"
#define AV "vpc-0bbbbbbbbbbbbbbbb"
#define T0 1560588929000ull
#define SEC 1000ull
#define HOUR (3600 * SEC)

#define IST "InvalidStateTransition"
#define NF "InvalidVpcPeeringConnectionID.NotFound"

static vs_history_t *g_h;

/* A history with one pcx (requester RA/R1, accepter AA/acc_region), its
 * create already answered initiating-request at T0. */
static void h_start(const char *acc_region, vs_hvalid_t valid)
{
    g_h = vs_history_new();
    ck_assert_ptr_nonnull(g_h);
    ck_assert_int_eq(vs_history_pcx(g_h, PCX, RA, R1, RV, AA, acc_region, AV, valid), 0);
    int c = vs_history_invoke(g_h, 0, VS_HOP_CREATE, NULL, RA, R1, T0, RV " -> " AV);
    vs_history_set_pcx(g_h, c, PCX);
    vs_history_complete(g_h, c, VS_HOUT_OK, T0, "initiating-request");
}

static void teardown(void) { vs_history_destroy(&g_h); }

static int inv(int client, vs_hop_kind_t kind, const char *acct, const char *region, uint64_t t)
{
    int op = vs_history_invoke(g_h, client, kind, kind == VS_HOP_CIDR ? NULL : PCX, acct, region,
                               t, NULL);
    ck_assert_int_ge(op, 0);
    return op;
}

static void h_ok(int op, uint64_t t, const char *state)
{
    vs_history_complete(g_h, op, VS_HOUT_OK, t, state);
}

static void h_fail(int op, uint64_t t, const char *code)
{
    vs_history_complete(g_h, op, VS_HOUT_FAIL, t, code);
}

/* An op that answers at once. */
static void now_ok(int client, vs_hop_kind_t kind, const char *acct, const char *region,
                   uint64_t t, const char *state)
{
    h_ok(inv(client, kind, acct, region, t), t, state);
}

static void now_fail(int client, vs_hop_kind_t kind, const char *acct, const char *region,
                     uint64_t t, const char *code)
{
    h_fail(inv(client, kind, acct, region, t), t, code);
}

static int cidr(int client, const char *acct, const char *region, const char *vpc, bool overlaps,
                uint64_t t)
{
    int op = vs_history_invoke(g_h, client, VS_HOP_CIDR, NULL, acct, region, t, "10.9.0.0/20");
    vs_history_cidr_vpc(g_h, op, vpc);
    if (overlaps)
        vs_history_cidr_overlaps(g_h, op, !strcmp(vpc, RV) ? AV : RV);
    return op;
}

static vs_hcheck_t check(char **why)
{
    return vs_history_check_pcx(g_h, PCX, 0, why);
}

static void expect_ok(void)
{
    char *why = NULL;
    vs_hcheck_t v = check(&why);
    ck_assert_msg(v == VS_HCHECK_OK, "expected linearizable, got %d:\n%s", (int)v,
                  why ? why : "");
    free(why);
}

/* A violation whose explanation names the pcx and contains `needle`. */
static void expect_bad(const char *needle)
{
    char *why = NULL;
    vs_hcheck_t v = check(&why);
    ck_assert_msg(v == VS_HCHECK_VIOLATION, "expected a violation, got %d", (int)v);
    ck_assert_ptr_nonnull(why);
    ck_assert_msg(strstr(why, PCX) != NULL, "explanation does not name the pcx:\n%s", why);
    ck_assert_msg(!needle || strstr(why, needle) != NULL, "explanation lacks '%s':\n%s", needle,
                  why);
    free(why);
}

/* --- good histories ----------------------------------------------------------------- */

START_TEST(lifecycle_is_linearizable)
{
    h_start(R2, VS_HVALID_YES);
    now_ok(1, VS_HOP_ACCEPT, AA, R2, T0 + 5 * SEC, "provisioning");
    now_ok(2, VS_HOP_DELETE, RA, R1, T0 + 60 * SEC, NULL);
    vs_history_final(g_h, PCX, "deleted", "deleted");
    vs_history_end(g_h, T0 + 120 * SEC, true);
    expect_ok();
}
END_TEST

START_TEST(accept_unknown_then_active_is_good)
{
    h_start(R2, VS_HVALID_YES);
    int a = inv(1, VS_HOP_ACCEPT, AA, R2, T0 + 5 * SEC);
    vs_history_complete(g_h, a, VS_HOUT_UNKNOWN, T0 + 9 * SEC, NULL);
    vs_history_final(g_h, PCX, "active", "active");
    vs_history_end(g_h, T0 + 60 * SEC, true);
    expect_ok();
}
END_TEST

START_TEST(accept_unknown_without_effect_is_good)
{
    h_start(R2, VS_HVALID_YES);
    int a = inv(1, VS_HOP_ACCEPT, AA, R2, T0 + 5 * SEC);
    vs_history_complete(g_h, a, VS_HOUT_UNKNOWN, T0 + 9 * SEC, NULL);
    vs_history_final(g_h, PCX, "pending-acceptance", "pending-acceptance");
    vs_history_end(g_h, T0 + 60 * SEC, true);
    expect_ok();
}
END_TEST

START_TEST(concurrent_accept_and_delete_either_order)
{
    /* Accept in flight while the requester deletes: the delete wins, the
     * accept is judged against deleted. */
    h_start(R2, VS_HVALID_YES);
    int a = inv(1, VS_HOP_ACCEPT, AA, R2, T0 + 5 * SEC);
    now_ok(2, VS_HOP_DELETE, RA, R1, T0 + 6 * SEC, NULL);
    h_fail(a, T0 + 7 * SEC, IST);
    vs_history_final(g_h, PCX, "deleted", "deleted");
    vs_history_end(g_h, T0 + 60 * SEC, true);
    expect_ok();
}
END_TEST

START_TEST(concurrent_accept_ok_then_delete_ok)
{
    /* Both succeed: accept first, then the delete of the active pcx (the
     * accept's answer, the record right after it, came after the delete's). */
    h_start(R2, VS_HVALID_YES);
    int a = inv(1, VS_HOP_ACCEPT, AA, R2, T0 + 5 * SEC);
    now_ok(2, VS_HOP_DELETE, RA, R1, T0 + 9 * SEC, NULL);
    h_ok(a, T0 + 10 * SEC, "provisioning");
    vs_history_final(g_h, PCX, "deleted", "deleted");
    vs_history_end(g_h, T0 + 60 * SEC, true);
    expect_ok();
}
END_TEST

START_TEST(expired_request_refuses_accept)
{
    h_start(R2, VS_HVALID_YES);
    int c = vs_history_invoke(g_h, 3, VS_HOP_CLOCK, NULL, "", "", T0 + SEC, "+169h");
    vs_history_complete(g_h, c, VS_HOUT_OK, T0 + 169 * HOUR, NULL);
    now_fail(1, VS_HOP_ACCEPT, AA, R2, T0 + 169 * HOUR, IST);
    vs_history_final(g_h, PCX, "expired", "expired");
    vs_history_end(g_h, T0 + 170 * HOUR, true);
    expect_ok();
}
END_TEST

START_TEST(overlapping_accepter_block_fails_the_request)
{
    h_start(R2, VS_HVALID_YES);
    h_ok(cidr(1, AA, R2, AV, true, T0 + 5 * SEC), T0 + 5 * SEC, NULL);
    now_fail(2, VS_HOP_ACCEPT, AA, R2, T0 + 6 * SEC, IST);
    vs_history_final(g_h, PCX, "failed", "failed");
    vs_history_end(g_h, T0 + 60 * SEC, true);
    expect_ok();
}
END_TEST

START_TEST(notfound_after_ageing_out_and_for_strangers)
{
    h_start(R1, VS_HVALID_YES);
    now_ok(1, VS_HOP_REJECT, AA, R1, T0 + 5 * SEC, NULL);
    now_fail(2, VS_HOP_DELETE, OA, R1, T0 + 6 * SEC, NF);
    now_fail(3, VS_HOP_DELETE, RA, R1, T0 + 3 * 24 * HOUR, NF);
    vs_history_end(g_h, T0 + 3 * 24 * HOUR, true);
    expect_ok();
}
END_TEST

START_TEST(failed_validation_when_expected)
{
    h_start(R2, VS_HVALID_NO);
    now_fail(1, VS_HOP_ACCEPT, AA, R2, T0 + 5 * SEC, NF);
    vs_history_final(g_h, PCX, "failed", NULL);
    vs_history_end(g_h, T0 + 60 * SEC, true);
    expect_ok();
}
END_TEST

START_TEST(whole_history_check_counts)
{
    h_start(R2, VS_HVALID_YES);
    now_ok(1, VS_HOP_ACCEPT, AA, R2, T0 + 5 * SEC, "provisioning");
    vs_history_final(g_h, PCX, "active", "active");
    vs_history_end(g_h, T0 + 60 * SEC, true);
    vs_history_verdict_t v;
    ck_assert_int_eq(vs_history_check(g_h, 0, &v), VS_HCHECK_OK);
    ck_assert_uint_eq(v.checked, 1);
    ck_assert_uint_eq(v.violations, 0);
    ck_assert_ptr_null(v.explanation);
    vs_history_verdict_free(&v);
    char *text = vs_history_format(g_h, PCX);
    ck_assert_ptr_nonnull(strstr(text, "#0 c0 111111111111/us-east-1 create " PCX));
    ck_assert_ptr_nonnull(strstr(text, "ok provisioning"));
    free(text);
}
END_TEST

/* --- bad histories ------------------------------------------------------------------ */

START_TEST(two_deletes_ok_on_one_active_pcx)
{
    h_start(R1, VS_HVALID_YES);
    now_ok(1, VS_HOP_ACCEPT, AA, R1, T0 + 5 * SEC, "provisioning");
    now_ok(2, VS_HOP_DELETE, RA, R1, T0 + 60 * SEC, NULL);
    now_ok(3, VS_HOP_DELETE, RA, R1, T0 + 61 * SEC, NULL);
    vs_history_final(g_h, PCX, "deleted", "deleted");
    vs_history_end(g_h, T0 + 120 * SEC, true);
    expect_bad("delete by REQUESTER in deleted fails with InvalidStateTransition");
}
END_TEST

START_TEST(two_concurrent_deletes_ok)
{
    /* Even overlapping in time, only one of them can have deleted it. */
    h_start(R1, VS_HVALID_YES);
    now_ok(1, VS_HOP_ACCEPT, AA, R1, T0 + 5 * SEC, "provisioning");
    int d1 = inv(2, VS_HOP_DELETE, AA, R1, T0 + 60 * SEC);
    int d2 = inv(3, VS_HOP_DELETE, RA, R1, T0 + 60 * SEC);
    h_ok(d2, T0 + 61 * SEC, NULL);
    h_ok(d1, T0 + 62 * SEC, NULL);
    vs_history_end(g_h, T0 + 120 * SEC, true);
    expect_bad("at most 3 of 4");
}
END_TEST

START_TEST(accept_ok_after_delete_completed)
{
    h_start(R2, VS_HVALID_YES);
    now_ok(1, VS_HOP_DELETE, RA, R1, T0 + 5 * SEC, NULL);
    now_ok(2, VS_HOP_ACCEPT, AA, R2, T0 + 6 * SEC, "provisioning");
    vs_history_end(g_h, T0 + 60 * SEC, true);
    expect_bad("accept by ACCEPTER in deleting fails with InvalidStateTransition");
}
END_TEST

START_TEST(accept_failed_but_final_active)
{
    h_start(R2, VS_HVALID_YES);
    int a = inv(1, VS_HOP_ACCEPT, AA, R2, T0 + 5 * SEC);
    h_fail(a, T0 + 6 * SEC, "VpcPeeringConnectionAlreadyExists");
    vs_history_final(g_h, PCX, "active", "active");
    vs_history_end(g_h, T0 + 60 * SEC, true);
    expect_bad("possible end states: pending-acceptance");
}
END_TEST

START_TEST(accept_answer_is_the_record_right_after_it)
{
    h_start(R2, VS_HVALID_YES);
    now_ok(1, VS_HOP_ACCEPT, AA, R2, T0 + 5 * SEC, "active");
    vs_history_final(g_h, PCX, "active", "active");
    vs_history_end(g_h, T0 + 60 * SEC, true);
    expect_bad("accept showed active, not provisioning");
}
END_TEST

START_TEST(stale_error_is_not_linearizable)
{
    /* The first answer shows the request was pending; nothing happened
     * since, so the second accept cannot fail with InvalidStateTransition. */
    h_start(R2, VS_HVALID_YES);
    now_fail(1, VS_HOP_ACCEPT, AA, R2, T0 + 5 * SEC, "VpcPeeringConnectionAlreadyExists");
    now_fail(1, VS_HOP_ACCEPT, AA, R2, T0 + 5 * HOUR, IST);
    vs_history_end(g_h, T0 + 6 * HOUR, true);
    expect_bad("succeeds, but it failed with InvalidStateTransition");
}
END_TEST

START_TEST(real_time_order_is_kept)
{
    /* Reject answered before the accept was invoked: the accept cannot be
     * ordered first. */
    h_start(R2, VS_HVALID_YES);
    now_ok(1, VS_HOP_REJECT, AA, R2, T0 + 5 * SEC, NULL);
    now_ok(2, VS_HOP_ACCEPT, AA, R2, T0 + 6 * SEC, "provisioning");
    vs_history_end(g_h, T0 + 60 * SEC, true);
    expect_bad(NULL);
}
END_TEST

START_TEST(requester_notfound_while_live)
{
    h_start(R2, VS_HVALID_YES);
    now_fail(1, VS_HOP_DELETE, RA, R1, T0 + 5 * SEC, NF);
    vs_history_end(g_h, T0 + 60 * SEC, true);
    expect_bad("NotFound for REQUESTER");
}
END_TEST

START_TEST(diverged_final_views)
{
    h_start(R2, VS_HVALID_YES);
    now_ok(1, VS_HOP_ACCEPT, AA, R2, T0 + 5 * SEC, "provisioning");
    vs_history_final(g_h, PCX, "active", "provisioning");
    vs_history_end(g_h, T0 + 60 * SEC, true);
    expect_bad("final views: requester active, accepter provisioning");
}
END_TEST

START_TEST(request_never_expired)
{
    h_start(R2, VS_HVALID_YES);
    vs_history_final(g_h, PCX, "pending-acceptance", "pending-acceptance");
    vs_history_end(g_h, T0 + 200 * HOUR, true);
    expect_bad("pending-acceptance expired");
}
END_TEST

START_TEST(accept_after_overlapping_accepter_block)
{
    h_start(R2, VS_HVALID_YES);
    h_ok(cidr(1, AA, R2, AV, true, T0 + 5 * SEC), T0 + 5 * SEC, NULL);
    now_ok(2, VS_HOP_ACCEPT, AA, R2, T0 + 6 * SEC, "provisioning");
    vs_history_end(g_h, T0 + 60 * SEC, true);
    expect_bad("an overlapping block was added to the accepter VPC before");
}
END_TEST

START_TEST(block_rules_of_cidr_changes)
{
    /* The requester VPC of a pending request adds a block: refused by AWS,
     * so an ok answer is a violation. */
    h_start(R2, VS_HVALID_YES);
    h_ok(cidr(1, RA, R1, RV, false, T0 + 5 * SEC), T0 + 5 * SEC, NULL);
    vs_history_end(g_h, T0 + 60 * SEC, true);
    expect_bad("cannot add a block while the request is pending-acceptance");
    teardown();
    /* An active pcx never joins overlapping VPCs. */
    h_start(R2, VS_HVALID_YES);
    now_ok(1, VS_HOP_ACCEPT, AA, R2, T0 + 5 * SEC, "provisioning");
    h_ok(cidr(2, AA, R2, AV, true, T0 + 60 * SEC), T0 + 60 * SEC, NULL);
    vs_history_final(g_h, PCX, "active", "active");
    vs_history_end(g_h, T0 + 120 * SEC, true);
    expect_bad("overlaps the peer VPC of a");
}
END_TEST

START_TEST(validation_that_must_fail)
{
    h_start(R2, VS_HVALID_NO);
    vs_history_final(g_h, PCX, "pending-acceptance", "pending-acceptance");
    vs_history_end(g_h, T0 + 60 * SEC, true);
    expect_bad(NULL);
}
END_TEST

START_TEST(search_is_bounded)
{
    /* Many concurrent unknown deletes and accepts with a tiny bound: the
     * checker gives up and says so rather than searching on. */
    h_start(R2, VS_HVALID_ANY);
    for (int i = 0; i < 40; i++)
        inv(i, i % 2 ? VS_HOP_ACCEPT : VS_HOP_DELETE, i % 2 ? AA : RA, i % 2 ? R2 : R1,
            T0 + (uint64_t)i);
    now_fail(99, VS_HOP_ACCEPT, RA, R1, T0 + 100, "OperationNotPermitted");
    vs_history_final(g_h, PCX, "rejected", NULL);
    vs_history_end(g_h, T0 + 60 * SEC, true);
    char *why = NULL;
    ck_assert_int_eq(vs_history_check_pcx(g_h, PCX, 50, &why), VS_HCHECK_TOO_COMPLEX);
    ck_assert_ptr_nonnull(strstr(why, "too complex"));
    free(why);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("history");
    TCase *good = tcase_create("linearizable");
    tcase_add_checked_fixture(good, NULL, teardown);
    tcase_add_test(good, lifecycle_is_linearizable);
    tcase_add_test(good, accept_unknown_then_active_is_good);
    tcase_add_test(good, accept_unknown_without_effect_is_good);
    tcase_add_test(good, concurrent_accept_and_delete_either_order);
    tcase_add_test(good, concurrent_accept_ok_then_delete_ok);
    tcase_add_test(good, expired_request_refuses_accept);
    tcase_add_test(good, overlapping_accepter_block_fails_the_request);
    tcase_add_test(good, notfound_after_ageing_out_and_for_strangers);
    tcase_add_test(good, failed_validation_when_expected);
    tcase_add_test(good, whole_history_check_counts);
    suite_add_tcase(s, good);
    TCase *bad = tcase_create("violations");
    tcase_add_checked_fixture(bad, NULL, teardown);
    tcase_add_test(bad, two_deletes_ok_on_one_active_pcx);
    tcase_add_test(bad, two_concurrent_deletes_ok);
    tcase_add_test(bad, accept_ok_after_delete_completed);
    tcase_add_test(bad, accept_failed_but_final_active);
    tcase_add_test(bad, accept_answer_is_the_record_right_after_it);
    tcase_add_test(bad, stale_error_is_not_linearizable);
    tcase_add_test(bad, real_time_order_is_kept);
    tcase_add_test(bad, requester_notfound_while_live);
    tcase_add_test(bad, diverged_final_views);
    tcase_add_test(bad, request_never_expired);
    tcase_add_test(bad, accept_after_overlapping_accepter_block);
    tcase_add_test(bad, block_rules_of_cidr_changes);
    tcase_add_test(bad, validation_that_must_fail);
    tcase_add_test(bad, search_is_bounded);
    suite_add_tcase(s, bad);
    return s;
}
