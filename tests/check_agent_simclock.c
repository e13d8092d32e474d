/* Unit tests of the agent's simulated clock (agent/simclock.c), above all
 * its hold: while held, the simulated and the wall time are read once and
 * stay (what a message's handling sees); holds nest; a clock advance from
 * the broker moves a held time; the delay to arm a timer is read afresh
 * even in a hold; and time never goes back across a release. The clocks
 * are real, so the tests sleep a few milliseconds where time must pass. */
#include <check.h>
#include <time.h>

#include "../agent/simclock.h"

static void s_sleep_ms(long ms)
{
    struct timespec ts = { 0, ms * 1000000L };
    while (nanosleep(&ts, &ts) != 0)
        ;
}

START_TEST(a_hold_reads_each_clock_once)
{
    simclock_t c;
    simclock_init(&c);
    simclock_hold(&c);
    uint64_t sim = simclock_now(&c), wall = simclock_wall_ms(&c);
    s_sleep_ms(5);
    ck_assert_uint_eq(simclock_now(&c), sim);
    ck_assert_uint_eq(simclock_wall_ms(&c), wall);
    simclock_release(&c);
    /* Released: each call reads the clocks again. */
    ck_assert_uint_gt(simclock_now(&c), sim);
    ck_assert_uint_gt(simclock_wall_ms(&c), wall);
}
END_TEST

START_TEST(holds_nest)
{
    simclock_t c;
    simclock_init(&c);
    simclock_hold(&c);
    simclock_hold(&c);
    uint64_t sim = simclock_now(&c);
    simclock_release(&c);
    s_sleep_ms(5);
    ck_assert_uint_eq(simclock_now(&c), sim);    /* still held once */
    simclock_release(&c);
    ck_assert_uint_gt(simclock_now(&c), sim);
    simclock_release(&c);                        /* one too many: no harm */
    simclock_hold(&c);
    uint64_t again = simclock_now(&c);
    s_sleep_ms(5);
    ck_assert_uint_eq(simclock_now(&c), again);
    simclock_release(&c);
}
END_TEST

START_TEST(an_advance_moves_a_held_time)
{
    simclock_t c;
    simclock_init(&c);
    simclock_hold(&c);
    uint64_t sim = simclock_now(&c);
    simclock_adopt(&c, sim + 60000, 1.0);
    ck_assert_uint_eq(simclock_now(&c), sim + 60000);
    /* An older time from the broker does not take it back. */
    simclock_adopt(&c, sim, 1.0);
    ck_assert_uint_eq(simclock_now(&c), sim + 60000);
    simclock_release(&c);
    ck_assert_uint_ge(simclock_now(&c), sim + 60000);
}
END_TEST

START_TEST(a_timer_delay_is_read_afresh_in_a_hold)
{
    simclock_t c;
    simclock_init(&c);
    simclock_hold(&c);
    uint64_t sim = simclock_now(&c);
    s_sleep_ms(20);
    /* 100 ms after the held instant is at most 81 ms away now; read from
     * the held time it would be 101, and the timer would fire late. */
    ck_assert_uint_le(simclock_real_delay(&c, sim + 100), 81);
    /* The hold still shows the turn's instant, and a release never goes
     * back before it. */
    ck_assert_uint_eq(simclock_now(&c), sim);
    simclock_release(&c);
    ck_assert_uint_ge(simclock_now(&c), sim + 20);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("agent_simclock");
    TCase *tc = tcase_create("hold");
    tcase_add_test(tc, a_hold_reads_each_clock_once);
    tcase_add_test(tc, holds_nest);
    tcase_add_test(tc, an_advance_moves_a_held_time);
    tcase_add_test(tc, a_timer_delay_is_read_afresh_in_a_hold);
    suite_add_tcase(s, tc);
    return s;
}
