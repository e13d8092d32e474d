/* agent_rx: receiving from the broker and dispatching: API calls to the
 * model, peer messages (deduplicated, acknowledged), clock updates. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "agent_priv.h"
#include "json.h"
#include "log.h"
#include "peer_bundle.h"
#include "timebound.h"

/* Stack space for one received frame's decoded tree: an API request or a
 * peering message with its record fits; a larger frame spills to malloc. */
#define AGENT_RX_ARENA_BYTES 16384

/* ------------------------------------------------------------------ */
/* receiving: every handler below runs inside agent__on_readable's one
 * transaction for the whole batch, so their store writes commit together
 * with the model changes they cause, before anything is sent.            */

static void s_on_api_request(agent_t *a, const vs_env_t *env)
{
    const Vpcsim__Wire__ApiRequest *rq = env->api_request;
    const uint8_t *route = env->sender ? env->sender->route.data : NULL;
    size_t route_len = env->sender ? env->sender->route.len : 0;
    /* Answered from the event log, also to another account (which sees
     * only what it shares with this one: agent_events.c). */
    if (agent_ev__answer(a, env))
        return;
    /* A secured broker stamps the caller's authenticated account; an open
     * one leaves it empty. */
    const char *caller = env->sender && env->sender->account ? env->sender->account : "";
    if (strcmp(rq->account, a->cfg->account) != 0 || strcmp(rq->region, a->cfg->region) != 0 ||
        (caller[0] && strcmp(caller, a->cfg->account) != 0)) {
        /* The broker routed by (account, Region); a mismatch is a client bug. */
        agent__reply(a, env->msg_id, route, route_len, false, NULL, "AuthFailure",
                "AWS was not able to validate the provided access credentials");
        return;
    }
    char err[160];
    vs_json_t *input = NULL;
    if (rq->input_json && *rq->input_json)
        input = vs_json_parse(rq->input_json, strlen(rq->input_json), err, sizeof err);
    else
        input = vs_json_object();
    if (!input || vs_json_type(input) != VS_JSON_OBJECT) {
        char msg[256];
        snprintf(msg, sizeof msg, "The request input is not a JSON object: %s",
                 input ? "wrong type" : err);
        agent__reply(a, env->msg_id, route, route_len, false, NULL, "InvalidParameterValue", msg);
        vs_json_free(&input);
        return;
    }
    if (a->read_only && !agent__ro_is_read(rq->action)) {
        /* A full disk: refused at once, before the model changes anything. */
        vs_json_free(&input);
        agent__reply(a, env->msg_id, route, route_len, false, NULL, "InternalError",
                     AGENT_DISK_FULL_MSG);
        return;
    }
    uint64_t token = agent__pending_add(a, env);
    if (!token) {
        vs_json_free(&input);
        return;
    }
    agent_ev__api_call(a, env, input);
    vs_model_submit(a->model, token, rq->account, rq->action, input);
    vs_json_free(&input);
    a->turn_dirty = true;
}

void agent__send_ack(agent_t *a, const vs_env_t *env, bool duplicate)
{
    /* A duplicate says our ack did not arrive: its carrier was lost, or the
     * sender (an older agent) reads only acks of their own. */
    agent__queue_ack(a, env->sender->account, env->sender->region, env->msg_id, duplicate);
}

/* One of our messages acknowledged by the agent the broker stamped as
 * the sender: out of the outbox, in this turn's transaction (the row goes
 * at its commit, store.h). An ack from anyone but the message's addressee
 * is ignored: another agent must not stop our resends. */
static void s_acked(agent_t *a, const vs_env_t *env, uint64_t msg_id)
{
    const char *account = env->sender ? env->sender->account : NULL;
    const char *region = env->sender ? env->sender->region : NULL;
    switch (vs_outbox_ack_from(a->outq, msg_id, account, region, simclock_mono_ms())) {
    case VS_OUTBOX_ACKED:
        store_outbox_delete(a->st, msg_id);
        a->turn_dirty = true;
        break;
    case VS_OUTBOX_WRONG_SENDER:
        a->stats.acks_foreign++;
        VS_DEBUG("ack of %" PRIu64 " from %s/%s ignored: not the message's addressee", msg_id,
                 account ? account : "?", region ? region : "?");
        break;
    case VS_OUTBOX_UNKNOWN:
        break;
    }
}

