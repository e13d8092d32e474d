/* clock: time as an interface. Domain code reads simulated time through a
 * vs_clock_t and never calls time(), clock_gettime() or uv_now(). The
 * daemons plug in a clock that follows the broker's shared simulated time;
 * tests and the deterministic simulation plug in a virtual one.
 *
 * Times are milliseconds since the Unix epoch in *simulated* time.
 */
#ifndef VS_CLOCK_H
#define VS_CLOCK_H

#include <stddef.h>
#include <stdint.h>

typedef struct vs_clock {
    uint64_t (*now_ms)(void *impl);
    void *impl;
} vs_clock_t;

static inline uint64_t vs_clock_now(const vs_clock_t *c) { return c->now_ms(c->impl); }

/* A manual clock for tests: now is whatever you set. */
typedef struct { uint64_t now; } vs_manual_clock_t;
static inline uint64_t vs_manual_clock__now(void *impl) { return ((vs_manual_clock_t *)impl)->now; }
static inline vs_clock_t vs_manual_clock(vs_manual_clock_t *m)
{
    vs_clock_t c = { vs_manual_clock__now, m };
    return c;
}

/* Formats epoch ms as the AWS CLI v2 prints timestamps:
 * "2019-06-22T08:55:29+00:00" (VS_TS_CLI) or with milliseconds and Z as
 * the broker's clock document does: "2019-06-22T08:55:29.000Z" (VS_TS_ZULU).
 * Returns bytes written or -1. Pure: no time zone or locale lookups. */
enum { VS_TS_CLI = 0, VS_TS_ZULU = 1 };
int vs_time_format(uint64_t epoch_ms, int style, char *buf, size_t len);
/* Parses either form (and "2019-06-22T08:55:29Z", "...+00:00",
 * "...000Z"); 0 ok, -1 malformed. */
int vs_time_parse(const char *s, uint64_t *epoch_ms);

#define VS_SECOND_MS 1000ull
#define VS_MINUTE_MS (60ull * VS_SECOND_MS)
#define VS_HOUR_MS   (60ull * VS_MINUTE_MS)
#define VS_DAY_MS    (24ull * VS_HOUR_MS)

#endif
