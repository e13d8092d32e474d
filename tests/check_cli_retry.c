/* The CLI's retry pause for a call to a restarting agent: exponential from
 * 50 ms, capped at 1 s, a random share of it ("full jitter"), so that many
 * waiting clients do not hammer the broker in step. */
#include <check.h>

#include "retry.h"

START_TEST(backoff_doubles_from_50ms_and_caps_at_1s)
{
    ck_assert_int_eq(cli_retry_backoff_ms(2, 0.999999), 49);
    ck_assert_int_eq(cli_retry_backoff_ms(3, 0.5), 50);
    ck_assert_int_eq(cli_retry_backoff_ms(4, 0.5), 100);
    ck_assert_int_eq(cli_retry_backoff_ms(6, 0.5), 400);
    ck_assert_int_eq(cli_retry_backoff_ms(7, 0.5), 500);   /* 1000 ms cap */
    ck_assert_int_eq(cli_retry_backoff_ms(60, 0.5), 500);
    ck_assert_int_eq(cli_retry_backoff_ms(5, 0.0), 0);
    /* Out-of-range randomness is clamped, never a negative or huge pause. */
    ck_assert_int_eq(cli_retry_backoff_ms(60, -3.0), 0);
    ck_assert_int_le(cli_retry_backoff_ms(60, 7.0), 1000);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("cli_retry");
    TCase *tc = tcase_create("backoff");
    tcase_add_test(tc, backoff_doubles_from_50ms_and_caps_at_1s);
    suite_add_tcase(s, tc);
    return s;
}