void agent__refused(agent_t *a, const char *fmt, ...)
{
    a->refused++;
    uint64_t held = 0;
    if (!vs_ratelimit_pass(&a->rl_refused, simclock_mono_ms(), &held))
        return;
    char line[400], more[48];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    VS_WARN("%s%s", line, vs_ratelimit_suffix(held, more, sizeof more));
}

/* "a/b" into buf[cap], cut to fit as snprintf's "%s/%s" would, at a
 * tenth of its cost (once per peer message). a and b are never NULL: an
 * unpacked proto3 string is "" when absent. */
static void s_join(char *buf, size_t cap, const char *a, const char *b)
{
    const char *parts[] = { a, "/", b };
    size_t n = 0;
    for (size_t i = 0; i < 3; i++) {
        size_t k = strnlen(parts[i], cap - 1 - n);
        memcpy(buf + n, parts[i], k);
        n += k;
    }
    buf[n] = '\0';
}

static const char *s_sender(const vs_env_t *env, char *buf, size_t len)
{
    if (!env->sender)
        snprintf(buf, len, "nobody");
    else if (env->sender->kind == VPCSIM__WIRE__PARTY_KIND__PARTY_AGENT)
        snprintf(buf, len, "agent %s/%s", env->sender->account, env->sender->region);
    else if (env->sender->kind == VPCSIM__WIRE__PARTY_KIND__PARTY_BROKER)
        snprintf(buf, len, "the broker");
    else
        snprintf(buf, len, "a client");
    return buf;
}

/* Welcome, Heartbeat, ClockTick and Undeliverable are the broker's words:
 * who sent them is the broker's stamp, never the body (issue 15). */
static bool s_from_broker(agent_t *a, const vs_env_t *env, const char *what)
{
    if (env->sender && env->sender->kind == VPCSIM__WIRE__PARTY_KIND__PARTY_BROKER)
        return true;
    char who[96];
    agent__refused(a, "%s from %s refused: only the broker sends it", what,
                   s_sender(env, who, sizeof who));
    return false;
}

/* A new peer message's payload into the model: 0, or -1 if refused. A
 * bundle whose parts carry their senders' causes (peer_bundle.h: the
 * sender held them past their inputs) is applied a part at a time, each
 * under its own cause and its effects drained under it, as if the parts
 * had come alone; any other payload in one go (the model applies a
 * bundle's parts in order) under the envelope's. */
typedef struct {
    agent_t *a;
    const vs_env_t *env;
    int rc;
} s_part_in_t;

static void s_apply_part(void *ctx, const uint8_t *part, size_t n, uint64_t tag)
{
    s_part_in_t *c = ctx;
    agent_t *a = c->a;
    if (tag || c->env->cause_id)
        a->ev_cause = tag ? tag : c->env->cause_id;
    if (vs_model_on_peer(a->model, c->env->sender->account, c->env->sender->region, part, n) < 0)
        c->rc = -1;
    a->turn_dirty = true;
    agent__drain_turn(a);
}

static int s_apply(agent_t *a, const vs_env_t *env)
{
    const uint8_t *p = env->peer->payload.data;
    size_t len = env->peer->payload.len;
    uint64_t first = 0;
    if (!env->peer->sealed && vs_bundle_tags(p, len, &first, 1) == 1) {
        s_part_in_t c = { a, env, 0 };
        if (vs_bundle_each(p, len, s_apply_part, &c) >= 0)
            return c.rc;
        /* Broken: the model refuses it whole, below. */
    }
    return vs_model_on_peer(a->model, env->sender->account, env->sender->region, p, len);
}

