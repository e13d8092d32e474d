#include "agent.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <uv.h>
#include <zmq.h>

#include "ids.h"
#include "json.h"
#include "log.h"
#include "model.h"
#include "outbox.h"
#include "simclock.h"
#include "store.h"
#include "wire.h"
#include "zloop.h"

#define AGENT_BATCH        256      /* messages per zloop callback */
#define AGENT_PENDING_CAP  16384    /* in-flight API calls */
#define AGENT_BROKER_SILENT_MS 3000 /* no word from the broker: re-register */
#define AGENT_TICK_MS      200      /* registration retry / heartbeat check */

/* An API call waiting for its reply: where to send it. */
typedef struct pending {
    uint64_t token;
    uint64_t in_reply_to;
    size_t route_len;
    uint8_t route[VS_WIRE_MAX_ROUTE];
} pending_t;

/* An encoded frame to send once the turn has committed. */
typedef struct frame {
    uint8_t *buf;
    size_t len;
} frame_t;

typedef struct agent {
    const agent_config_t *cfg;
    const char *partition;
    uv_loop_t loop;
    uv_signal_t sigterm, sigint;
    uv_timer_t hb_timer, model_timer, retry_timer;
    void *zctx, *dealer;
    vs_zloop_sock_t *zw;
    store_t *st;
    vs_model_t *model;
    vs_rng_t rng;
    simclock_t sclock;
    vs_clock_t clock;
    vs_outbox_t *outq;

    bool registered;
    uint64_t last_rx_mono;        /* last message from the broker */
    uint64_t last_hello_mono;
    uint64_t last_hb_mono;
    uint64_t next_msg_id;
    uint64_t next_token;
    bool turn_dirty;              /* something may have changed this turn */
    bool loop_ok;                 /* the uv loop was initialised */
    int exit_code;

    pending_t *pending[AGENT_PENDING_CAP];
    frame_t *sendq;
    size_t sendq_len, sendq_cap;
} agent_t;

/* ------------------------------------------------------------------ */
/* sending                                                             */

static uint64_t s_msg_id(agent_t *a) { return a->next_msg_id++; }

static void s_env_init(agent_t *a, vs_env_t *env)
{
    vpcsim__wire__envelope__init(env);
    env->msg_id = s_msg_id(a);
    env->sim_time_ms = simclock_now(&a->sclock);
}

/* Sends now (for liveness traffic that needs no durability). */
static void s_send_now(agent_t *a, const vs_env_t *env)
{
    if (vs_wire_send(a->dealer, env, ZMQ_DONTWAIT) != 0 && errno != EAGAIN)
        VS_DEBUG("send failed: %s", zmq_strerror(errno));
}

/* Queues an encoded envelope until the end of the turn's commit. */
static void s_queue(agent_t *a, const vs_env_t *env)
{
    frame_t f;
    if (vs_wire_encode(env, &f.buf, &f.len) != 0) {
        VS_ERROR("cannot encode an outgoing message (too large?)");
        return;
    }
    if (a->sendq_len == a->sendq_cap) {
        size_t cap = a->sendq_cap ? a->sendq_cap * 2 : 64;
        frame_t *q = realloc(a->sendq, cap * sizeof *q);
        if (!q) {
            free(f.buf);
            VS_ERROR("out of memory queueing a message");
            return;
        }
        a->sendq = q;
        a->sendq_cap = cap;
    }
    a->sendq[a->sendq_len++] = f;
}

static void s_flush_sendq(agent_t *a)
{
    for (size_t i = 0; i < a->sendq_len; i++) {
        if (zmq_send(a->dealer, a->sendq[i].buf, a->sendq[i].len, ZMQ_DONTWAIT) < 0 &&
            errno != EAGAIN)
            VS_DEBUG("send failed: %s", zmq_strerror(errno));
        free(a->sendq[i].buf);
    }
    a->sendq_len = 0;
}

/* The model lends each ARN only for the duration of the callback. */
static void s_collect_arn(void *ctx, const char *arn)
{
    Vpcsim__Wire__Hello *h = ctx;
    char *copy = strdup(arn);
    if (copy)
        h->vpc_arns[h->n_vpc_arns++] = copy;
}

