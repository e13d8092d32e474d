/* Rate-limited log lines (core/ratelimit.h) and time bounds
 * (core/timebound.h): a million garbage frames must not write a million
 * lines, and no time arithmetic may wrap (issue 15). */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "clock.h"
#include "ratelimit.h"
#include "timebound.h"

START_TEST(burst_then_held_then_counted)
{
    vs_ratelimit_t r = VS_RATELIMIT_INIT(10000, 3);
    uint64_t held = 99;
    for (int i = 0; i < 3; i++) {
        ck_assert(vs_ratelimit_pass(&r, 1000, &held));
        ck_assert_uint_eq(held, 0);
    }
    /* A million more in the same window: none logged. */
    for (int i = 0; i < 1000000; i++)
        ck_assert(!vs_ratelimit_pass(&r, 1000 + (uint64_t)i / 1000, NULL));
    /* The next window's first line says how many were held back. */
    ck_assert(vs_ratelimit_pass(&r, 11000, &held));
    ck_assert_uint_eq(held, 1000000);
    ck_assert(vs_ratelimit_pass(&r, 11001, &held));
    ck_assert_uint_eq(held, 0);
    ck_assert_uint_eq(r.total, 1000005);
    char buf[48];
    ck_assert_str_eq(vs_ratelimit_suffix(1000000, buf, sizeof buf), " (1000000 more like this)");
    ck_assert_str_eq(vs_ratelimit_suffix(0, buf, sizeof buf), "");
}
END_TEST

START_TEST(flush_after_the_window)
{
    vs_ratelimit_t r = VS_RATELIMIT_INIT(10000, 1);
    uint64_t held = 0;
    ck_assert(vs_ratelimit_pass(&r, 0, NULL));
    for (int i = 0; i < 7; i++)
        ck_assert(!vs_ratelimit_pass(&r, 5, NULL));
    ck_assert(!vs_ratelimit_flush(&r, 9999, &held));   /* window still open */
    ck_assert(vs_ratelimit_flush(&r, 10000, &held));
    ck_assert_uint_eq(held, 7);
    ck_assert(!vs_ratelimit_flush(&r, 20000, &held));  /* said once */
    ck_assert(vs_ratelimit_pass(&r, 20001, &held));
    ck_assert_uint_eq(held, 0);
}
END_TEST

START_TEST(clock_going_back_opens_a_window)
{
    vs_ratelimit_t r = VS_RATELIMIT_INIT(10000, 1);
    ck_assert(vs_ratelimit_pass(&r, 50000, NULL));
    ck_assert(!vs_ratelimit_pass(&r, 50001, NULL));
    uint64_t held = 0;
    ck_assert(vs_ratelimit_pass(&r, 10, &held));   /* earlier: no wrap to a huge gap */
    ck_assert_uint_eq(held, 1);
}
END_TEST

START_TEST(time_bounds)
{
    char ts[40];
    /* The last instant is printable, and so is the clock's limit plus the
     * longest timer. */
    ck_assert_int_gt(vs_time_format(VS_TIME_LAST_MS, VS_TS_ZULU, ts, sizeof ts), 0);
    ck_assert_str_eq(ts, "9999-12-31T23:59:59.999Z");
    ck_assert_int_gt(vs_time_format(VS_TIME_CLOCK_MAX_MS + 7 * VS_DAY_MS, VS_TS_CLI, ts, sizeof ts), 0);
    ck_assert_uint_eq(vs_time_add(UINT64_MAX - 1, 5), UINT64_MAX);
    ck_assert_uint_eq(vs_time_add(1, 2), 3);
    /* A Hello at 2^64-1 pulls the clock at most by the longest timer. */
    uint64_t now = 1560588929000ull;
    ck_assert_uint_eq(vs_time_hello_limit(now), now + VS_TIME_LONGEST_TIMER_MS);
    ck_assert_uint_eq(vs_time_hello_limit(UINT64_MAX), VS_TIME_CLOCK_MAX_MS);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("ratelimit");
    TCase *tc = tcase_create("ratelimit");
    tcase_add_test(tc, burst_then_held_then_counted);
    tcase_add_test(tc, clock_going_back_opens_a_window);
    tcase_add_test(tc, flush_after_the_window);
    tcase_add_test(tc, time_bounds);
    suite_add_tcase(s, tc);
    return s;
}
