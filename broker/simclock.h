/* simclock: the broker's simulated clock, the one authority on simulated
 * time for the whole cluster.
 *
 *   sim_now = base_sim + (mono_now - base_mono) * speed
 *
 * It only moves forward: a Hello from an agent whose clock is ahead, or an
 * admin advance-clock, re-bases it at a later time. Every Welcome and
 * Heartbeat answer carries sim_now, and ClockTick broadcasts announce the
 * jumps, so agents follow it.
 *
 * The arithmetic is sans-IO (monotonic ms are passed in). The two
 * functions at the bottom are the only places in the broker that read an
 * OS clock.
 */
#ifndef BK_SIMCLOCK_H
#define BK_SIMCLOCK_H

#include <stdbool.h>
#include <stdint.h>

typedef struct bk_simclock {
    uint64_t base_sim_ms;    /* simulated epoch ms at base_mono_ms */
    uint64_t base_mono_ms;
    double speed;            /* simulated ms per real ms */
} bk_simclock_t;

void bk_simclock_init(bk_simclock_t *c, uint64_t start_sim_ms, double speed, uint64_t mono_ms);
uint64_t bk_simclock_now(const bk_simclock_t *c, uint64_t mono_ms);
/* Moves the clock to sim_ms if that is ahead of now; true if it moved. */
bool bk_simclock_forward_to(bk_simclock_t *c, uint64_t sim_ms, uint64_t mono_ms);
/* Moves the clock forward by delta_ms (saturating). */
void bk_simclock_advance(bk_simclock_t *c, uint64_t delta_ms, uint64_t mono_ms);

/* Monotonic milliseconds (uv_hrtime), for the clock base and liveness. */
uint64_t bk_clock_mono_ms(void);
/* Wall-clock epoch milliseconds (CLOCK_REALTIME): only the start value. */
uint64_t bk_clock_wall_ms(void);

#endif
