/* broker: the context and its I/O shell (see broker.h): sockets, timers,
 * signals, the loop. The top of the broker: it calls the router, which
 * calls the handlers; what they all use of the broker is broker_io.c. */
#include "broker.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <zmq.h>

#include "clock.h"
#include "fault_relay.h"
#include "timebound.h"
#include "log.h"
#include "router.h"
#include "wire_peek.h"

/* ---- the socket ------------------------------------------------------- */

static int s_zmq_send(broker_t *b, const uint8_t *route, size_t len, const vs_env_t *env)
{
    return vs_wire_send_to(b->zsock, route, len, env, ZMQ_DONTWAIT);
}

/* Like vs_wire_send_to for a peeked frame that needs only its sender:
 * the frame goes out with sender = party appended (wire_peek.h), written
 * straight into the zmq message: one allocation (zmq's), one copy. */
static int s_zmq_send_stamped(broker_t *b, const uint8_t *route, size_t len,
                              const uint8_t *frame, size_t frame_len,
                              const Vpcsim__Wire__Party *party)
{
    if (!route || len == 0 || len > VS_WIRE_MAX_ROUTE) {
        errno = EHOSTUNREACH;
        return -1;
    }
    size_t stamp = vs_wire_peek_stamp_size(party, frame_len);
    if (stamp == 0) {
        errno = EMSGSIZE;
        return -1;
    }
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, frame_len + stamp) != 0) {
        errno = ENOMEM;
        return -1;
    }
    vs_wire_peek_restamp(frame, frame_len, party, stamp, zmq_msg_data(&msg));
    /* As in vs_wire_send_to: EHOSTUNREACH and EAGAIN show up on the
     * routing-id frame, before anything of the message is queued. */
    if (zmq_send(b->zsock, route, len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
        zmq_msg_send(&msg, b->zsock, ZMQ_DONTWAIT) < 0) {
        int e = zmq_errno();
        zmq_msg_close(&msg);
        errno = e;
        return -1;
    }
    return 0;
}

/* Receives whole [route][Envelope]... messages, at most BK_RECV_BATCH per
 * loop turn so timers and signals are not starved; zloop calls us again
 * next turn while more are queued. A message's frames are handled
 * together, in order: an agent's turn is one message. */
static void s_on_readable(vs_zloop_sock_t *w, void *zsock, void *data)
{
    broker_t *b = data;
    for (int i = 0; i < BK_RECV_BATCH && !b->stopping; i++) {
        zmq_msg_t id, body;
        zmq_msg_init(&id);
        if (zmq_msg_recv(&id, zsock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&id);
            if (zmq_errno() != EAGAIN)
                VS_WARN("receive failed: %s", zmq_strerror(zmq_errno()));
            return;
        }
        const uint8_t *route = zmq_msg_data(&id);
        size_t rlen = zmq_msg_size(&id);
        if (!zmq_msg_more(&id)) {
            /* A ROUTER always prepends the routing id, so this is only
             * defensive. */
            bk_router_malformed(b, route, rlen, "message without an Envelope frame");
            zmq_msg_close(&id);
            continue;
        }
        zmq_msg_init(&body);
        if (zmq_msg_recv(&body, zsock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&body);
            zmq_msg_close(&id);
            continue;
        }
        /* Every frame of a message is an Envelope: an agent sends a
         * turn's frames as one message (agent__flush_sendq). */
        for (;;) {
            /* The principal the ZAP handler authenticated for this
             * connection; a key file it cannot name is refused there. */
            vs_principal_t who;
            /* Without --keys there is no ZAP handler and so no User-Id
             * to look up (a string search per message). */
            if (!b->keys || vs_keys_msg_principal(&body, &who) < 0)
                memset(&who, 0, sizeof who);
            bk_router_handle_as(b, route, rlen, &who, zmq_msg_data(&body), zmq_msg_size(&body));
            if (!zmq_msg_more(&body))
                break;
            zmq_msg_close(&body);
            zmq_msg_init(&body);
            if (zmq_msg_recv(&body, zsock, ZMQ_DONTWAIT) < 0)
                break;
        }
        zmq_msg_close(&body);
        zmq_msg_close(&id);
    }
}

