/* gw_upstream: ApiRequests through the broker (see gw_upstream.h). */
#include "gw_upstream.h"

#include <errno.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "zloop.h"

typedef struct {
    uint64_t msg_id;
    void *call_ctx;
    uint64_t deadline_ms;
    uint8_t *frame;        /* encoded Envelope, until sent */
    size_t frame_len;
} s_pending_t;

struct gw_upstream {
    uv_loop_t *loop;
    void *zctx, *sock;
    vs_zloop_sock_t *watch;
    uv_timer_t sweep;
    gw_upstream_cb cb;
    void *ctx;
    uint64_t timeout_ms;
    s_pending_t *pend;
    size_t npend;
};

static uint64_t s_msg_id(void)
{
    uint64_t v = 0;
    while (v == 0)
        randombytes_buf(&v, sizeof v);
    return v;
}

/* Tries to send p's frame; true once it is gone. */
static bool s_try_send(gw_upstream_t *u, s_pending_t *p)
{
    if (!p->frame)
        return true;
    if (zmq_send(u->sock, p->frame, p->frame_len, ZMQ_DONTWAIT) < 0)
        return false;
    free(p->frame);
    p->frame = NULL;
    return true;
}

static void s_finish(gw_upstream_t *u, size_t i, gw_up_status_t st, const vs_env_t *reply)
{
    s_pending_t p = u->pend[i];
    u->pend[i] = u->pend[--u->npend];
    free(p.frame);
    u->cb(u->ctx, p.call_ctx, st, reply);
}

static uint64_t s_in_reply_to(const vs_env_t *e)
{
    switch (e->body_case) {
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY:
        return e->api_reply->in_reply_to;
    case VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE:
        return e->undeliverable->in_reply_to;
    default:
        return 0;
    }
}

static void s_on_readable(vs_zloop_sock_t *s, void *zsock, void *data)
{
    gw_upstream_t *u = data;
    for (int batch = 0; batch < 256; batch++) {
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, zsock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&msg);
            return;
        }
        bool more = zmq_msg_more(&msg);
        char why[160];
        vs_env_t *env = more ? NULL
                             : vs_wire_decode(zmq_msg_data(&msg), zmq_msg_size(&msg), why, sizeof why);
        zmq_msg_close(&msg);
        while (more) {          /* a multipart message is not ours */
            zmq_msg_init(&msg);
            zmq_msg_recv(&msg, zsock, ZMQ_DONTWAIT);
            more = zmq_msg_more(&msg);
            zmq_msg_close(&msg);
        }
        if (!env)
            continue;
        uint64_t id = s_in_reply_to(env);
        for (size_t i = 0; id && i < u->npend; i++) {
            if (u->pend[i].msg_id != id)
                continue;
            s_finish(u, i,
                     env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY ? GW_UP_REPLY
                                                                              : GW_UP_UNDELIVERABLE,
                     env);
            break;
        }
        vs_wire_free(&env);
    }
}

static void s_on_sweep(uv_timer_t *t)
{
    gw_upstream_t *u = t->data;
    uint64_t now = uv_now(u->loop);
    for (size_t i = 0; i < u->npend;) {
        s_try_send(u, &u->pend[i]);
        if (u->pend[i].deadline_ms <= now) {
            s_finish(u, i, GW_UP_TIMEOUT, NULL);   /* i now holds the last entry */
            continue;
        }
        i++;
    }
}

gw_upstream_t *gw_upstream_new(uv_loop_t *loop, const char *endpoint, double timeout_s,
                               gw_upstream_cb cb, void *ctx, char *err, size_t errlen)
{
    gw_upstream_t *u = calloc(1, sizeof *u);
    if (!u) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    u->loop = loop;
    u->cb = cb;
    u->ctx = ctx;
    u->timeout_ms = (uint64_t)(timeout_s * 1000.0);
    u->pend = calloc(GW_UPSTREAM_MAX_PENDING, sizeof *u->pend);
    u->zctx = zmq_ctx_new();
    u->sock = u->zctx ? zmq_socket(u->zctx, ZMQ_DEALER) : NULL;
    if (!u->pend || !u->sock) {
        snprintf(err, errlen, "cannot create a ZeroMQ socket");
        goto fail;
    }
    int zero = 0, one = 1;
    int64_t maxmsg = VS_WIRE_MAX_FRAME;
    zmq_setsockopt(u->sock, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(u->sock, ZMQ_IMMEDIATE, &one, sizeof one);
    zmq_setsockopt(u->sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
    if (zmq_connect(u->sock, endpoint) != 0) {
        snprintf(err, errlen, "invalid broker endpoint \"%s\": %s", endpoint, zmq_strerror(zmq_errno()));
        goto fail;
    }
    u->watch = vs_zloop_sock_new(loop, u->sock, s_on_readable, u);
    if (!u->watch) {
        snprintf(err, errlen, "cannot watch the broker socket");
        goto fail;
    }
    uv_timer_init(loop, &u->sweep);
    u->sweep.data = u;
    uv_timer_start(&u->sweep, s_on_sweep, 50, 50);
    return u;
fail:
    if (u->sock)
        zmq_close(u->sock);
    if (u->zctx)
        zmq_ctx_term(u->zctx);
    free(u->pend);
    free(u);
    return NULL;
}

int gw_upstream_call(gw_upstream_t *u, const char *account, const char *region, const char *action,
                     const char *input_json, void *call_ctx)
{
    if (u->npend >= GW_UPSTREAM_MAX_PENDING)
        return -1;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    Vpcsim__Wire__ApiRequest req = VPCSIM__WIRE__API_REQUEST__INIT;
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    to.account = (char *)account;
    to.region = (char *)region;
    req.action = (char *)action;
    req.input_json = (char *)input_json;
    req.account = (char *)account;
    req.region = (char *)region;
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
    env.api_request = &req;
    env.msg_id = s_msg_id();
    s_pending_t *p = &u->pend[u->npend];
    memset(p, 0, sizeof *p);
    if (vs_wire_encode(&env, &p->frame, &p->frame_len) != 0)
        return -1;
    p->msg_id = env.msg_id;
    p->call_ctx = call_ctx;
    p->deadline_ms = uv_now(u->loop) + u->timeout_ms;
    u->npend++;
    s_try_send(u, p);
    return 0;
}

static void s_on_sweep_closed(uv_handle_t *h)
{
    gw_upstream_t *u = h->data;
    free(u->pend);
    free(u);
}

static void s_on_watch_closed(void *data)
{
    gw_upstream_t *u = data;
    zmq_close(u->sock);
    zmq_ctx_term(u->zctx);
    uv_close((uv_handle_t *)&u->sweep, s_on_sweep_closed);
}

void gw_upstream_close(gw_upstream_t **up)
{
    if (!up || !*up)
        return;
    gw_upstream_t *u = *up;
    *up = NULL;
    while (u->npend > 0)
        s_finish(u, u->npend - 1, GW_UP_CANCELLED, NULL);
    uv_timer_stop(&u->sweep);
    vs_zloop_sock_close(&u->watch, s_on_watch_closed);
}
