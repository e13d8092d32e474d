/* cpu: --cpu LIST keeps the calling thread, and every thread it starts
 * afterwards, on the CPUs listed; a list it cannot use changes nothing. */
#define _GNU_SOURCE
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "cpu.h"

static cpu_set_t s_saved;

static void s_save(void)
{
    ck_assert_int_eq(sched_getaffinity(0, sizeof s_saved, &s_saved), 0);
}

/* Each test puts the thread back as it found it (the runner may not fork). */
static void s_restore(void)
{
    ck_assert_int_eq(sched_setaffinity(0, sizeof s_saved, &s_saved), 0);
}

static int s_last_allowed(void)
{
    int last = -1;
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &s_saved))
            last = c;
    return last;
}

static void *s_thread_mask(void *arg)
{
    cpu_set_t *out = arg;
    if (sched_getaffinity(0, sizeof *out, out) != 0)
        CPU_ZERO(out);
    return NULL;
}

START_TEST(one_cpu_holds_this_thread_and_the_next_ones)
{
    s_save();
    char list[16], err[256];
    int cpu = s_last_allowed();
    snprintf(list, sizeof list, "%d", cpu);
    ck_assert_int_eq(vs_cpu_pin(list, err, sizeof err), 0);
    cpu_set_t now;
    ck_assert_int_eq(sched_getaffinity(0, sizeof now, &now), 0);
    ck_assert_int_eq(CPU_COUNT(&now), 1);
    ck_assert(CPU_ISSET(cpu, &now));
    /* A thread started afterwards (as ZeroMQ's are) inherits it. */
    pthread_t t;
    cpu_set_t theirs;
    ck_assert_int_eq(pthread_create(&t, NULL, s_thread_mask, &theirs), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert(CPU_EQUAL(&theirs, &now));
    s_restore();
}
END_TEST

START_TEST(lists_and_ranges_as_taskset_takes_them)
{
    s_save();
    char list[64], err[256];
    int first = -1, last = s_last_allowed();
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &s_saved) && first < 0)
            first = c;
    /* The whole allowed range as lo-hi when it is contiguous, else the
     * first and the last as a list. */
    cpu_set_t want;
    CPU_ZERO(&want);
    if (CPU_COUNT(&s_saved) == last - first + 1) {
        snprintf(list, sizeof list, "%d-%d", first, last);
        want = s_saved;
    } else {
        snprintf(list, sizeof list, "%d,%d", first, last);
        CPU_SET(first, &want);
        CPU_SET(last, &want);
    }
    ck_assert_int_eq(vs_cpu_pin(list, err, sizeof err), 0);
    cpu_set_t now;
    ck_assert_int_eq(sched_getaffinity(0, sizeof now, &now), 0);
    ck_assert(CPU_EQUAL(&now, &want));
    s_restore();
}
END_TEST

START_TEST(a_list_it_cannot_use_changes_nothing)
{
    s_save();
    char beyond[16], err[256];
    int last = s_last_allowed();
    snprintf(beyond, sizeof beyond, "%d", last + 1);
    const struct {
        const char *list, *why;
    } bad[] = {
        { "", "--cpu needs CPU numbers" },
        { "a", "--cpu needs CPU numbers" },
        { "1-", "--cpu needs CPU numbers" },
        { "3-1", "--cpu needs CPU numbers" },
        { "-1", "--cpu needs CPU numbers" },
        { "0,,1", "--cpu needs CPU numbers" },
        { "0;1", "--cpu needs CPU numbers" },
        { "0 ", "--cpu needs CPU numbers" },
        { "99999", "--cpu needs CPU numbers" },
        { beyond, "is not one this process may run on" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (bad[i].list == beyond && last + 1 >= CPU_SETSIZE)
            continue;
        err[0] = 0;
        ck_assert_msg(vs_cpu_pin(bad[i].list, err, sizeof err) == -1, "'%s' taken", bad[i].list);
        ck_assert_msg(strstr(err, bad[i].why), "'%s': %s", bad[i].list, err);
        cpu_set_t now;
        ck_assert_int_eq(sched_getaffinity(0, sizeof now, &now), 0);
        ck_assert(CPU_EQUAL(&now, &s_saved));
    }
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("cpu");
    TCase *tc = tcase_create("pin");
    tcase_add_test(tc, one_cpu_holds_this_thread_and_the_next_ones);
    tcase_add_test(tc, lists_and_ranges_as_taskset_takes_them);
    tcase_add_test(tc, a_list_it_cannot_use_changes_nothing);
    suite_add_tcase(s, tc);
    return s;
}
