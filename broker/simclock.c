/* simclock: see simclock.h. */
#include "simclock.h"

#include <time.h>
#include <uv.h>

void bk_simclock_init(bk_simclock_t *c, uint64_t start_sim_ms, double speed, uint64_t mono_ms)
{
    c->base_sim_ms = start_sim_ms;
    c->base_mono_ms = mono_ms;
    c->speed = speed > 0 ? speed : 1.0;
}

uint64_t bk_simclock_now(const bk_simclock_t *c, uint64_t mono_ms)
{
    /* A caller's mono_ms can lag the base by a tick (it may have been read
     * before a re-base); never let that make time run backwards. */
    if (mono_ms <= c->base_mono_ms)
        return c->base_sim_ms;
    double elapsed = (double)(mono_ms - c->base_mono_ms) * c->speed;
    /* Saturating: no clock value, however it got here, may wrap to 1970. */
    if (elapsed >= (double)(UINT64_MAX - c->base_sim_ms))
        return UINT64_MAX;
    return c->base_sim_ms + (uint64_t)elapsed;
}

bool bk_simclock_forward_to(bk_simclock_t *c, uint64_t sim_ms, uint64_t mono_ms)
{
    uint64_t now = bk_simclock_now(c, mono_ms);
    if (sim_ms <= now)
        return false;
    c->base_sim_ms = sim_ms;
    c->base_mono_ms = mono_ms > c->base_mono_ms ? mono_ms : c->base_mono_ms;
    return true;
}

void bk_simclock_advance(bk_simclock_t *c, uint64_t delta_ms, uint64_t mono_ms)
{
    uint64_t now = bk_simclock_now(c, mono_ms);
    uint64_t to = now + delta_ms < now ? UINT64_MAX : now + delta_ms;
    c->base_sim_ms = to;
    c->base_mono_ms = mono_ms > c->base_mono_ms ? mono_ms : c->base_mono_ms;
}

uint64_t bk_clock_mono_ms(void)
{
    return uv_hrtime() / 1000000u;
}

uint64_t bk_clock_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