/* ---- timers and signals ----------------------------------------------- */

static void s_on_silent(bk_agent_t *a, uint64_t silent_ms, void *arg)
{
    broker_t *b = arg;
    uint64_t held = 0;
    char more[48];
    if (vs_ratelimit_pass(&b->rl_hello, bk_mono_ms(b), &held))
        VS_INFO("agent %s/%s offline (silent for %.1f s)%s", a->account, a->region,
                (double)silent_ms / 1000.0, vs_ratelimit_suffix(held, more, sizeof more));
}

/* Lines held back by a rate limit are counted in the log once their
 * window is over, even when nothing else comes to carry the count. */
static void s_flush_held(broker_t *b, uint64_t now)
{
    static const struct {
        size_t off;
        const char *what;
    } lims[] = {
        { offsetof(broker_t, rl_malformed), "malformed messages" },
        { offsetof(broker_t, rl_refused), "refused messages" },
        { offsetof(broker_t, rl_hello), "agents registered or gone offline" },
    };
    for (size_t i = 0; i < sizeof lims / sizeof *lims; i++) {
        uint64_t held;
        if (vs_ratelimit_flush((vs_ratelimit_t *)((char *)b + lims[i].off), now, &held))
            VS_WARN("… %llu more like this (%s; %llu messages refused in all)",
                    (unsigned long long)held, lims[i].what, (unsigned long long)b->refused);
    }
}

static void s_on_sweep(uv_timer_t *t)
{
    broker_t *b = t->data;
    uint64_t now = bk_mono_ms(b);
    bk_registry_sweep(b->reg, now, BK_LIVENESS_TIMEOUT_MS, s_on_silent, b);
    s_flush_held(b, now);
    /* The clock moves on its own; saving it now and then bounds how far
     * back a restarted broker could start (agents' Hellos fix the rest). */
    if (b->state && (b->dirty || now - b->last_save_ms >= BK_SAVE_INTERVAL_MS))
        bk_state_save_now(b);
}

static void s_on_fault_timer(uv_timer_t *t)
{
    bk_fault_relay_due(t->data);
}

static void s_on_signal(uv_signal_t *h, int signum)
{
    broker_t *b = h->data;
    VS_INFO("received %s, stopping", signum == SIGTERM ? "SIGTERM" : "SIGINT");
    bk_broker_stop(b);
}

static void s_on_handle_closed(uv_handle_t *h)
{
    broker_t *b = h->data;
    b->handles_open--;
}

static void s_on_watch_closed(void *data)
{
    broker_t *b = data;
    b->handles_open--;
}

/* ---- life cycle ------------------------------------------------------- */

static int s_setsockopt_int(void *s, int opt, int v)
{
    return zmq_setsockopt(s, opt, &v, sizeof v);
}

