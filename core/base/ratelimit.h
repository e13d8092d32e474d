/* ratelimit: a budget of events per time window, for log lines a stranger
 * can cause by the million (garbage frames, forged messages, a full disk
 * failing every write). The first `burst` events of a window pass; the
 * rest are counted, and the next event that passes says how many were
 * held back, so the log reads "... (1234 more like this)" instead of
 * growing without bound. Value type, sans-IO: the caller passes the time.
 */
#ifndef VS_RATELIMIT_H
#define VS_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

typedef struct vs_ratelimit {
    uint64_t window_ms;      /* length of a window */
    uint32_t burst;          /* events that pass per window */
    uint64_t window_start;   /* ms, caller's clock */
    uint32_t passed;         /* events passed in this window */
    uint64_t held;           /* events held back since the last that passed */
    uint64_t total;          /* every event ever counted */
    bool started;
} vs_ratelimit_t;

#define VS_RATELIMIT_INIT(window, burst_) { .window_ms = (window), .burst = (burst_) }

/* Counts one event at now_ms. True if it may be logged; then *held_before
 * (if not NULL) is how many were held back since the last one logged,
 * which the caller should mention. */
bool vs_ratelimit_pass(vs_ratelimit_t *r, uint64_t now_ms, uint64_t *held_before);

/* At the end of a window with events held back and no later event to
 * mention them: true once, with *held the count (the caller logs "... N
 * more like this"), and the count restarts. Call it from a periodic timer. */
bool vs_ratelimit_flush(vs_ratelimit_t *r, uint64_t now_ms, uint64_t *held);

/* A " (N more like this)" suffix for held > 0, else "". buf >= 48 bytes. */
const char *vs_ratelimit_suffix(uint64_t held, char *buf, unsigned long buflen);

#endif
