/* Unit tests of the agent's recent-call cache (agent/evcache.c): a call is
 * found by its cause with every field a call has, the newest call of a cause wins,
 * the oldest are forgotten once cap newer ones arrived (a miss, never a
 * wrong call), cause 0 is never kept, and sparse causes (one client
 * talking to many agents) are found as well as dense ones. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../agent/evcache.h"
#include "event.h"

static vs_event_t s_call(uint64_t cause, int i)
{
    vs_event_t e;
    memset(&e, 0, sizeof e);
    e.kind = VS_EV_API_CALL;
    e.cause = cause;
    e.msg_id = cause;
    e.sim_ms = 1000u + (uint64_t)i;
    vs_event_set(e.caller, sizeof e.caller, "111111111111");
    vs_event_set(e.action, sizeof e.action, i % 2 ? "AcceptVpcPeeringConnection"
                                                   : "CreateVpcPeeringConnection");
    snprintf(e.object, sizeof e.object, "pcx-%017d", i);
    return e;
}

START_TEST(a_call_is_found_by_its_cause_with_every_field)
{
    evcache_t *c = evcache_new(64);
    ck_assert_ptr_nonnull(c);
    vs_event_t e = s_call(42, 1);
    evcache_put(c, &e);
    const evcache_call_t *g = evcache_get(c, 42);
    ck_assert_ptr_nonnull(g);
    vs_event_t back;
    evcache_call_event(g, &back);
    ck_assert_mem_eq(&back, &e, sizeof e);
    ck_assert_ptr_null(evcache_get(c, 43));
    ck_assert_ptr_null(evcache_get(c, 0));
    evcache_free(&c);
    ck_assert_ptr_null(c);
    evcache_free(&c);   /* harmless twice */
}
END_TEST

START_TEST(the_newest_call_of_a_cause_wins)
{
    evcache_t *c = evcache_new(64);
    vs_event_t a = s_call(7, 0), b = s_call(7, 1);
    evcache_put(c, &a);
    evcache_put(c, &b);
    const evcache_call_t *g = evcache_get(c, 7);
    ck_assert_ptr_nonnull(g);
    ck_assert_str_eq(g->action, "AcceptVpcPeeringConnection");
    ck_assert_str_eq(g->object, b.object);
    evcache_free(&c);
}
END_TEST

START_TEST(cause_zero_is_never_kept)
{
    evcache_t *c = evcache_new(16);
    vs_event_t z = s_call(0, 0);
    evcache_put(c, &z);
    ck_assert_ptr_null(evcache_get(c, 0));
    evcache_free(&c);
}
END_TEST

/* Bounded: after cap newer calls the oldest is a miss, and what is found
 * is always the call of that cause (never another one's). */
START_TEST(the_oldest_are_forgotten_never_confused)
{
    const uint32_t cap = 256;
    evcache_t *c = evcache_new(cap);
    const int n = 5000;
    for (int i = 1; i <= n; i++) {
        vs_event_t e = s_call((uint64_t)i * 100003u, i);
        evcache_put(c, &e);
    }
    int hits = 0;
    for (int i = 1; i <= n; i++) {
        const evcache_call_t *g = evcache_get(c, (uint64_t)i * 100003u);
        if (!g)
            continue;
        hits++;
        ck_assert_uint_eq(g->cause, (uint64_t)i * 100003u);
        char want[48];
        snprintf(want, sizeof want, "pcx-%017d", i);
        ck_assert_str_eq(g->object, want);
        ck_assert_int_gt(i, n - (int)cap);   /* only the last cap can be held */
    }
    ck_assert_int_le(hits, (int)cap);
    /* Most of the last cap are held (some lost to index collisions). */
    ck_assert_int_ge(hits, (int)cap / 2);
    evcache_free(&c);
}
END_TEST

/* Sparse causes (client msg ids interleaved over 100 agents) and dense
 * ones are all found while fewer than cap calls were made. */
START_TEST(sparse_and_dense_causes_are_found)
{
    evcache_t *c = evcache_new(4096);
    int found = 0;
    for (int i = 0; i < 200; i++) {
        vs_event_t e = s_call(1 + (uint64_t)i * 100, i);
        evcache_put(c, &e);
        vs_event_t d = s_call(0x4000000000000001ull + (uint64_t)i, i);
        evcache_put(c, &d);
    }
    for (int i = 0; i < 200; i++) {
        found += evcache_get(c, 1 + (uint64_t)i * 100) != NULL;
        found += evcache_get(c, 0x4000000000000001ull + (uint64_t)i) != NULL;
    }
    ck_assert_int_ge(found, 390);   /* 400 in a table of 8192 slots: few collisions */
    evcache_free(&c);
}
END_TEST

/* Many calls in flight (a deferred accept is answered after hundreds of
 * newer calls): the newest 512 of a long stream of sparse causes are all
 * still found, so their replies never fall back to reading the log. */
START_TEST(the_calls_in_flight_are_all_found)
{
    evcache_t *c = evcache_new(4096);
    uint64_t x = 88172645463325252ull, cause[20000];
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;   /* xorshift: fixed, sparse causes */
        cause[i] = x | 1;
        vs_event_t e = s_call(cause[i], i);
        evcache_put(c, &e);
    }
    int missing = 0;
    for (int i = 20000 - 512; i < 20000; i++) {
        const evcache_call_t *e = evcache_get(c, cause[i]);
        missing += !e || e->cause != cause[i];
    }
    ck_assert_int_eq(missing, 0);
    evcache_free(&c);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("agent_evcache");
    TCase *tc = tcase_create("evcache");
    tcase_add_test(tc, a_call_is_found_by_its_cause_with_every_field);
    tcase_add_test(tc, the_newest_call_of_a_cause_wins);
    tcase_add_test(tc, cause_zero_is_never_kept);
    tcase_add_test(tc, the_oldest_are_forgotten_never_confused);
    tcase_add_test(tc, sparse_and_dense_causes_are_found);
    tcase_add_test(tc, the_calls_in_flight_are_all_found);
    suite_add_tcase(s, tc);
    return s;
}
