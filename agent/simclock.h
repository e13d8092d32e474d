/* simclock: the agent's view of the broker's shared simulated time.
 *
 * The broker is the time authority; every Welcome, Heartbeat answer and
 * ClockTick carries its simulated time. Between those, the agent runs the
 * clock forward from its own monotonic clock at the broker's speed. The
 * clock never goes backwards, also across restarts (the last value is
 * persisted by the agent and fed back with simclock_adopt). This is the
 * only agent module that reads a real clock.
 *
 * Holding: between simclock_hold and simclock_release, simclock_now and
 * simclock_wall_ms read their clock once, at the first call, and return
 * that reading until the release, as libuv's loop time (uv_now) serves a
 * loop turn. The agent holds the clock while it handles a message and
 * while it commits a turn, so that a message's changes, events and
 * timers share one instant: an agent read the clocks ~25 times a
 * handshake (the model's timestamps and timers, and two readings for
 * each event), ~2 % of its CPU under load (perf). simclock_adopt moves a
 * held time with the broker's; simclock_real_delay reads the clock
 * afresh, so that a timer is not armed late by a long hold. Holds nest.
 */
#ifndef AGENT_SIMCLOCK_H
#define AGENT_SIMCLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"

typedef struct simclock {
    uint64_t base_sim;     /* simulated ms at base_mono */
    uint64_t base_mono;    /* monotonic ms */
    double speed;
    uint64_t last;         /* last value returned: never go back */
    int holds;             /* simclock_hold depth */
    bool held_sim, held_wall;   /* read during this hold: */
    uint64_t sim_ms, wall_ms;   /* what it read */
} simclock_t;

/* Starts at the wall-clock time. */
void simclock_init(simclock_t *c);
/* Moves to the broker's time (never backwards). */
void simclock_adopt(simclock_t *c, uint64_t sim_ms, double speed);
uint64_t simclock_now(simclock_t *c);
/* Wall-clock ms since the epoch (CLOCK_REALTIME): for the event log,
 * where it helps people match logs. */
uint64_t simclock_wall_ms(simclock_t *c);
/* See "Holding" above. */
void simclock_hold(simclock_t *c);
void simclock_release(simclock_t *c);
/* Real milliseconds until simulated time reaches `sim_ms` (0 if past). */
uint64_t simclock_real_delay(simclock_t *c, uint64_t sim_ms);
/* A vs_clock_t view for the model. */
vs_clock_t simclock_as_clock(simclock_t *c);
/* Monotonic ms, for liveness and retry timing. */
uint64_t simclock_mono_ms(void);
/* The same clock in microseconds, for timing the agent's own work. */
uint64_t simclock_mono_us(void);

#endif
