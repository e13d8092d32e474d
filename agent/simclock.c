#include "simclock.h"

#include <time.h>

uint64_t simclock_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t simclock_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void simclock_init(simclock_t *c)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    c->base_sim = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    c->base_mono = simclock_mono_ms();
    c->speed = 1.0;
    c->last = c->base_sim;
}

uint64_t simclock_now(simclock_t *c)
{
    uint64_t mono = simclock_mono_ms();
    uint64_t el = mono > c->base_mono ? mono - c->base_mono : 0;
    uint64_t now = c->base_sim + (uint64_t)((double)el * c->speed);
    if (now < c->last)
        now = c->last;
    c->last = now;
    return now;
}

void simclock_adopt(simclock_t *c, uint64_t sim_ms, double speed)
{
    uint64_t now = simclock_now(c);
    c->base_sim = sim_ms > now ? sim_ms : now;
    c->base_mono = simclock_mono_ms();
    if (speed > 0 && speed < 1e6)
        c->speed = speed;
    c->last = c->base_sim;
}

uint64_t simclock_real_delay(simclock_t *c, uint64_t sim_ms)
{
    uint64_t now = simclock_now(c);
    if (sim_ms <= now)
        return 0;
    double d = (double)(sim_ms - now) / (c->speed > 0 ? c->speed : 1.0);
    return d > 86400000.0 ? 86400000u : (uint64_t)d + 1;
}

static uint64_t s_now(void *impl) { return simclock_now(impl); }

vs_clock_t simclock_as_clock(simclock_t *c)
{
    vs_clock_t k = { s_now, c };
    return k;
}