static void s_send_hello(agent_t *a)
{
    Vpcsim__Wire__Hello hello = VPCSIM__WIRE__HELLO__INIT;
    hello.account = (char *)a->cfg->account;
    hello.region = (char *)a->cfg->region;
    hello.partition = (char *)a->partition;
    hello.sim_time_ms = simclock_now(&a->sclock);
    hello.pid = (uint32_t)getpid();
    size_t n = vs_model_vpc_count(a->model);
    hello.vpc_arns = n ? calloc(n, sizeof(char *)) : NULL;
    if (n && !hello.vpc_arns)
        return;
    vs_model_each_vpc_arn(a->model, s_collect_arn, &hello);
    vs_env_t env;
    s_env_init(a, &env);
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_HELLO;
    env.hello = &hello;
    s_send_now(a, &env);
    for (size_t i = 0; i < hello.n_vpc_arns; i++)
        free(hello.vpc_arns[i]);
    free(hello.vpc_arns);
    a->last_hello_mono = simclock_mono_ms();
    VS_DEBUG("hello sent (%zu VPCs)", n);
}

/* ------------------------------------------------------------------ */
/* pending API calls                                                    */

static uint64_t s_pending_add(agent_t *a, const vs_env_t *req)
{
    uint64_t token = ++a->next_token;
    pending_t **slot = &a->pending[token % AGENT_PENDING_CAP];
    if (*slot) {
        /* A call so old that 16k newer ones arrived since: its client gave up. */
        VS_WARN("dropping the reply slot of a very old call");
        free(*slot);
    }
    pending_t *p = calloc(1, sizeof *p);
    if (!p)
        return 0;
    p->token = token;
    p->in_reply_to = req->msg_id;
    if (req->sender && req->sender->route.len <= sizeof p->route) {
        p->route_len = req->sender->route.len;
        memcpy(p->route, req->sender->route.data, p->route_len);
    }
    *slot = p;
    return token;
}

static pending_t *s_pending_take(agent_t *a, uint64_t token)
{
    pending_t **slot = &a->pending[token % AGENT_PENDING_CAP];
    pending_t *p = *slot;
    if (!p || p->token != token)
        return NULL;
    *slot = NULL;
    return p;
}

static void s_reply(agent_t *a, uint64_t in_reply_to, const uint8_t *route, size_t route_len,
                    bool ok, const char *output, const char *code, const char *message)
{
    Vpcsim__Wire__ApiReply r = VPCSIM__WIRE__API_REPLY__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    r.in_reply_to = in_reply_to;
    r.ok = ok;
    r.output_json = (char *)(output ? output : "");
    r.error_code = (char *)(code ? code : "");
    r.error_message = (char *)(message ? message : "");
    to.client_route.data = (uint8_t *)route;
    to.client_route.len = route_len;
    vs_env_t env;
    s_env_init(a, &env);
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY;
    env.api_reply = &r;
    s_queue(a, &env);
}

static void s_send_peer(agent_t *a, const store_outmsg_t *m);

/* ------------------------------------------------------------------ */
/* the turn: persist, then send                                          */

static void s_persist(void *ctx, const char *id, const char *doc)
{
    agent_t *a = ctx;
    if (doc)
        store_put_object(a->st, id, doc);
    else
        store_delete_object(a->st, id);
}

static void s_emit(void *ctx, const vs_out_t *o)
{
    agent_t *a = ctx;
    switch (o->kind) {
    case VS_OUT_REPLY: {
        pending_t *p = s_pending_take(a, o->token);
        if (!p) {
            VS_WARN("reply for unknown call %" PRIu64, o->token);
            return;
        }
        if (o->ok)
            s_reply(a, p->in_reply_to, p->route, p->route_len, true, o->output_json, NULL, NULL);
        else
            s_reply(a, p->in_reply_to, p->route, p->route_len, false, NULL, o->err->code,
                    o->err->message);
        free(p);
        break;
    }
    case VS_OUT_PEER: {
        store_outmsg_t m = {
            .msg_id = o->msg_id, .to_vpc_arn = o->to_vpc_arn, .to_account = o->to_account,
            .to_region = o->to_region, .payload = o->payload, .payload_len = o->payload_len,
            .sealed = o->sealed,
        };
        /* Durable in this turn's transaction, sent right after it commits,
         * resent from the outbox until the receiver acknowledges it. */
        if (store_outbox_put(a->st, &m) == 0 && vs_outbox_add(a->outq, &m, simclock_mono_ms()) == 0)
            s_send_peer(a, &m);
        break;
    }
    case VS_OUT_VPC_ADDED:
    case VS_OUT_VPC_REMOVED: {
        Vpcsim__Wire__VpcUpdate u = VPCSIM__WIRE__VPC_UPDATE__INIT;
        char *arn = (char *)o->vpc_arn;
        if (o->kind == VS_OUT_VPC_ADDED) {
            u.n_added = 1;
            u.added = &arn;
        } else {
            u.n_removed = 1;
            u.removed = &arn;
        }
        vs_env_t env;
        s_env_init(a, &env);
        env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_VPC_UPDATE;
        env.vpc_update = &u;
        s_queue(a, &env);
        break;
    }
    }
}

