/* Unit tests for vs_time_format / vs_time_parse (core/base/timefmt.c). Expected
 * values come from Python's datetime in UTC. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"

START_TEST(t_format)
{
    static const struct { uint64_t ms; const char *cli, *zulu; } cases[] = {
        { 0, "1970-01-01T00:00:00+00:00", "1970-01-01T00:00:00.000Z" },
        { 1561193729000ull, "2019-06-22T08:55:29+00:00", "2019-06-22T08:55:29.000Z" },
        { 1561193729007ull, "2019-06-22T08:55:29+00:00", "2019-06-22T08:55:29.007Z" },
        { 951782400000ull, "2000-02-29T00:00:00+00:00", "2000-02-29T00:00:00.000Z" },
        { 4107542400000ull, "2100-03-01T00:00:00+00:00", "2100-03-01T00:00:00.000Z" },
        { 1709251199123ull, "2024-02-29T23:59:59+00:00", "2024-02-29T23:59:59.123Z" },
        { 253402300799999ull, "9999-12-31T23:59:59+00:00", "9999-12-31T23:59:59.999Z" },
    };
    char buf[40];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(vs_time_format(cases[i].ms, VS_TS_CLI, buf, sizeof buf), 25);
        ck_assert_str_eq(buf, cases[i].cli);
        ck_assert_int_eq(vs_time_format(cases[i].ms, VS_TS_ZULU, buf, sizeof buf), 24);
        ck_assert_str_eq(buf, cases[i].zulu);
    }
    /* Past year 9999, a bad style, or a short buffer: -1. */
    ck_assert_int_eq(vs_time_format(253402300800000ull, VS_TS_CLI, buf, sizeof buf), -1);
    ck_assert_int_eq(vs_time_format(UINT64_MAX, VS_TS_ZULU, buf, sizeof buf), -1);
    ck_assert_int_eq(vs_time_format(0, 7, buf, sizeof buf), -1);
    ck_assert_int_eq(vs_time_format(0, VS_TS_CLI, buf, 25), -1);
    ck_assert_int_eq(vs_time_format(0, VS_TS_CLI, buf, 26), 25);
    ck_assert_int_eq(vs_time_format(0, VS_TS_CLI, NULL, 26), -1);
}
END_TEST

/* The hand-written formatter against the C library's calendar and
 * snprintf, at times spread over its whole range. */
START_TEST(t_format_matches_libc)
{
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint64_t ms = i < 1000 ? (uint64_t)i * 999983 : x % 253402300800000ull;
        time_t secs = (time_t)(ms / 1000);
        struct tm tm;
        ck_assert_ptr_nonnull(gmtime_r(&secs, &tm));
        char want[64], got[40];
        int n = snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d+00:00",
                         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                         tm.tm_sec);
        ck_assert_int_eq(vs_time_format(ms, VS_TS_CLI, got, sizeof got), n);
        ck_assert_str_eq(got, want);
        n = snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, (int)(ms % 1000));
        ck_assert_int_eq(vs_time_format(ms, VS_TS_ZULU, got, sizeof got), n);
        ck_assert_str_eq(got, want);
    }
}
END_TEST

