/* lathist: see lathist.h. Below 16 us a bucket is one microsecond; from
 * there on, octave b (2^b <= us < 2^(b+1)) is cut into 8 by the three bits
 * after the leading one. */
#include "lathist.h"

#include <string.h>

void vs_lathist_init(vs_lathist_t *h)
{
    memset(h, 0, sizeof *h);
}

static unsigned s_bucket(uint64_t us)
{
    if (us < 2 * VS_LATHIST_SUB)
        return (unsigned)us;
    unsigned b = 63u - (unsigned)__builtin_clzll(us);        /* >= 4 */
    uint64_t idx = (uint64_t)(b - 2) * VS_LATHIST_SUB + ((us >> (b - 3)) & 7u);
    return idx < VS_LATHIST_BUCKETS ? (unsigned)idx : VS_LATHIST_BUCKETS - 1;
}

/* The largest duration bucket i holds. */
static uint64_t s_upper(unsigned i)
{
    if (i < 2 * VS_LATHIST_SUB)
        return i;
    unsigned b = i / VS_LATHIST_SUB + 2, sub = i % VS_LATHIST_SUB;
    uint64_t lower = (uint64_t)(VS_LATHIST_SUB + sub) << (b - 3);
    return lower + ((uint64_t)1 << (b - 3)) - 1;
}

void vs_lathist_add(vs_lathist_t *h, uint64_t us)
{
    uint32_t *c = &h->count[s_bucket(us)];
    if (*c < UINT32_MAX)
        (*c)++;
    h->n++;
    if (us > h->max_us)
        h->max_us = us;
}

uint64_t vs_lathist_quantile(const vs_lathist_t *h, double q)
{
    if (h->n == 0)
        return 0;
    if (!(q > 0))
        q = 0;
    if (q > 1)
        q = 1;
    /* The rank-th smallest value, 1-based: the nearest-rank definition. */
    uint64_t rank = (uint64_t)(q * (double)h->n);
    if ((double)rank < q * (double)h->n)
        rank++;
    if (rank == 0)
        rank = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < VS_LATHIST_BUCKETS; i++) {
        seen += h->count[i];
        if (seen >= rank) {
            if (i == VS_LATHIST_BUCKETS - 1)
                return h->max_us;   /* open-ended: its largest is the max */
            uint64_t up = s_upper(i);
            return up < h->max_us ? up : h->max_us;
        }
    }
    return h->max_us;   /* saturated counts: the rest is past the last */
}
