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

#include "agent_priv.h"
#include "keys.h"
#include "ids.h"
#include "log.h"
#include "service.h"
#include "store_ident.h"
#include "timebound.h"

/* ------------------------------------------------------------------ */
/* the turn: persist, then send                                          */

void agent__persist(void *ctx, const char *id, const char *doc)
{
    agent_t *a = ctx;
    agent_ev__persist(a, id, doc);
    if (doc)
        store_put_object(a->st, id, doc);
    else
        store_delete_object(a->st, id);
}

void agent__emit(void *ctx, const vs_out_t *o)
{
    agent_t *a = ctx;
    switch (o->kind) {
    case VS_OUT_REPLY: {
        pending_t *p = agent__pending_take(a, o->token);
        if (!p) {
            VS_WARN("reply for unknown call %" PRIu64, o->token);
            return;
        }
        agent_ev__api_reply(a, p->in_reply_to, o);
        if (o->ok)
            agent__reply(a, p->in_reply_to, p->route, p->route_len, true, o->output_json, NULL, NULL);
        else
            agent__reply(a, p->in_reply_to, p->route, p->route_len, false, NULL, o->err->code,
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
        if (store_outbox_put(a->st, &m) == 0 && vs_outbox_add(a->outq, &m, simclock_mono_ms()) == 0) {
            agent_ev__peer_sent(a, &m, false);
            agent__send_peer(a, &m);
        }
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
        agent__env_init(a, &env);
        env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_VPC_UPDATE;
        env.vpc_update = &u;
        agent__queue(a, &env);
        break;
    }
    }
}


/* Writes the model's changes, its new outbox messages and the simulated
 * time into the open transaction, and queues the replies and messages; they
 * are sent only after that transaction has committed. */
void agent__drain_turn(agent_t *a)
{
    vs_model_flush(a->model, agent__persist, a);
    vs_model_drain(a->model, agent__emit, a);
}

void agent__write_turn(agent_t *a)
{
    agent__drain_turn(a);
    char now[32];
    snprintf(now, sizeof now, "%" PRIu64, simclock_now(&a->sclock));
    store_meta_set(a->st, "sim_time_ms", now);
}

void agent__store_failed(agent_t *a)
{
    /* A full disk is not the end: the agent goes read-only and comes back
     * by itself (agent_full.c). Any other failure of the store means we can
     * promise nothing: stop, and let the restart recover from the last
     * committed state. */
    if (store_full(a->st)) {
        agent__ro_enter(a);
        return;
    }
    VS_ERROR("cannot commit to the store; stopping");
    a->exit_code = 1;
    uv_stop(&a->loop);
}

/* Ends a turn: one transaction for all changes, then the sends. */
void agent__commit_turn(agent_t *a)
{
    if (!a->turn_dirty && a->sendq_len == 0)
        return;
    if (a->read_only) {
        agent__ro_finish_turn(a);
        return;
    }
    if (store_begin(a->st) != 0) {
        agent__store_failed(a);
        return;
    }
    agent__finish_turn(a);
}

void agent__finish_turn(agent_t *a)
{
    if (a->read_only) {
        agent__ro_finish_turn(a);
        return;
    }
    if (a->turn_dirty)
        agent__write_turn(a);
    agent_ev__end_turn(a);   /* prunes the log inside this transaction */
    if (store_commit(a->st) != 0) {
        agent__store_failed(a);
        return;
    }
    a->turn_dirty = false;
    agent__flush_sendq(a);
    agent__arm_model_timer(a);
}

/* ------------------------------------------------------------------ */
/* timers                                                                */

static void s_model_timer_cb(uv_timer_t *t)
{
    agent_t *a = t->data;
    a->ev_cause = 0;   /* a turn of its own: a fresh causality id */
    if (a->read_only)
        return;     /* transitions wait for the disk; the reload re-arms */
    vs_model_tick(a->model);
    a->turn_dirty = true;
    agent__commit_turn(a);
}

void agent__arm_model_timer(agent_t *a)
{
    uint64_t due = vs_model_next_deadline(a->model);
    if (due == UINT64_MAX) {
        uv_timer_stop(&a->model_timer);
        return;
    }
    uv_timer_start(&a->model_timer, s_model_timer_cb, simclock_real_delay(&a->sclock, due), 0);
}

void agent__send_peer(agent_t *a, const store_outmsg_t *m)
{
    Vpcsim__Wire__PeerMessage pm = VPCSIM__WIRE__PEER_MESSAGE__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    pm.payload.data = (uint8_t *)m->payload;
    pm.payload.len = m->payload_len;
    pm.sealed = m->sealed;
    /* Every id below the oldest unacknowledged message is done with: the
     * receiver may forget those in its dedup table. The message itself is
     * in the outbox, so the floor never passes it. */
    uint64_t floor = vs_outbox_min_id(a->outq);
    pm.ack_floor = floor < m->msg_id ? floor : m->msg_id;
    pm.epoch = a->msg_epoch;
    to.vpc_arn = (char *)(m->to_vpc_arn ? m->to_vpc_arn : "");
    to.account = (char *)(m->to_account ? m->to_account : "");
    to.region = (char *)(m->to_region ? m->to_region : "");
    vs_env_t env;
    vpcsim__wire__envelope__init(&env);
    env.msg_id = m->msg_id;     /* the model's id: the receiver dedups on it */
    env.cause_id = agent_ev__msg_cause(a, m->msg_id);
    env.sim_time_ms = simclock_now(&a->sclock);
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_PEER;
    env.peer = &pm;
    agent__queue(a, &env);
}

static void s_resend_cb(void *ctx, const store_outmsg_t *m)
{
    agent_t *a = ctx;
    /* The resends' events get a transaction of their own, opened at the
     * first resend (most ticks resend nothing). */
    if (!a->ev_resending && store_begin(a->st) == 0)
        a->ev_resending = true;
    if (a->ev_resending)
        agent_ev__peer_sent(a, m, true);
    agent__send_peer(a, m);
}

static void s_retry_timer_cb(uv_timer_t *t)
{
    agent_t *a = t->data;
    if (a->registered)
        vs_outbox_each_due(a->outq, simclock_mono_ms(), s_resend_cb, a);
    if (a->ev_resending) {
        a->ev_resending = false;
        agent_ev__end_turn(a);
        if (store_commit(a->st) != 0) {
            agent__store_failed(a);
            return;
        }
    }
    agent__flush_sendq(a);
}

/* Runs every AGENT_TICK_MS: until the broker welcomes us, a Hello each
 * tick (a restarted agent must take over its registration quickly); then a
 * heartbeat every heartbeat interval. */
static void s_hb_timer_cb(uv_timer_t *t)
{
    agent_t *a = t->data;
    uint64_t mono = simclock_mono_ms();
    char kerr[128];
    if (a->keymon && vs_keys_monitor_refused(a->keymon, kerr, sizeof kerr)) {
        /* Retrying cannot help: the broker does not know this key. */
        VS_ERROR("%s: this agent's key (%s) is not in the broker's keyring; exiting", kerr,
                 a->cfg->keys_dir);
        a->exit_code = 1;
        uv_stop(&a->loop);
        return;
    }
    if (a->read_only)
        agent__ro_probe(a, mono);
    if (a->registered && mono - a->last_rx_mono > AGENT_BROKER_SILENT_MS) {
        VS_WARN("no word from the broker for %" PRIu64 " ms; registering again",
                mono - a->last_rx_mono);
        a->registered = false;
    }
    if (!a->registered) {
        agent__send_hello(a);
        return;
    }
    int hb = a->cfg->heartbeat_ms > 0 ? a->cfg->heartbeat_ms : 1000;
    if (mono - a->last_hb_mono < (uint64_t)hb)
        return;
    a->last_hb_mono = mono;
    Vpcsim__Wire__Heartbeat beat = VPCSIM__WIRE__HEARTBEAT__INIT;
    beat.sim_time_ms = simclock_now(&a->sclock);
    vs_env_t env;
    agent__env_init(a, &env);
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_HEARTBEAT;
    env.heartbeat = &beat;
    agent__send_now(a, &env);
}

/* ------------------------------------------------------------------ */
/* start-up and shut-down                                                */

/* Damaged records found while loading: never skipped silently. */
typedef struct {
    agent_t *a;
    size_t n, cap;
    struct s_bad {
        char id[128];
        const char *why;
    } *bad;
} s_load_t;

static void s_load_object(void *ctx, const char *id, const char *doc, bool intact)
{
    s_load_t *l = ctx;
    const char *why = !intact ? "its checksum does not match (changed outside vpcsim)"
                      : vs_model_load(l->a->model, id, doc) != 0 ? "it is not a readable object"
                                                                  : NULL;
    if (!why)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct s_bad *v = realloc(l->bad, cap * sizeof *v);
        if (!v)
            return;     /* counted below as unnamed */
        l->bad = v;
        l->cap = cap;
    }
    snprintf(l->bad[l->n].id, sizeof l->bad[l->n].id, "%s", id);
    l->bad[l->n].why = why;
    l->n++;
}

