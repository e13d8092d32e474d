/* Latency histograms (core/base/lathist.h): the quantiles an agent logs of
 * its turns at stop. A quantile is never below the true one and at most an
 * eighth above it; exact below 16 us and at the maximum. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "lathist.h"

START_TEST(empty_is_zero)
{
    vs_lathist_t h;
    vs_lathist_init(&h);
    ck_assert_uint_eq(vs_lathist_quantile(&h, 0.5), 0);
    ck_assert_uint_eq(vs_lathist_quantile(&h, 1.0), 0);
}
END_TEST

START_TEST(small_values_are_exact)
{
    vs_lathist_t h;
    vs_lathist_init(&h);
    for (uint64_t v = 10; v >= 1; v--)
        vs_lathist_add(&h, v);
    ck_assert_uint_eq(h.n, 10);
    ck_assert_uint_eq(vs_lathist_quantile(&h, 0.5), 5);   /* nearest rank: the 5th */
    ck_assert_uint_eq(vs_lathist_quantile(&h, 0.51), 6);
    ck_assert_uint_eq(vs_lathist_quantile(&h, 0.0), 1);
    ck_assert_uint_eq(vs_lathist_quantile(&h, 1.0), 10);
    vs_lathist_add(&h, 0);
    ck_assert_uint_eq(vs_lathist_quantile(&h, 0.0), 0);
}
END_TEST

static int s_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Values spread over many octaves (a fixed LCG, so the same every run):
 * each quantile is between the true one and an eighth above it. */
START_TEST(within_an_eighth_above)
{
    enum { N = 20000 };
    static uint64_t v[N];
    vs_lathist_t h;
    vs_lathist_init(&h);
    uint64_t x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        unsigned octave = (unsigned)(x >> 59) % 24;          /* 1 us .. 16 s */
        v[i] = ((x >> 20) & (((uint64_t)2 << octave) - 1)) + 1;
        vs_lathist_add(&h, v[i]);
    }
    qsort(v, N, sizeof v[0], s_cmp);
    static const double qs[] = { 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999 };
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        uint64_t rank = (uint64_t)(qs[k] * N + 0.999999);
        uint64_t exact = v[rank - 1], got = vs_lathist_quantile(&h, qs[k]);
        ck_assert_msg(got >= exact && got <= exact + exact / 8, "q %.3f: got %llu, exact %llu",
                      qs[k], (unsigned long long)got, (unsigned long long)exact);
    }
    ck_assert_uint_eq(vs_lathist_quantile(&h, 1.0), v[N - 1]);
}
END_TEST

/* Past the last octave (33.5 s): one open bucket, reported as the max. */
START_TEST(past_the_range_is_the_max)
{
    vs_lathist_t h;
    vs_lathist_init(&h);
    vs_lathist_add(&h, 100);
    vs_lathist_add(&h, 40000000);
    vs_lathist_add(&h, 90000000000ull);
    ck_assert_uint_ge(vs_lathist_quantile(&h, 0.2), 100);
    ck_assert_uint_le(vs_lathist_quantile(&h, 0.2), 112);
    ck_assert_uint_eq(vs_lathist_quantile(&h, 0.5), 90000000000ull);
    ck_assert_uint_eq(vs_lathist_quantile(&h, 1.0), 90000000000ull);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("lathist");
    TCase *tc = tcase_create("lathist");
    tcase_add_test(tc, empty_is_zero);
    tcase_add_test(tc, small_values_are_exact);
    tcase_add_test(tc, within_an_eighth_above);
    tcase_add_test(tc, past_the_range_is_the_max);
    suite_add_tcase(s, tc);
    return s;
}