static int s_open_socket(broker_t *b, const char *endpoint, const char *keys, char *err,
                         size_t errlen)
{
    int64_t maxmsg = VS_WIRE_MAX_FRAME;
    b->zctx = zmq_ctx_new();
    b->zsock = b->zctx ? zmq_socket(b->zctx, ZMQ_ROUTER) : NULL;
    if (!b->zsock) {
        snprintf(err, errlen, "cannot create a ZeroMQ socket: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    /* MANDATORY turns "peer gone" into EHOSTUNREACH instead of a silent
     * drop; MAXMSGSIZE makes libzmq cut off a peer sending oversized
     * frames before we ever allocate them. */
    if (s_setsockopt_int(b->zsock, ZMQ_ROUTER_MANDATORY, 1) != 0 ||
        zmq_setsockopt(b->zsock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) != 0 ||
        s_setsockopt_int(b->zsock, ZMQ_LINGER, 0) != 0 ||
        s_setsockopt_int(b->zsock, ZMQ_SNDHWM, BK_HWM) != 0 ||
        s_setsockopt_int(b->zsock, ZMQ_RCVHWM, BK_HWM) != 0) {
        snprintf(err, errlen, "cannot configure the ZeroMQ socket: %s",
                 zmq_strerror(zmq_errno()));
        return -1;
    }
    /* CURVE and the ZAP handler go on before the bind: a socket that
     * accepted peers first would have let them in unauthenticated. */
    if (keys) {
        b->keys = vs_keys_server_start(b->zctx, b->zsock, keys, err, errlen);
        if (!b->keys)
            return -1;
        b->secured = true;
    }
    if (zmq_bind(b->zsock, endpoint) != 0) {
        snprintf(err, errlen, "cannot listen on %s: %s", endpoint, zmq_strerror(zmq_errno()));
        return -1;
    }
    return 0;
}

static void s_free(broker_t *b)
{
    if (b->zsock)
        zmq_close(b->zsock);
    vs_keys_server_stop(&b->keys);   /* before the term: it joins the ZAP thread */
    if (b->zctx)
        zmq_ctx_term(b->zctx);
    bk_registry_destroy(&b->reg);
    bk_state_close(&b->state);
    bk_fault_relay_free(b);
    free(b);
}

broker_t *bk_broker_new(uv_loop_t *loop, const broker_opts_t *opts, char *err, size_t errlen)
{
    if (!opts->listen || !*opts->listen) {
        snprintf(err, errlen, "no endpoint to listen on");
        return NULL;
    }
    broker_t *b = calloc(1, sizeof *b);
    if (!b || !(b->reg = bk_registry_new())) {
        free(b);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    b->loop = loop;
    b->send = s_zmq_send;
    b->send_stamped = s_zmq_send_stamped;
    b->log_debug = opts->log_debug;
    b->max_agents = opts->max_agents ? opts->max_agents : BK_MAX_AGENTS_DEFAULT;
    b->rl_malformed = (vs_ratelimit_t)VS_RATELIMIT_INIT(BK_LOG_WINDOW_MS, BK_LOG_BURST);
    b->rl_refused = (vs_ratelimit_t)VS_RATELIMIT_INIT(BK_LOG_WINDOW_MS, BK_LOG_BURST);
    b->rl_hello = (vs_ratelimit_t)VS_RATELIMIT_INIT(BK_LOG_WINDOW_MS, BK_LOG_HELLO_BURST);
    /* The broker's message ids start at a random point, so that nobody
     * can predict the id of an Undeliverable or a Welcome. */
    if (getrandom(&b->next_msg_id, sizeof b->next_msg_id, 0) != sizeof b->next_msg_id)
        b->next_msg_id = bk_clock_wall_ms() * 0x9e3779b97f4a7c15ull;
    b->next_msg_id >>= 2;
    if (bk_fault_relay_init(b, opts->capture, err, errlen) < 0) {
        s_free(b);
        return NULL;
    }

    /* The clock starts at the wall-clock time, or later if the data dir
     * remembers a later simulated time (an advance-clock before a restart). */
    uint64_t start = bk_clock_wall_ms();
    if (opts->data_dir) {
        b->state = bk_state_open(opts->data_dir, err, errlen);
        if (!b->state) {
            s_free(b);
            return NULL;
        }
        uint64_t saved = 0;
        size_t expired = 0;
        char why[300];
        if (bk_state_load(b->state, b->reg, &saved, bk_clock_wall_ms(), BK_REGISTRATION_TTL_MS,
                          &expired, why, sizeof why) < 0)
            VS_WARN("saved broker state partly ignored: %s", why);
        if (expired)
            VS_INFO("forgot %zu saved agents that have not said hello for %llu days", expired,
                    (unsigned long long)(BK_REGISTRATION_TTL_MS / (24 * 3600 * 1000)));
        if (saved > VS_TIME_CLOCK_MAX_MS)
            VS_WARN("saved simulated time %llu ms is past the last time vpcsim can show; ignored",
                    (unsigned long long)saved);
        else if (saved > start)
            start = saved;
        if (bk_registry_count(b->reg))
            VS_INFO("%zu agents known from %s (offline until they say hello)",
                    bk_registry_count(b->reg), opts->data_dir);
    }
    bk_simclock_init(&b->clock, start, 1.0, bk_mono_ms(b));

    if (s_open_socket(b, opts->listen, opts->keys, err, errlen) < 0) {
        s_free(b);
        return NULL;
    }
    b->watch = vs_zloop_sock_new(loop, b->zsock, s_on_readable, b);
    if (!b->watch) {
        snprintf(err, errlen, "cannot watch the ZeroMQ socket in the event loop");
        s_free(b);
        return NULL;
    }
    b->handles_open = 1;

    /* From here on handles exist, so failures stop the broker the normal
     * way (close handles, let the loop drain) rather than free directly. */
    uv_timer_init(loop, &b->sweep);
    uv_signal_init(loop, &b->sigterm);
    uv_signal_init(loop, &b->sigint);
    uv_timer_init(loop, &b->fault_timer);
    b->on_fault_timer = s_on_fault_timer;
    b->sweep.data = b->sigterm.data = b->sigint.data = b->fault_timer.data = b;
    b->handles_open += 4;
    if (uv_timer_start(&b->sweep, s_on_sweep, BK_SWEEP_INTERVAL_MS, BK_SWEEP_INTERVAL_MS) != 0 ||
        uv_signal_start(&b->sigterm, s_on_signal, SIGTERM) != 0 ||
        uv_signal_start(&b->sigint, s_on_signal, SIGINT) != 0) {
        snprintf(err, errlen, "cannot start timers or signal handlers");
        bk_broker_destroy(&b);
        return NULL;
    }

    b->dirty = true;
    bk_state_save_now(b);
    char ts[40] = "?";
    vs_time_format(bk_sim_now(b), VS_TS_ZULU, ts, sizeof ts);
    VS_INFO("listening on %s; simulated time %s%s%s", opts->listen, ts,
            opts->data_dir ? "; data dir " : "", opts->data_dir ? opts->data_dir : "");
    if (b->secured)
        VS_INFO("authentication on: CURVE keys from %s (%zu principals)", opts->keys,
                vs_keys_server_count(b->keys));
    else
        VS_WARN("authentication OFF: anyone who reaches %s can act as any account "
                "(start with --keys DIR to require keys)", opts->listen);
    return b;
}

void bk_broker_stop(broker_t *b)
{
    if (!b || b->stopping)
        return;
    /* Save while the clock is still meaningful. */
    bk_state_save_now(b);
    b->stopping = true;
    uv_timer_stop(&b->sweep);
    uv_close((uv_handle_t *)&b->sweep, s_on_handle_closed);
    uv_close((uv_handle_t *)&b->sigterm, s_on_handle_closed);
    uv_close((uv_handle_t *)&b->sigint, s_on_handle_closed);
    uv_timer_stop(&b->fault_timer);
    uv_close((uv_handle_t *)&b->fault_timer, s_on_handle_closed);
    vs_zloop_sock_close(&b->watch, s_on_watch_closed);
}

void bk_broker_destroy(broker_t **bp)
{
    if (!bp || !*bp)
        return;
    broker_t *b = *bp;
    *bp = NULL;
    /* The watcher holds ZMQ_FD in a uv_poll, so the zmq socket may only be
     * closed once every handle has finished closing. */
    if (b->handles_open > 0) {
        bk_broker_stop(b);
        while (b->handles_open > 0 && uv_run(b->loop, UV_RUN_ONCE) != 0)
            ;
    }
    s_free(b);
}