static void s_arm_model_timer(agent_t *a);

/* Writes the model's changes, its new outbox messages and the simulated
 * time into the open transaction, and queues the replies and messages; they
 * are sent only after that transaction has committed. */
static void s_write_turn(agent_t *a)
{
    vs_model_flush(a->model, s_persist, a);
    vs_model_drain(a->model, s_emit, a);
    char now[32];
    snprintf(now, sizeof now, "%" PRIu64, simclock_now(&a->sclock));
    store_meta_set(a->st, "sim_time_ms", now);
}

static void s_store_failed(agent_t *a)
{
    /* Without a working store we can promise nothing: stop, and let the
     * restart recover from the last committed state. */
    VS_ERROR("cannot commit to the store; stopping");
    a->exit_code = 1;
    uv_stop(&a->loop);
}

/* Ends a turn: one transaction for all changes, then the sends. */
static void s_commit_turn(agent_t *a)
{
    if (!a->turn_dirty && a->sendq_len == 0)
        return;
    if (a->turn_dirty) {
        if (store_begin(a->st) != 0) {
            s_store_failed(a);
            return;
        }
        s_write_turn(a);
        if (store_commit(a->st) != 0) {
            s_store_failed(a);
            return;
        }
        a->turn_dirty = false;
    }
    s_flush_sendq(a);
    s_arm_model_timer(a);
}

/* ------------------------------------------------------------------ */
/* timers                                                                */

static void s_model_timer_cb(uv_timer_t *t)
{
    agent_t *a = t->data;
    vs_model_tick(a->model);
    a->turn_dirty = true;
    s_commit_turn(a);
}

static void s_arm_model_timer(agent_t *a)
{
    uint64_t due = vs_model_next_deadline(a->model);
    if (due == UINT64_MAX) {
        uv_timer_stop(&a->model_timer);
        return;
    }
    uv_timer_start(&a->model_timer, s_model_timer_cb, simclock_real_delay(&a->sclock, due), 0);
}

static void s_send_peer(agent_t *a, const store_outmsg_t *m)
{
    Vpcsim__Wire__PeerMessage pm = VPCSIM__WIRE__PEER_MESSAGE__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    pm.payload.data = (uint8_t *)m->payload;
    pm.payload.len = m->payload_len;
    pm.sealed = m->sealed;
    to.vpc_arn = (char *)(m->to_vpc_arn ? m->to_vpc_arn : "");
    to.account = (char *)(m->to_account ? m->to_account : "");
    to.region = (char *)(m->to_region ? m->to_region : "");
    vs_env_t env;
    vpcsim__wire__envelope__init(&env);
    env.msg_id = m->msg_id;     /* the model's id: the receiver dedups on it */
    env.sim_time_ms = simclock_now(&a->sclock);
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_PEER;
    env.peer = &pm;
    s_queue(a, &env);
}

static void s_resend_cb(void *ctx, const store_outmsg_t *m)
{
    s_send_peer(ctx, m);
}

static void s_retry_timer_cb(uv_timer_t *t)
{
    agent_t *a = t->data;
    if (a->registered)
        vs_outbox_each_due(a->outq, simclock_mono_ms(), s_resend_cb, a);
    s_flush_sendq(a);
}

/* Runs every AGENT_TICK_MS: until the broker welcomes us, a Hello each
 * tick (a restarted agent must take over its registration quickly); then a
 * heartbeat every heartbeat interval. */
static void s_hb_timer_cb(uv_timer_t *t)
{
    agent_t *a = t->data;
    uint64_t mono = simclock_mono_ms();
    if (a->registered && mono - a->last_rx_mono > AGENT_BROKER_SILENT_MS) {
        VS_WARN("no word from the broker for %" PRIu64 " ms; registering again",
                mono - a->last_rx_mono);
        a->registered = false;
    }
    if (!a->registered) {
        s_send_hello(a);
        return;
    }
    int hb = a->cfg->heartbeat_ms > 0 ? a->cfg->heartbeat_ms : 1000;
    if (mono - a->last_hb_mono < (uint64_t)hb)
        return;
    a->last_hb_mono = mono;
    Vpcsim__Wire__Heartbeat beat = VPCSIM__WIRE__HEARTBEAT__INIT;
    beat.sim_time_ms = simclock_now(&a->sclock);
    vs_env_t env;
    s_env_init(a, &env);
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_HEARTBEAT;
    env.heartbeat = &beat;
    s_send_now(a, &env);
}

