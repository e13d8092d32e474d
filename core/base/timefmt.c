/* timefmt: vs_time_format() and vs_time_parse() from clock.h.
 *
 * Pure calendar arithmetic on UTC (proleptic Gregorian, Howard Hinnant's
 * days_from_civil / civil_from_days), so the result never depends on the
 * host's TZ, locale or libc, and no time zone database is touched.
 * Years are limited to 1970..9999: times are unsigned ms since the epoch,
 * and four-digit years are all the ISO 8601 forms here can carry.
 */
#include "clock.h"

#include <stdbool.h>
#include <string.h>

#define S_MAX_YEAR 9999

/* Days since 1970-01-01 of the civil date y-m-d (m 1..12). */
static int64_t s_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void s_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool s_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned s_month_days(int64_t y, unsigned m)
{
    static const unsigned days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && s_leap(y) ? 29 : days[m - 1];
}

/* v as exactly n decimal digits (v < 10^n) at p; returns p + n. */
static char *s_put_digits(char *p, unsigned v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
    return p + n;
}

int vs_time_format(uint64_t epoch_ms, int style, char *buf, size_t len)
{
    if (!buf || (style != VS_TS_CLI && style != VS_TS_ZULU))
        return -1;
    uint64_t secs = epoch_ms / 1000;
    unsigned ms = (unsigned)(epoch_ms % 1000);
    int64_t days = (int64_t)(secs / 86400);
    unsigned sod = (unsigned)(secs % 86400);
    int64_t y;
    unsigned m, d;
    if (secs / 86400 > (uint64_t)s_days_from_civil(S_MAX_YEAR, 12, 31))
        return -1;
    s_civil_from_days(days, &y, &m, &d);

    /* By hand rather than snprintf (about 3,000 instructions a call): every
     * created connection and many outputs carry a time. The year is
     * 1970..9999, so always four digits. */
    char tmp[32], *p = tmp;
    p = s_put_digits(p, (unsigned)y, 4);
    *p++ = '-';
    p = s_put_digits(p, m, 2);
    *p++ = '-';
    p = s_put_digits(p, d, 2);
    *p++ = 'T';
    p = s_put_digits(p, sod / 3600, 2);
    *p++ = ':';
    p = s_put_digits(p, sod / 60 % 60, 2);
    *p++ = ':';
    p = s_put_digits(p, sod % 60, 2);
    if (style == VS_TS_CLI) {
        memcpy(p, "+00:00", 6);
        p += 6;
    } else {
        *p++ = '.';
        p = s_put_digits(p, ms, 3);
        *p++ = 'Z';
    }
    size_t n = (size_t)(p - tmp);
    if (n >= len)
        return -1;
    memcpy(buf, tmp, n);
    buf[n] = '\0';
    return (int)n;
}

/* Exactly `n` decimal digits at *p; advances *p. -1 if not digits. */
static int s_digits(const char **p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    return v;
}

static bool s_lit(const char **p, char c)
{
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

/* Accepts "YYYY-MM-DDTHH:MM:SS", an optional fraction of 1..9 digits
 * (truncated to ms), then "Z" or a "+HH:MM"/"-HH:MM" offset. The CLI and
 * broker forms only ever carry "Z" and "+00:00", but a user may type any
 * ISO 8601 offset in a filter, and it is cheap to honour. */
int vs_time_parse(const char *s, uint64_t *epoch_ms)
{
    if (!s || !epoch_ms || strnlen(s, 40) >= 40)
        return -1;
    const char *p = s;
    int y = s_digits(&p, 4);
    if (y < 0 || !s_lit(&p, '-'))
        return -1;
    int mo = s_digits(&p, 2);
    if (mo < 1 || mo > 12 || !s_lit(&p, '-'))
        return -1;
    int d = s_digits(&p, 2);
    if (d < 1 || d > (int)s_month_days(y, (unsigned)mo) || !s_lit(&p, 'T'))
        return -1;
    int hh = s_digits(&p, 2);
    if (hh < 0 || hh > 23 || !s_lit(&p, ':'))
        return -1;
    int mi = s_digits(&p, 2);
    if (mi < 0 || mi > 59 || !s_lit(&p, ':'))
        return -1;
    int ss = s_digits(&p, 2);
    if (ss < 0 || ss > 59)
        return -1;
    int ms = 0;
    if (s_lit(&p, '.')) {
        int nd = 0;
        for (; *p >= '0' && *p <= '9'; p++, nd++)
            if (nd < 3)
                ms = ms * 10 + (*p - '0');
        if (nd == 0 || nd > 9)
            return -1;
        for (; nd < 3; nd++)
            ms *= 10;
    }
    int64_t offset_min = 0;
    if (!s_lit(&p, 'Z')) {
        int sign = *p == '+' ? 1 : *p == '-' ? -1 : 0;
        if (!sign)
            return -1;
        p++;
        int oh = s_digits(&p, 2);
        if (oh < 0 || oh > 23 || !s_lit(&p, ':'))
            return -1;
        int om = s_digits(&p, 2);
        if (om < 0 || om > 59)
            return -1;
        offset_min = sign * (oh * 60 + om);
    }
    if (*p != '\0')
        return -1;
    int64_t secs = s_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
                   hh * 3600 + mi * 60 + ss - offset_min * 60;
    if (secs < 0)
        return -1;
    *epoch_ms = (uint64_t)secs * 1000 + (uint64_t)ms;
    return 0;
}
