#include "rto.h"

void vs_rto_init(vs_rto_t *r, uint64_t floor_ms, uint64_t ceil_ms)
{
    *r = (vs_rto_t){ .floor_ms = floor_ms, .ceil_ms = ceil_ms > floor_ms ? ceil_ms : floor_ms };
}

void vs_rto_sample(vs_rto_t *r, uint64_t rtt_ms)
{
    double x = (double)rtt_ms;
    if (!r->has_sample) {
        /* RFC 6298 2.2 */
        r->srtt = x;
        r->rttvar = x / 2;
        r->has_sample = true;
        return;
    }
    /* RFC 6298 2.3: RTTVAR first, from the old SRTT. */
    double d = r->srtt > x ? r->srtt - x : x - r->srtt;
    r->rttvar = 0.75 * r->rttvar + 0.25 * d;
    r->srtt = 0.875 * r->srtt + 0.125 * x;
}

uint64_t vs_rto_get(const vs_rto_t *r)
{
    if (!r->has_sample)
        return r->floor_ms;
    double t = r->srtt + 4 * r->rttvar;
    if (t <= (double)r->floor_ms)
        return r->floor_ms;
    if (t >= (double)r->ceil_ms)
        return r->ceil_ms;
    return (uint64_t)t;
}
