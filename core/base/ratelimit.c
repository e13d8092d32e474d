/* ratelimit: see ratelimit.h. */
#include "ratelimit.h"

#include <stdio.h>

bool vs_ratelimit_pass(vs_ratelimit_t *r, uint64_t now_ms, uint64_t *held_before)
{
    r->total++;
    /* A clock that goes back (a caller's tick read before a re-base) opens
     * a new window rather than wrapping the subtraction. */
    if (!r->started || now_ms < r->window_start || now_ms - r->window_start >= r->window_ms) {
        r->started = true;
        r->window_start = now_ms;
        r->passed = 0;
    }
    if (r->passed >= r->burst) {
        r->held++;
        return false;
    }
    r->passed++;
    if (held_before)
        *held_before = r->held;
    r->held = 0;
    return true;
}

bool vs_ratelimit_flush(vs_ratelimit_t *r, uint64_t now_ms, uint64_t *held)
{
    if (r->held == 0 || (now_ms >= r->window_start && now_ms - r->window_start < r->window_ms))
        return false;
    *held = r->held;
    r->held = 0;
    return true;
}

const char *vs_ratelimit_suffix(uint64_t held, char *buf, unsigned long buflen)
{
    if (held == 0 || buflen == 0)
        return "";
    snprintf(buf, buflen, " (%llu more like this)", (unsigned long long)held);
    return buf;
}
