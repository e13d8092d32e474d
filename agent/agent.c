#include "agent.h"

#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <uv.h>
#include <zmq.h>

#include "agent_priv.h"
#include "keys.h"
#include "lazymem.h"
#include "ids.h"
#include "log.h"
#include "service.h"
#include "store_ident.h"
#include "timebound.h"


/* ------------------------------------------------------------------ */
/* timers                                                                */

static void s_resend_cb(void *ctx, const store_outmsg_t *m)
{
    agent_t *a = ctx;
    /* The resends' events get a transaction of their own, opened at the
     * first resend (most ticks resend nothing). */
    if (!a->ev_resending && store_begin(a->st) == 0)
        a->ev_resending = true;
    if (a->ev_resending)
        agent_ev__peer_sent(a, m, true, 0);
    a->stats.resends++;
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

/* Gives back what a burst of turns grew and a quiet agent does not use:
 * the send queue's array, the event log's scratch, SQLite's page cache and
 * the store's commit buffers (store_shed_memory), and the heap's free
 * pages. Many agents share one machine (issue 9: < 10 MB
 * RSS each with 100 of them) and most are quiet most of the time; all of
 * it grows back on the next burst, at the cost of a few reallocs. */
static void s_shed_memory(agent_t *a)
{
    if (a->sendq_len == 0) {
        free(a->sendq);
        a->sendq = NULL;
        a->sendq_cap = 0;
    }
    if (a->ev)
        evlog_shed_memory(a->ev);
    store_shed_memory(a->st);
    malloc_trim(0);
}

/* Every AGENT_IDLE_CKPT_MS: a WAL checkpoint when no turn committed since
 * the last tick, so that checkpoints run while nothing waits on us; and
 * once per quiet spell (a tick with no commit since the previous one,
 * after commits since the last shed), the burst's memory is shed. */
static void s_idle_timer_cb(uv_timer_t *t)
{
    agent_t *a = t->data;
    uint64_t commits = store_commits(a->st);
    if (!a->read_only)
        store_checkpoint_idle(a->st);
    if (commits == a->idle_commits && commits != a->shed_commits) {
        a->shed_commits = commits;
        s_shed_memory(a);
    }
    a->idle_commits = commits;
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
    if (a->read_only && agent__ro_probe(a, mono))
        agent__commit_turn(a);      /* writing again: the catch-up turn */
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

static void s_on_signal(uv_signal_t *s, int signum)
{
    agent_t *a = s->data;
    VS_INFO("signal %d: stopping", signum);
    uv_stop(&a->loop);
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
    int orc = agent__open_store(a);
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
    uv_timer_init(&a->loop, &a->idle_timer);
    uv_signal_init(&a->loop, &a->sigterm);
    uv_signal_init(&a->loop, &a->sigint);
    a->hb_timer.data = a->model_timer.data = a->retry_timer.data = a->idle_timer.data = a;
    a->sigterm.data = a->sigint.data = a;
    uv_timer_start(&a->hb_timer, s_hb_timer_cb, 0, AGENT_TICK_MS);
    uv_timer_start(&a->retry_timer, s_retry_timer_cb, 100, 100);
    uv_timer_start(&a->idle_timer, s_idle_timer_cb, AGENT_IDLE_CKPT_MS, AGENT_IDLE_CKPT_MS);
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
    /* Most of an agent_t is its table of pending calls, written in token
     * order: mapped lazily, a small agent keeps only the pages it used. */
    agent_t *a = lazymem_alloc(sizeof *a);
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
        agent__log_stats(a);
        VS_INFO("stopped");
    }
    s_teardown(a);
    lazymem_free(a, sizeof *a);
    return rc;
}
