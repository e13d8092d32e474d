/* chaos_clock: the run's clocks as the driver and the checker read them
 * (real seconds since the start; the window the shared simulated clock
 * can be in now) and the faults argument both send to the broker. Below
 * chaos.c, chaos_drive.c and chaos_check.c.
 */
#include <stdint.h>
#include <time.h>

#include "chaos_int.h"

#define S_SIM_MARGIN_MS 2000     /* agents adopt the broker's clock a little late */

double ch_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double ch_now(const ch_run_t *r)
{
    return ch_mono() - r->t0;
}

static uint64_t s_sim_now(const ch_run_t *r)
{
    double d = (ch_now(r) - r->t_base) * 1000.0;
    return r->sim_base_ms + (uint64_t)(d > 0 ? d : 0);
}

uint64_t ch_sim_low(const ch_run_t *r)
{
    uint64_t t = s_sim_now(r);
    return t > S_SIM_MARGIN_MS ? t - S_SIM_MARGIN_MS : 0;
}

uint64_t ch_sim_high(const ch_run_t *r)
{
    int64_t pending = r->sim_pending_ms > 0 ? r->sim_pending_ms : 0;
    return s_sim_now(r) + (uint64_t)pending + S_SIM_MARGIN_MS;
}

char *ch_faults_args(const ch_opts_t *o)
{
    vs_json_t *a = vs_json_object();
    vs_json_set(a, "drop", vs_json_num(o->drop));
    vs_json_set(a, "duplicate", vs_json_num(o->duplicate));
    vs_json_t *d = vs_json_set(a, "delay_ms", vs_json_array());
    vs_json_push(d, vs_json_int(o->delay_min_ms));
    vs_json_push(d, vs_json_int(o->delay_max_ms));
    vs_json_set(a, "reorder", vs_json_num(o->reorder));
    /* The broker's fault stream follows the run's seed too. */
    vs_json_set_int(a, "seed", (int64_t)(o->seed & INT64_MAX));
    char *s = vs_json_dump(a, 0);
    vs_json_free(&a);
    return s;
}