/* Damage stops the agent, naming every record, unless --salvage: then the
 * records go to the `damaged` table (kept, listed in the log) and the
 * agent starts without them. 0 to go on, 2 to stop. */
static int s_handle_damage(agent_t *a, s_load_t *l)
{
    if (l->n == 0)
        return 0;
    if (!a->cfg->salvage) {
        for (size_t i = 0; i < l->n; i++)
            fprintf(stderr, "vpcsim-agent: %s/agent.db is damaged: object %s: %s\n",
                    a->cfg->data_dir, l->bad[i].id, l->bad[i].why);
        fprintf(stderr, "vpcsim-agent: refusing to start with %zu damaged object%s; "
                "--salvage moves them aside (table `damaged` of agent.db) and starts without "
                "them\n", l->n, l->n == 1 ? "" : "s");
        return 2;
    }
    store_begin(a->st);
    for (size_t i = 0; i < l->n; i++) {
        store_set_aside(a->st, l->bad[i].id, l->bad[i].why, simclock_now(&a->sclock));
        VS_WARN("--salvage: object %s moved aside into table `damaged` of agent.db: %s",
                l->bad[i].id, l->bad[i].why);
    }
    if (store_commit(a->st) != 0) {
        fprintf(stderr, "vpcsim-agent: cannot move the damaged objects aside\n");
        return 2;
    }
    VS_WARN("--salvage: %zu damaged object%s set aside; starting without them", l->n,
            l->n == 1 ? "" : "s");
    return 0;
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

/* The data dir's identity and its store belong together: a store that
 * went missing or empty, or was swapped, is refused, never replaced by
 * an empty one (store_ident.h). */
static int s_open_store(agent_t *a)
{
    char err[1024];
    store_ident_t id;
    bool have = false;
    if (store_ident_check(a->cfg->data_dir, a->cfg->account, a->cfg->region, &id, &have, err,
                          sizeof err) != 0) {
        fprintf(stderr, "vpcsim-agent: %s\n", err);
        return 2;
    }
    a->st = store_open(a->cfg->data_dir, err, sizeof err);
    if (!a->st) {
        fprintf(stderr, "vpcsim-agent: %s\n", err);
        return 2;
    }
    if (a->cfg->full_sync && store_set_full_sync(a->st) != 0)
        return 1;
    int idr = s_check_identity(a);
    if (idr != 0)
        return idr == -2 ? 2 : 1;
    char sid[64] = "";
    int r = store_meta_get(a->st, "store_id", sid, sizeof sid);
    if (r < 0)
        return 1;
    if (have && (r == 1 || strcmp(sid, id.store_id) != 0)) {
        fprintf(stderr, "vpcsim-agent: %s/agent.db is %s%s, but the data dir's identity names "
                "store %s; refusing to start with a store that is not its own\n",
                a->cfg->data_dir, r == 1 ? "a store without an id" : "store ",
                r == 1 ? "" : sid, id.store_id);
        return 2;
    }
    if (r == 1) {
        store_ident_new_id(sid);
        store_begin(a->st);
        store_meta_set(a->st, "store_id", sid);
        if (store_commit(a->st) != 0)
            return 1;
    }
    if (!have) {
        snprintf(id.account, sizeof id.account, "%s", a->cfg->account);
        snprintf(id.region, sizeof id.region, "%s", a->cfg->region);
        snprintf(id.store_id, sizeof id.store_id, "%s", sid);
        if (store_ident_write(a->cfg->data_dir, &id, err, sizeof err) != 0) {
            fprintf(stderr, "vpcsim-agent: %s\n", err);
            return 2;
        }
    }
    if (agent_ev__open(a, err, sizeof err) != 0) {
        VS_ERROR("%s", err);
        return 1;
    }
    return 0;
}

int agent__load_state(agent_t *a)
{
    vs_model_destroy(&a->model);
    vs_outbox_destroy(&a->outq);
    vs_model_config_t mc = {
        .account = a->cfg->account, .region = a->cfg->region, .clock = &a->clock,
        .rng = &a->rng, .modules = vs_service_modules(),
        .max_active_pcx_per_vpc = a->cfg->max_active_pcx_per_vpc,
        .max_outstanding_pcx = a->cfg->max_outstanding_pcx,
        .modern_rules = a->cfg->modern_rules, .cascade_vpc_delete = a->cfg->cascade_vpc_delete,
    };
    a->model = vs_model_new(&mc);
    if (!a->model) {
        VS_ERROR("cannot create the model");
        return 1;
    }
    s_load_t load = { .a = a };
    if (store_each_object(a->st, s_load_object, &load) != 0) {
        free(load.bad);
        return 1;
    }
    int drc = s_handle_damage(a, &load);
    free(load.bad);
    if (drc != 0)
        return drc;
    a->outq = vs_outbox_new(200, 8000);
    if (!a->outq || store_outbox_each(a->st, s_load_outmsg, a) != 0)
        return 1;
    VS_INFO("loaded %zu VPCs and %zu unacknowledged messages from %s",
            vs_model_vpc_count(a->model), vs_outbox_len(a->outq), a->cfg->data_dir);
    /* Changes made while loading (none expected) are already on disk. */
    if (!a->read_only)
        vs_model_flush(a->model, agent__persist, a);
    return 0;
}

static int s_setup(agent_t *a)
{
    int orc = s_open_store(a);
    if (orc != 0)
        return orc;

    simclock_init(&a->sclock);
    char buf[64];
    if (store_meta_get(a->st, "sim_time_ms", buf, sizeof buf) == 0) {
        uint64_t saved = strtoull(buf, NULL, 10);
        if (saved > VS_TIME_CLOCK_MAX_MS)
            VS_WARN("stored simulated time %s ms is past the last time vpcsim can show; ignored",
                    buf);
        else
            simclock_adopt(&a->sclock, saved, 1.0);
    }
    a->clock = simclock_as_clock(&a->sclock);
    vs_rng_seed(&a->rng, s_random64());
    /* Message ids must never repeat for this agent, across restarts: start
     * from a random 62-bit point; the receiver's dedup is per sender. */
    a->next_msg_id = (s_random64() >> 2) | 1;
    /* The epoch of the model's peer-message ids, fixed for this data dir:
     * receivers apply our acknowledgement floor within it only. */
    if (store_meta_get(a->st, "msg_epoch", buf, sizeof buf) == 0)
        a->msg_epoch = strtoull(buf, NULL, 10);
    if (!a->msg_epoch) {
        a->msg_epoch = (s_random64() >> 2) | 1;
        snprintf(buf, sizeof buf, "%" PRIu64, a->msg_epoch);
        if (store_begin(a->st) != 0 || store_meta_set(a->st, "msg_epoch", buf) != 0 ||
            store_commit(a->st) != 0)
            return 1;
    }

    int lrc = agent__load_state(a);
    if (lrc != 0)
        return lrc;

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
    if (a->cfg->keys_dir) {
        vs_principal_t me;
        char kerr[512];
        if (vs_principal_agent(a->cfg->account, a->cfg->region, &me) != 0 ||
            vs_keys_secure_client(a->dealer, a->cfg->keys_dir, &me, kerr, sizeof kerr) != 0) {
            fprintf(stderr, "vpcsim-agent: %s\n", kerr);
            return 2;
        }
        a->keymon = vs_keys_monitor(a->zctx, a->dealer);
        if (!a->keymon) {
            VS_ERROR("cannot watch the connection's handshakes: %s", zmq_strerror(errno));
            return 1;
        }
    }
    if (zmq_connect(a->dealer, a->cfg->broker) != 0) {
        fprintf(stderr, "vpcsim-agent: cannot use broker endpoint %s: %s\n", a->cfg->broker,
                zmq_strerror(errno));
        return 2;
    }
    a->zw = vs_zloop_sock_new(&a->loop, a->dealer, agent__on_readable, a);
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
    agent__arm_model_timer(a);
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
    if (a->keymon)
        zmq_close(a->keymon);
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
    agent_ev__close(a);
    store_close(&a->st);
}

int agent_run(const agent_config_t *cfg)
{
    agent_t *a = calloc(1, sizeof *a);
    if (!a)
        return 1;
    a->cfg = cfg;
    a->partition = vs_region_partition(cfg->region);
    a->rl_refused = (vs_ratelimit_t)VS_RATELIMIT_INIT(10000, 5);
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
