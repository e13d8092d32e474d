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
    *c = (simclock_t){ 0 };
    c->base_sim = simclock_wall_ms(c);     /* not held: a reading of its own */
    c->base_mono = simclock_mono_ms();
    c->speed = 1.0;
    c->last = c->base_sim;
}

/* The simulated time the monotonic clock's reading mono stands for, never
 * before the last one returned. */
static uint64_t s_at(const simclock_t *c, uint64_t mono)
{
    uint64_t el = mono > c->base_mono ? mono - c->base_mono : 0;
    uint64_t now = c->base_sim + (uint64_t)((double)el * c->speed);
    return now < c->last ? c->last : now;
}

uint64_t simclock_now(simclock_t *c)
{
    if (c->holds && c->held_sim)
        return c->sim_ms;
    uint64_t now = s_at(c, simclock_mono_ms());
    c->last = now;
    if (c->holds) {
        c->sim_ms = now;
        c->held_sim = true;
    }
    return now;
}

uint64_t simclock_wall_ms(simclock_t *c)
{
    if (c->holds && c->held_wall)
        return c->wall_ms;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t now = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
    if (c->holds) {
        c->wall_ms = now;
        c->held_wall = true;
    }
    return now;
}

void simclock_hold(simclock_t *c)
{
    c->holds++;
}

void simclock_release(simclock_t *c)
{
    if (c->holds > 0 && --c->holds == 0)
        c->held_sim = c->held_wall = false;
}

void simclock_adopt(simclock_t *c, uint64_t sim_ms, double speed)
{
    uint64_t now = simclock_now(c);
    c->base_sim = sim_ms > now ? sim_ms : now;
    c->base_mono = simclock_mono_ms();
    if (speed > 0 && speed < 1e6)
        c->speed = speed;
    c->last = c->base_sim;
    if (c->holds) {        /* the held time moves with the broker's */
        c->sim_ms = c->base_sim;
        c->held_sim = true;
    }
}

uint64_t simclock_real_delay(simclock_t *c, uint64_t sim_ms)
{
    /* Afresh, held or not (see the header); `last` is left alone, so a
     * held time stays the one the turn has seen. */
    uint64_t now = s_at(c, simclock_mono_ms());
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