static void s_on_peer(agent_t *a, const vs_env_t *env)
{
    if (!env->sender || env->sender->kind != VPCSIM__WIRE__PARTY_KIND__PARTY_AGENT) {
        char who[96];
        agent__refused(a, "peer message from %s refused: not an agent", s_sender(env, who, sizeof who));
        return;
    }
    if (a->read_only)
        return;     /* not applied, not acknowledged: the sender resends later */
    /* Acks of our messages riding on this one (a copy below the floor or a
     * duplicate still brings them). */
    for (size_t i = 0; i < env->n_acks; i++)
        s_acked(a, env, env->acks[i]);
    char sender[64];
    s_join(sender, sizeof sender, env->sender->account, env->sender->region);
    /* The dedup record and the message's effects go into the batch's one
     * transaction together: durable alone, a kill -9 before the commit
     * would lose the effects and the sender's resend would be dropped as
     * seen. */
    /* Below the sender's acknowledgement floor: a late copy (say, one the
     * broker's fault injection delayed) of a message we applied and then
     * forgot. A duplicate, not a new message. */
    const Vpcsim__Wire__PeerMessage *pm = env->peer;
    uint64_t known = 0;
    bool stale = pm->epoch && store_floor_get(a->st, sender, pm->epoch, &known) == 0 &&
                 env->msg_id < known;
    if (stale)
        VS_DEBUG("peer message %" PRIu64 " from %s is below its floor %" PRIu64
                 ": a late copy, dropped", env->msg_id, sender, known);
    int seen = stale ? 1 : store_seen_check_and_add(a->st, sender, env->msg_id);
    /* The floor never passes the message carrying it (which is unacked). */
    uint64_t floor = pm->ack_floor < env->msg_id ? pm->ack_floor : env->msg_id;
    /* A failed prune only costs space (the error is logged). */
    if (seen >= 0 && pm->epoch && floor > known)
        store_floor_note(a->st, sender, pm->epoch, floor);   /* written at commit */
    if (seen >= 0) {
        agent_ev__peer_recv(a, env, seen == 1);
        a->stats.peer_rx++;
        a->stats.peer_dup += seen == 1;
    }
    if (seen == 0) {
        /* The model judges the sender against the connection it holds;
         * a refusal is acknowledged all the same (a resend would be
         * refused again), and counted. */
        if (s_apply(a, env) < 0)
            agent__refused(a, "peer message %" PRIu64 " from agent %s refused: not about a "
                           "connection it is a side of, or not understood", env->msg_id, sender);
        a->turn_dirty = true;
    }
    if (seen >= 0)
        agent__send_ack(a, env, seen == 1);   /* queued: sent after the turn's commit */
}

static void s_on_ack(agent_t *a, const vs_env_t *env)
{
    /* Read-only: the outbox keeps the message; its resend is acked again. */
    if (a->read_only)
        return;
    if (!env->sender || env->sender->kind != VPCSIM__WIRE__PARTY_KIND__PARTY_AGENT) {
        char who[96];
        agent__refused(a, "ack from %s refused: not an agent", s_sender(env, who, sizeof who));
        return;
    }
    s_acked(a, env, env->ack->acked_msg_id);
    for (size_t i = 0; i < env->ack->n_more_acked; i++)
        s_acked(a, env, env->ack->more_acked[i]);
}

static void s_adopt_time(agent_t *a, uint64_t sim_ms, double speed)
{
    if (sim_ms > VS_TIME_CLOCK_MAX_MS) {
        /* Even from the broker: past this no timestamp can be printed. */
        agent__refused(a, "simulated time %" PRIu64 " ms from the broker is past the last time "
                       "vpcsim can show; not adopted", sim_ms);
        return;
    }
    uint64_t before = simclock_now(&a->sclock);
    simclock_adopt(&a->sclock, sim_ms, speed > 0 ? speed : a->sclock.speed);
    if (simclock_now(&a->sclock) > before + 5 && !a->read_only) {
        /* Time jumped (advance-clock): timers may be due now. */
        vs_model_tick(a->model);
        a->turn_dirty = true;
        a->clock_jumped = true;
    }
}

