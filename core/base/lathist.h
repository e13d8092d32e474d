/* lathist: a histogram of durations in microseconds, for quantiles of a
 * daemon's own work (an agent's turns) logged at its stop. Buckets of an
 * eighth of an octave (8 per power of two, exact below 16 us), so that a
 * quantile is within 12.5 % of the true value whatever the range, in a
 * fixed 752 bytes with no allocation; durations from 2^25 us (33.5 s) on
 * share the last bucket. Caller-allocated; zero it (or vs_lathist_init)
 * first.
 */
#ifndef VS_LATHIST_H
#define VS_LATHIST_H

#include <stdint.h>

#define VS_LATHIST_SUB 8                       /* buckets per octave */
/* 0-15 us one bucket each, then 21 octaves of 8: 16 us .. 2^25 us. */
#define VS_LATHIST_BUCKETS (2 * VS_LATHIST_SUB + 21 * VS_LATHIST_SUB)

typedef struct vs_lathist {
    uint64_t n;
    uint64_t max_us;
    uint32_t count[VS_LATHIST_BUCKETS];
} vs_lathist_t;

void vs_lathist_init(vs_lathist_t *h);
/* One duration. Counts saturate at UINT32_MAX per bucket. */
void vs_lathist_add(vs_lathist_t *h, uint64_t us);
/* The q-quantile (0 <= q <= 1) in us: the upper end of the bucket that
 * holds it, capped by the largest value added (so q = 1 is the maximum,
 * exactly); 0 when nothing was added. */
uint64_t vs_lathist_quantile(const vs_lathist_t *h, double q);

#endif
