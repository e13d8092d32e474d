/* timebound: the range of simulated time the cluster can represent, and
 * arithmetic on times that cannot wrap.
 *
 * Every time is shown somewhere as an ISO 8601 timestamp with a four-digit
 * year, so the last instant that exists for vpcsim is 9999-12-31T23:59:59.999Z.
 * The clock stops short of it by the longest timer the model arms (an
 * unaccepted request's 7 days, with margin), so that every deadline and
 * expiration computed from "now" can still be printed.
 */
#ifndef VS_TIMEBOUND_H
#define VS_TIMEBOUND_H

#include <stdint.h>

#include "clock.h"

#define VS_TIME_LAST_MS      253402300799999ull          /* 9999-12-31T23:59:59.999Z */
#define VS_TIME_LONGEST_TIMER_MS (8ull * VS_DAY_MS)      /* 7-day expiry + margin */
#define VS_TIME_CLOCK_MAX_MS (VS_TIME_LAST_MS - VS_TIME_LONGEST_TIMER_MS)

/* a + b, saturating at UINT64_MAX. */
static inline uint64_t vs_time_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* The latest time a newcomer (an agent's Hello) may pull the shared clock
 * to, given the clock's current time: far enough for any timer it armed
 * while the broker was away, never past what can be printed. */
static inline uint64_t vs_time_hello_limit(uint64_t now_ms)
{
    uint64_t lim = vs_time_add(now_ms, VS_TIME_LONGEST_TIMER_MS);
    return lim > VS_TIME_CLOCK_MAX_MS ? VS_TIME_CLOCK_MAX_MS : lim;
}

#endif