START_TEST(t_parse)
{
    static const struct { const char *s; uint64_t ms; } ok[] = {
        { "2019-06-22T08:55:29+00:00", 1561193729000ull },
        { "2019-06-22T08:55:29.000Z", 1561193729000ull },
        { "2019-06-22T08:55:29Z", 1561193729000ull },
        { "2019-06-22T08:55:29.5Z", 1561193729500ull },
        { "2019-06-22T08:55:29.12Z", 1561193729120ull },
        { "2019-06-22T08:55:29.123456789Z", 1561193729123ull },
        { "2019-06-22T08:55:29.999+00:00", 1561193729999ull },
        { "2019-06-22T08:55:29+05:30", 1561173929000ull },
        { "2019-06-22T08:55:29-07:00", 1561218929000ull },
        { "1969-12-31T23:00:00-02:00", 3600000ull },
        { "1970-01-01T00:00:00Z", 0 },
        { "2000-02-29T00:00:00Z", 951782400000ull },
        { "9999-12-31T23:59:59.999Z", 253402300799999ull },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        uint64_t ms = 1;
        ck_assert_msg(vs_time_parse(ok[i].s, &ms) == 0, "refused %s", ok[i].s);
        ck_assert_msg(ms == ok[i].ms, "%s -> %llu", ok[i].s, (unsigned long long)ms);
    }

    static const char *bad[] = {
        "", "2019", "2019-06-22", "2019-06-22T08:55:29", "2019-06-22 08:55:29Z",
        "2019-06-22t08:55:29Z", "2019-06-22T08:55:29z", "2019-06-22T08:55Z",
        "19-06-22T08:55:29Z", "2019-6-22T08:55:29Z", "2019-06-22T8:55:29Z",
        "2019-13-01T00:00:00Z", "2019-00-01T00:00:00Z", "2019-02-29T00:00:00Z",
        "2100-02-29T00:00:00Z", "2019-04-31T00:00:00Z", "2019-01-00T00:00:00Z",
        "2019-06-22T24:00:00Z", "2019-06-22T08:60:00Z", "2019-06-22T08:55:60Z",
        "2019-06-22T08:55:29.Z", "2019-06-22T08:55:29.1234567890Z",
        "2019-06-22T08:55:29+0000", "2019-06-22T08:55:29+00", "2019-06-22T08:55:29+24:00",
        "2019-06-22T08:55:29+00:60", "2019-06-22T08:55:29Z ", " 2019-06-22T08:55:29Z",
        "2019-06-22T08:55:29ZZ", "2019-06-22T08:55:29+00:00Z", "1969-12-31T23:59:59Z",
        "1970-01-01T00:00:00+00:01", "+2019-06-22T08:55:29Z", "2019/06/22T08:55:29Z",
        "2019-06-22T08:55:29.000000000000000000000000000000000000000Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t ms = 12345;
        ck_assert_msg(vs_time_parse(bad[i], &ms) == -1, "accepted \"%s\"", bad[i]);
        ck_assert_uint_eq(ms, 12345);
    }
    uint64_t ms;
    ck_assert_int_eq(vs_time_parse(NULL, &ms), -1);
    ck_assert_int_eq(vs_time_parse("1970-01-01T00:00:00Z", NULL), -1);
}
END_TEST

START_TEST(t_roundtrip)
{
    /* Every day from 1970 to past 2400 at a varying time of day, in both
     * styles: format then parse gives the same instant. */
    char buf[40];
    uint64_t bad_ms = 0;
    int bad = 0;
    for (uint64_t day = 0; day < 160000 && !bad; day++) {
        uint64_t ms = day * VS_DAY_MS + (day * 7919 * 1000 + day % 1000) % VS_DAY_MS;
        uint64_t z = 0, cli = 0;
        if (vs_time_format(ms, VS_TS_ZULU, buf, sizeof buf) != 24 || vs_time_parse(buf, &z) ||
            z != ms)
            bad = 1;
        else if (vs_time_format(ms, VS_TS_CLI, buf, sizeof buf) != 25 ||
                 vs_time_parse(buf, &cli) || cli != ms - ms % 1000)
            bad = 2;
        bad_ms = ms;
    }
    ck_assert_msg(!bad, "style %d fails at %llu (%s)", bad, (unsigned long long)bad_ms, buf);
}
END_TEST

START_TEST(t_manual_clock)
{
    vs_manual_clock_t m = { .now = 1561193729000ull };
    vs_clock_t c = vs_manual_clock(&m);
    ck_assert_uint_eq(vs_clock_now(&c), 1561193729000ull);
    m.now += 5 * VS_MINUTE_MS;
    char buf[40];
    vs_time_format(vs_clock_now(&c), VS_TS_CLI, buf, sizeof buf);
    ck_assert_str_eq(buf, "2019-06-22T09:00:29+00:00");
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("timefmt");
    TCase *tc = tcase_create("timefmt");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, t_format);
    tcase_add_test(tc, t_format_matches_libc);
    tcase_add_test(tc, t_parse);
    tcase_add_test(tc, t_roundtrip);
    tcase_add_test(tc, t_manual_clock);
    suite_add_tcase(s, tc);
    return s;
}