static void s_dispatch(agent_t *a, vs_env_t *env)
{
    switch (env->body_case) {
    case VPCSIM__WIRE__ENVELOPE__BODY_WELCOME:
    case VPCSIM__WIRE__ENVELOPE__BODY_HEARTBEAT:
    case VPCSIM__WIRE__ENVELOPE__BODY_CLOCK_TICK:
    case VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE:
        if (!s_from_broker(a, env, env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE
                                       ? "undeliverable" : "broker message"))
            return;
        break;
    default:
        break;
    }
    switch (env->body_case) {
    case VPCSIM__WIRE__ENVELOPE__BODY_WELCOME:
        if (!env->welcome->ok) {
            /* Hellos go on every tick; a refusal that lasts past the
             * broker's liveness timeout is final (a live agent owns this
             * account and Region, or our key is not for it). The grace
             * lets a restart right after a kill -9 win over the dead
             * connection the broker has not noticed yet. */
            uint64_t mono = simclock_mono_ms();
            if (!a->refused_since_mono) {
                a->refused_since_mono = mono;
                VS_ERROR("the broker refused registration: %s", env->welcome->error);
            } else if (mono - a->refused_since_mono >= AGENT_REFUSED_GIVEUP_MS) {
                VS_ERROR("the broker still refuses registration after %d s: %s; exiting",
                         AGENT_REFUSED_GIVEUP_MS / 1000, env->welcome->error);
                a->exit_code = 1;
                uv_stop(&a->loop);
            }
            return;
        }
        if (a->refused_since_mono)
            VS_INFO("registration accepted after an earlier refusal");
        a->refused_since_mono = 0;
        if (!a->registered)
            VS_INFO("registered with the broker at %s", a->cfg->broker);
        a->registered = true;
        s_adopt_time(a, env->welcome->sim_time_ms, env->welcome->speed);
        /* Whatever was in flight when we lost the broker goes out again now. */
        vs_outbox_reset_backoff(a->outq);
        break;
    case VPCSIM__WIRE__ENVELOPE__BODY_HEARTBEAT:
        if (env->heartbeat->resync) {
            a->registered = false;
            agent__send_hello(a);
            return;
        }
        s_adopt_time(a, env->heartbeat->sim_time_ms, 0);
        break;
    case VPCSIM__WIRE__ENVELOPE__BODY_CLOCK_TICK:
        s_adopt_time(a, env->clock_tick->sim_time_ms, env->clock_tick->speed);
        break;
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST:
        s_on_api_request(a, env);
        break;
    case VPCSIM__WIRE__ENVELOPE__BODY_PEER:
        s_on_peer(a, env);
        break;
    case VPCSIM__WIRE__ENVELOPE__BODY_ACK:
        s_on_ack(a, env);
        break;
    case VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE: {
        const Vpcsim__Wire__Undeliverable *u = env->undeliverable;
        if (!a->read_only && vs_outbox_contains(a->outq, u->in_reply_to)) {
            agent_ev__undeliverable(a, env);
            bool gone = u->reason == VPCSIM__WIRE__UNDELIVERABLE_REASON__NO_SUCH_AGENT;
            if (gone) {
                /* Nobody owns that address: stop resending (the model
                 * decides what that means, e.g. a request fails). An
                 * offline agent, by contrast, gets the message when back. */
                vs_outbox_ack(a->outq, u->in_reply_to);
                store_outbox_delete(a->st, u->in_reply_to);
            }
            vs_model_on_undeliverable(a->model, u->in_reply_to, gone);
            a->turn_dirty = true;
        }
        break;
    }
    default:
        VS_DEBUG("ignoring message of kind %d", (int)env->body_case);
        break;
    }
}

void agent__on_readable(vs_zloop_sock_t *w, void *zsock, void *data)
{
    agent_t *a = data;
    uint64_t t0 = simclock_mono_us();
    /* Group commit: one transaction for the whole batch. Every message's
     * effects, its dedup record and the outbox rows it produced commit
     * together (the per-message begin/commit pairs inside nest into this
     * one), and nothing of the batch is sent before that commit. */
    if (!a->read_only && store_begin(a->st) != 0) {
        agent__store_failed(a);
        return;
    }
    int handled = 0;
    /* Each frame's tree lives here until the next frame (no malloc for an
     * ordinary one); vs_wire_free_in empties it between frames. */
    _Alignas(16) uint8_t space[AGENT_RX_ARENA_BYTES];
    vs_arena_t arena = VS_ARENA_INIT(space);
    for (int i = 0; i < AGENT_BATCH; i++) {
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, zsock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&msg);
            break;
        }
        char err[160];
        vs_env_t *env = vs_wire_decode_in(&arena, zmq_msg_data(&msg), zmq_msg_size(&msg), err,
                                           sizeof err);
        zmq_msg_close(&msg);
        if (!env) {
            VS_WARN("malformed message from the broker: %s", err);
            continue;
        }
        a->last_rx_mono = simclock_mono_ms();
        a->ev_cause = 0;
        handled++;
        /* One instant for the message: its changes, events and timers. */
        simclock_hold(&a->sclock);
        s_dispatch(a, env);
        /* Drain this message's outputs now, under its causality id, so
         * that the messages and changes it caused are filed under it. */
        if (a->turn_dirty)
            agent__drain_turn(a);
        simclock_release(&a->sclock);
        vs_wire_free_in(&env, &arena);
    }
    uint64_t t1 = simclock_mono_us();
    agent__finish_turn(a);
    agent__turn_stats(a, handled, t1 - t0, simclock_mono_us() - t1);
}
