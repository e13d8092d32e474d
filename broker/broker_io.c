/* broker_io: what the broker's modules (router, admin, the fault relay)
 * use of the broker: its clocks, sending on its socket, saving its soft
 * state, the fault timer, and the messages the broker itself originates
 * (its envelopes, liveness probes, clock ticks). Below all of them: it
 * calls none of the modules that call it (see broker.h for the order).
 */
#include "broker.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* ---- clocks, sending, soft state -------------------------------------- */

uint64_t bk_mono_ms(const broker_t *b)
{
    (void)b;
    return bk_clock_mono_ms();
}

uint64_t bk_sim_now(const broker_t *b)
{
    return bk_simclock_now(&b->clock, bk_mono_ms(b));
}

int bk_send(broker_t *b, const uint8_t *route, size_t len, const vs_env_t *env)
{
    if (b->stopping) {
        errno = ESHUTDOWN;
        return -1;
    }
    return b->send(b, route, len, env);
}

int bk_send_stamped(broker_t *b, const uint8_t *route, size_t len, const uint8_t *frame,
                    size_t frame_len, const Vpcsim__Wire__Party *party)
{
    if (b->stopping) {
        errno = ESHUTDOWN;
        return -1;
    }
    return b->send_stamped(b, route, len, frame, frame_len, party);
}

const char *bk_peer_name(const broker_t *b, const uint8_t *route, size_t len, char *buf,
                         size_t buflen)
{
    const bk_agent_t *a = bk_registry_by_route(b->reg, route, len);
    if (a) {
        snprintf(buf, buflen, "agent %s/%s", a->account, a->region);
        return buf;
    }
    /* Routing ids are binary (ROUTER-made ones are 5 bytes); hex shows
     * enough to correlate log lines. */
    int n = snprintf(buf, buflen, "client 0x");
    for (size_t i = 0; i < len && n > 0 && (size_t)n + 3 < buflen; i++)
        n += snprintf(buf + n, buflen - (size_t)n, "%02x", route[i]);
    return buf;
}

void bk_state_save_now(broker_t *b)
{
    if (!b->state)
        return;
    char err[300];
    b->last_save_ms = bk_mono_ms(b);
    if (bk_state_save(b->state, b->reg, bk_sim_now(b), err, sizeof err) < 0) {
        VS_WARN("cannot save broker state (will retry): %s", err);
        return;
    }
    b->dirty = false;
}

void bk_state_changed(broker_t *b)
{
    b->dirty = true;
    bk_state_save_now(b);
}

void bk_state_new_agent(broker_t *b, const bk_agent_t *a)
{
    b->dirty = true;
    if (!b->state)
        return;
    char err[300];
    bool failed = bk_state_note_agent(b->state, a, err, sizeof err) < 0;
    /* Once per spell of failures: a full disk fails every registration of
     * a flood of them, and the sweep's save says so every time anyway. */
    if (failed && !b->journal_failing)
        VS_WARN("cannot note agent %s/%s in the data dir (saved at the next sweep): %s",
                a->account, a->region, err);
    b->journal_failing = failed;
}

void bk_state_dirty(broker_t *b)
{
    b->dirty = true;
}

uint64_t bk_wall_ms(const broker_t *b)
{
    (void)b;
    return bk_clock_wall_ms();
}

void bk_fault_timer_arm(broker_t *b, uint64_t due_ms)
{
    if (b->stopping)
        return;
    if (due_ms == UINT64_MAX) {
        uv_timer_stop(&b->fault_timer);
        return;
    }
    uint64_t now = bk_mono_ms(b);
    uv_timer_start(&b->fault_timer, b->on_fault_timer, due_ms > now ? due_ms - now : 0, 0);
}

/* ---- messages the broker originates ----------------------------------- */

/* A broker-originated envelope; me must outlive the send. */
void bk_env_init(broker_t *b, vs_env_t *env, Vpcsim__Wire__Party *me)
{
    vpcsim__wire__envelope__init(env);
    vpcsim__wire__party__init(me);
    me->kind = VPCSIM__WIRE__PARTY_KIND__PARTY_BROKER;
    env->sender = me;
    env->msg_id = ++b->next_msg_id;
    env->sim_time_ms = bk_sim_now(b);
}

bool bk_probe_agent(broker_t *b, bk_agent_t *a)
{
    if (!a->online || a->route_len == 0)
        return false;
    vs_env_t env;
    Vpcsim__Wire__Party me;
    Vpcsim__Wire__Heartbeat hb = VPCSIM__WIRE__HEARTBEAT__INIT;
    bk_env_init(b, &env, &me);
    hb.sim_time_ms = env.sim_time_ms;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_HEARTBEAT;
    env.heartbeat = &hb;
    if (bk_send(b, a->route, a->route_len, &env) < 0 && errno == EHOSTUNREACH) {
        bk_registry_unbind(b->reg, a);
        VS_INFO("agent %s/%s disconnected", a->account, a->region);
        return false;
    }
    /* Sent, but a connection silent past the liveness timeout is as good
     * as gone (a stopped or wedged process): a newcomer may take over. */
    return bk_mono_ms(b) - a->last_seen_ms <= BK_LIVENESS_TIMEOUT_MS;
}

void bk_broadcast_clock(broker_t *b)
{
    size_t n = 0;
    bk_agent_t **agents = bk_registry_list(b->reg, &n);
    vs_env_t env;
    Vpcsim__Wire__Party me;
    Vpcsim__Wire__ClockTick t = VPCSIM__WIRE__CLOCK_TICK__INIT;
    bk_env_init(b, &env, &me);
    t.sim_time_ms = env.sim_time_ms;
    t.speed = b->clock.speed;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_CLOCK_TICK;
    env.clock_tick = &t;
    for (size_t i = 0; i < n; i++) {
        bk_agent_t *a = agents[i];
        if (!a->online || a->route_len == 0)
            continue;
        if (bk_send(b, a->route, a->route_len, &env) == 0)
            continue;
        if (errno == EHOSTUNREACH) {
            bk_registry_unbind(b->reg, a);
            VS_INFO("agent %s/%s disconnected", a->account, a->region);
        } else {
            VS_WARN("clock tick to agent %s/%s dropped: %s", a->account, a->region,
                    strerror(errno));
        }
    }
    free(agents);
}