/* ------------------------------------------------------------------ */
/* receiving                                                             */

static void s_on_api_request(agent_t *a, const vs_env_t *env)
{
    const Vpcsim__Wire__ApiRequest *rq = env->api_request;
    const uint8_t *route = env->sender ? env->sender->route.data : NULL;
    size_t route_len = env->sender ? env->sender->route.len : 0;
    if (strcmp(rq->account, a->cfg->account) != 0 || strcmp(rq->region, a->cfg->region) != 0) {
        /* The broker routed by (account, Region); a mismatch is a client bug. */
        s_reply(a, env->msg_id, route, route_len, false, NULL, "AuthFailure",
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
        s_reply(a, env->msg_id, route, route_len, false, NULL, "InvalidParameterValue", msg);
        vs_json_free(&input);
        return;
    }
    uint64_t token = s_pending_add(a, env);
    if (!token) {
        vs_json_free(&input);
        return;
    }
    vs_model_submit(a->model, token, rq->account, rq->action, input);
    vs_json_free(&input);
    a->turn_dirty = true;
}

static void s_send_ack(agent_t *a, const vs_env_t *env)
{
    Vpcsim__Wire__Ack ack = VPCSIM__WIRE__ACK__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    ack.acked_msg_id = env->msg_id;
    to.account = env->sender->account;
    to.region = env->sender->region;
    vs_env_t out;
    s_env_init(a, &out);
    out.to = &to;
    out.body_case = VPCSIM__WIRE__ENVELOPE__BODY_ACK;
    out.ack = &ack;
    s_queue(a, &out);
}

static void s_on_peer(agent_t *a, const vs_env_t *env)
{
    if (!env->sender || env->sender->kind != VPCSIM__WIRE__PARTY_KIND__PARTY_AGENT) {
        VS_WARN("peer message not from an agent; ignored");
        return;
    }
    char sender[64];
    snprintf(sender, sizeof sender, "%s/%s", env->sender->account, env->sender->region);
    if (store_begin(a->st) != 0)
        return;
    int seen = store_seen_check_and_add(a->st, sender, env->msg_id);
    if (seen == 0) {
        vs_model_on_peer(a->model, env->sender->account, env->sender->region,
                         env->peer->payload.data, env->peer->payload.len);
        /* The dedup record must commit together with the message's effects:
         * durable alone, a kill -9 before the turn's commit would lose the
         * effects, and the sender's resend would then be dropped as seen. */
        s_write_turn(a);
    }
    if (store_commit(a->st) != 0) {
        s_store_failed(a);
        return;
    }
    if (seen >= 0)
        s_send_ack(a, env);   /* queued: sent after the turn's commit */
}

static void s_on_ack(agent_t *a, const vs_env_t *env)
{
    if (vs_outbox_ack(a->outq, env->ack->acked_msg_id)) {
        store_begin(a->st);
        store_outbox_delete(a->st, env->ack->acked_msg_id);
        store_commit(a->st);
        a->turn_dirty = true;
    }
}

static void s_adopt_time(agent_t *a, uint64_t sim_ms, double speed)
{
    uint64_t before = simclock_now(&a->sclock);
    simclock_adopt(&a->sclock, sim_ms, speed > 0 ? speed : a->sclock.speed);
    if (simclock_now(&a->sclock) > before + 5) {
        /* Time jumped (advance-clock): timers may be due now. */
        vs_model_tick(a->model);
        a->turn_dirty = true;
    }
}

static void s_dispatch(agent_t *a, vs_env_t *env)
{
    switch (env->body_case) {
    case VPCSIM__WIRE__ENVELOPE__BODY_WELCOME:
        if (!env->welcome->ok) {
            VS_ERROR("the broker refused registration: %s", env->welcome->error);
            return;
        }
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
            s_send_hello(a);
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
        if (vs_outbox_contains(a->outq, u->in_reply_to)) {
            bool gone = u->reason == VPCSIM__WIRE__UNDELIVERABLE_REASON__NO_SUCH_AGENT;
            if (gone) {
                /* Nobody owns that address: stop resending (the model
                 * decides what that means, e.g. a request fails). An
                 * offline agent, by contrast, gets the message when back. */
                vs_outbox_ack(a->outq, u->in_reply_to);
                store_begin(a->st);
                store_outbox_delete(a->st, u->in_reply_to);
                store_commit(a->st);
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

static void s_on_readable(vs_zloop_sock_t *w, void *zsock, void *data)
{
    agent_t *a = data;
    /* Group commit: one transaction for the whole batch. Every message's
     * effects, its dedup record and the outbox rows it produced commit
     * together (the per-message begin/commit pairs inside nest into this
     * one), and nothing of the batch is sent before that commit. */
    if (store_begin(a->st) != 0) {
        s_store_failed(a);
        return;
    }
    for (int i = 0; i < AGENT_BATCH; i++) {
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, zsock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&msg);
            break;
        }
        char err[160];
        vs_env_t *env = vs_wire_decode(zmq_msg_data(&msg), zmq_msg_size(&msg), err, sizeof err);
        zmq_msg_close(&msg);
        if (!env) {
            VS_WARN("malformed message from the broker: %s", err);
            continue;
        }
        a->last_rx_mono = simclock_mono_ms();
        s_dispatch(a, env);
        vs_wire_free(&env);
    }
    if (a->turn_dirty)
        s_write_turn(a);
    if (store_commit(a->st) != 0) {
        s_store_failed(a);
        return;
    }
    a->turn_dirty = false;
    s_flush_sendq(a);
    s_arm_model_timer(a);
}

/* ------------------------------------------------------------------ */
/* start-up and shut-down                                                */

static void s_load_object(void *ctx, const char *id, const char *doc)
{
    agent_t *a = ctx;
    if (vs_model_load(a->model, id, doc) != 0)
        VS_WARN("skipping unreadable stored object %s", id);
}

static void s_load_outmsg(void *ctx, const store_outmsg_t *m)
{
    agent_t *a = ctx;
    vs_outbox_add(a->outq, m, 0);
}

static void s_on_signal(uv_signal_t *s, int signum)
{
    agent_t *a = s->data;
    VS_INFO("signal %d: stopping", signum);
    uv_stop(&a->loop);
}

/* Binds this data dir to one (account, Region) forever. */
static int s_check_identity(agent_t *a)
{
    char acct[32] = "", region[64] = "";
    int ra = store_meta_get(a->st, "account", acct, sizeof acct);
    int rr = store_meta_get(a->st, "region", region, sizeof region);
    if (ra == 1 && rr == 1) {
        store_begin(a->st);
        store_meta_set(a->st, "account", a->cfg->account);
        store_meta_set(a->st, "region", a->cfg->region);
        return store_commit(a->st);
    }
    if (ra != 0 || rr != 0)
        return -1;
    if (strcmp(acct, a->cfg->account) != 0 || strcmp(region, a->cfg->region) != 0) {
        fprintf(stderr, "vpcsim-agent: data dir %s belongs to account %s in %s, not %s in %s\n",
                a->cfg->data_dir, acct, region, a->cfg->account, a->cfg->region);
        return -2;
    }
    return 0;
}

static uint64_t s_random64(void)
{
    uint64_t v = 0;
    if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v)
        v = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull ^ simclock_mono_ms();
    return v;
}

static int s_setup(agent_t *a)
{
    char err[512];
    a->st = store_open(a->cfg->data_dir, err, sizeof err);
    if (!a->st) {
        fprintf(stderr, "vpcsim-agent: %s\n", err);
        return 2;
    }
    int idr = s_check_identity(a);
    if (idr != 0)
        return idr == -2 ? 2 : 1;

    simclock_init(&a->sclock);
    char buf[64];
    if (store_meta_get(a->st, "sim_time_ms", buf, sizeof buf) == 0)
        simclock_adopt(&a->sclock, strtoull(buf, NULL, 10), 1.0);
    a->clock = simclock_as_clock(&a->sclock);
    vs_rng_seed(&a->rng, s_random64());
    /* Message ids must never repeat for this agent, across restarts: start
     * from a random 62-bit point; the receiver's dedup is per sender. */
    a->next_msg_id = (s_random64() >> 2) | 1;

    vs_model_config_t mc = {
        .account = a->cfg->account, .region = a->cfg->region, .clock = &a->clock,
        .rng = &a->rng, .max_active_pcx_per_vpc = a->cfg->max_active_pcx_per_vpc,
        .max_outstanding_pcx = a->cfg->max_outstanding_pcx,
        .modern_rules = a->cfg->modern_rules, .cascade_vpc_delete = a->cfg->cascade_vpc_delete,
    };
    a->model = vs_model_new(&mc);
    if (!a->model) {
        VS_ERROR("cannot create the model");
        return 1;
    }
    if (store_each_object(a->st, s_load_object, a) != 0)
        return 1;
    a->outq = vs_outbox_new(200, 8000);
    if (!a->outq || store_outbox_each(a->st, s_load_outmsg, a) != 0)
        return 1;
    VS_INFO("loaded %zu VPCs and %zu unacknowledged messages from %s",
            vs_model_vpc_count(a->model), vs_outbox_len(a->outq), a->cfg->data_dir);
    /* Changes made while loading (none expected) are already on disk. */
    vs_model_flush(a->model, s_persist, a);

    if (uv_loop_init(&a->loop) != 0)
        return 1;
    a->loop_ok = true;
    a->zctx = zmq_ctx_new();
    a->dealer = a->zctx ? zmq_socket(a->zctx, ZMQ_DEALER) : NULL;
    if (!a->dealer) {
        VS_ERROR("cannot create a ZeroMQ socket: %s", zmq_strerror(errno));
        return 1;
    }
    int zero = 0, one = 1, hwm = 100000, ivl = 200, ivl_max = 2000;
    int64_t maxmsg = VS_WIRE_MAX_FRAME;
    zmq_setsockopt(a->dealer, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(a->dealer, ZMQ_IMMEDIATE, &one, sizeof one);
    zmq_setsockopt(a->dealer, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(a->dealer, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(a->dealer, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl);
    zmq_setsockopt(a->dealer, ZMQ_RECONNECT_IVL_MAX, &ivl_max, sizeof ivl_max);
    zmq_setsockopt(a->dealer, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
    if (zmq_connect(a->dealer, a->cfg->broker) != 0) {
        fprintf(stderr, "vpcsim-agent: cannot use broker endpoint %s: %s\n", a->cfg->broker,
                zmq_strerror(errno));
        return 2;
    }
    a->zw = vs_zloop_sock_new(&a->loop, a->dealer, s_on_readable, a);
    if (!a->zw)
        return 1;
    uv_timer_init(&a->loop, &a->hb_timer);
    uv_timer_init(&a->loop, &a->model_timer);
    uv_timer_init(&a->loop, &a->retry_timer);
    uv_signal_init(&a->loop, &a->sigterm);
    uv_signal_init(&a->loop, &a->sigint);
    a->hb_timer.data = a->model_timer.data = a->retry_timer.data = a;
    a->sigterm.data = a->sigint.data = a;
    uv_timer_start(&a->hb_timer, s_hb_timer_cb, 0, AGENT_TICK_MS);
    uv_timer_start(&a->retry_timer, s_retry_timer_cb, 100, 100);
    uv_signal_start(&a->sigterm, s_on_signal, SIGTERM);
    uv_signal_start(&a->sigint, s_on_signal, SIGINT);
    s_arm_model_timer(a);
    return 0;
}

static void s_close_cb(uv_handle_t *h) { (void)h; }

static void s_walk_close(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, s_close_cb);
}

static void s_teardown(agent_t *a)
{
    if (a->zw)
        vs_zloop_sock_close(&a->zw, NULL);
    if (a->loop_ok) {
        uv_walk(&a->loop, s_walk_close, NULL);
        uv_run(&a->loop, UV_RUN_DEFAULT);
        uv_loop_close(&a->loop);
    }
    if (a->dealer)
        zmq_close(a->dealer);
    if (a->zctx)
        zmq_ctx_term(a->zctx);
    for (size_t i = 0; i < a->sendq_len; i++)
        free(a->sendq[i].buf);
    free(a->sendq);
    for (size_t i = 0; i < AGENT_PENDING_CAP; i++)
        free(a->pending[i]);
    vs_outbox_destroy(&a->outq);
    vs_model_destroy(&a->model);
    store_close(&a->st);
}

int agent_run(const agent_config_t *cfg)
{
    agent_t *a = calloc(1, sizeof *a);
    if (!a)
        return 1;
    a->cfg = cfg;
    a->partition = vs_region_partition(cfg->region);
    int rc = s_setup(a);
    if (rc == 0) {
        VS_INFO("agent for account %s in %s (%s) started; broker %s", cfg->account, cfg->region,
                a->partition, cfg->broker);
        uv_run(&a->loop, UV_RUN_DEFAULT);
        rc = a->exit_code;
        VS_INFO("stopped");
    }
    s_teardown(a);
    free(a);
    return rc;
}
