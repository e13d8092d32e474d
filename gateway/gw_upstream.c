/* gw_upstream: ApiRequests through the broker (see gw_upstream.h). */
#include "gw_upstream.h"

#include <errno.h>
#include <stdbool.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "keys.h"
#include "log.h"
#include "zloop.h"

/* One broker connection: the only one (open broker), or one account's. */
typedef struct {
    gw_upstream_t *u;
    char account[13];          /* "" for the open broker's single connection */
    void *sock;
    void *mon;                 /* watches for the broker refusing the handshake */
    vs_zloop_sock_t *watch;
} s_conn_t;

typedef struct {
    uint64_t msg_id;
    s_conn_t *conn;
    void *call_ctx;
    uint64_t deadline_ms;
    uint8_t *frame;        /* encoded Envelope, until sent */
    size_t frame_len;
} s_pending_t;

struct gw_upstream {
    uv_loop_t *loop;
    void *zctx;
    char *endpoint;
    char *keys;                /* NULL: an open broker */
    s_conn_t *conns[GW_UPSTREAM_MAX_CONNS];
    size_t nconns;
    size_t closing;            /* connections whose watcher is still closing */
    bool shutting;             /* gw_upstream_close ran */
    bool sweep_closed;
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
static bool s_try_send(s_pending_t *p)
{
    if (!p->frame)
        return true;
    if (zmq_send(p->conn->sock, p->frame, p->frame_len, ZMQ_DONTWAIT) < 0)
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
    s_conn_t *conn = data;
    gw_upstream_t *u = conn->u;
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
        /* Only a call made on this connection: one account's broker
         * session never answers another's calls. */
        for (size_t i = 0; id && i < u->npend; i++) {
            if (u->pend[i].msg_id != id || u->pend[i].conn != conn)
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

/* --- connections ------------------------------------------------------------ */

static void *s_monitor_open(gw_upstream_t *u, void *sock);

static void s_free_if_done(gw_upstream_t *u)
{
    if (u->shutting && u->sweep_closed && u->closing == 0 && u->nconns == 0) {
        zmq_ctx_term(u->zctx);
        free(u->endpoint);
        free(u->keys);
        free(u->pend);
        free(u);
    }
}

static void s_conn_free(s_conn_t *conn)
{
    if (conn->mon)
        zmq_close(conn->mon);
    if (conn->sock)
        zmq_close(conn->sock);
    free(conn);
}

static void s_on_conn_closed(void *data)
{
    s_conn_t *conn = data;
    gw_upstream_t *u = conn->u;
    s_conn_free(conn);
    u->closing--;
    s_free_if_done(u);
}

/* Finishes conn's pending calls with st, forgets conn and closes it. */
static void s_conn_drop(gw_upstream_t *u, size_t idx, gw_up_status_t st)
{
    s_conn_t *conn = u->conns[idx];
    u->conns[idx] = u->conns[--u->nconns];
    for (size_t i = 0; i < u->npend;) {
        if (u->pend[i].conn == conn) {
            s_finish(u, i, st, NULL);    /* i now holds the last entry */
            continue;
        }
        i++;
    }
    u->closing++;
    vs_zloop_sock_close(&conn->watch, s_on_conn_closed);
}

/* The connection for account (keyring) or the only one (open broker),
 * made on first use. NULL with err. */
static s_conn_t *s_conn_for(gw_upstream_t *u, const char *account, gw_up_call_rc_t *rc, char *err,
                            size_t errlen)
{
    const char *key = u->keys ? account : "";
    for (size_t i = 0; i < u->nconns; i++)
        if (strcmp(u->conns[i]->account, key) == 0)
            return u->conns[i];
    *rc = GW_UP_CALL_BUSY;
    if (u->nconns == GW_UPSTREAM_MAX_CONNS) {
        snprintf(err, errlen, "too many accounts connected at once (%d)", GW_UPSTREAM_MAX_CONNS);
        return NULL;
    }
    vs_principal_t who;
    if (u->keys && vs_principal_client(account, &who) != 0) {
        *rc = GW_UP_CALL_NO_KEY;
        snprintf(err, errlen, "\"%s\" is not an account id", account);
        return NULL;
    }
    s_conn_t *conn = calloc(1, sizeof *conn);
    if (!conn) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    conn->u = u;
    snprintf(conn->account, sizeof conn->account, "%s", key);
    conn->sock = zmq_socket(u->zctx, ZMQ_DEALER);
    if (!conn->sock) {
        snprintf(err, errlen, "cannot create a ZeroMQ socket: %s", zmq_strerror(zmq_errno()));
        goto fail;
    }
    int zero = 0, one = 1;
    int64_t maxmsg = VS_WIRE_MAX_FRAME;
    zmq_setsockopt(conn->sock, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(conn->sock, ZMQ_IMMEDIATE, &one, sizeof one);
    zmq_setsockopt(conn->sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
    if (u->keys) {
        char kerr[256];
        if (vs_keys_secure_client(conn->sock, u->keys, &who, kerr, sizeof kerr) != 0) {
            *rc = GW_UP_CALL_NO_KEY;
            snprintf(err, errlen, "%s", kerr);
            goto fail;
        }
    }
    conn->mon = u->keys ? vs_keys_monitor(u->zctx, conn->sock) : s_monitor_open(u, conn->sock);
    if (!conn->mon) {
        snprintf(err, errlen, "cannot watch the broker connection: %s", zmq_strerror(zmq_errno()));
        goto fail;
    }
    if (zmq_connect(conn->sock, u->endpoint) != 0) {
        snprintf(err, errlen, "invalid broker endpoint \"%s\": %s", u->endpoint,
                 zmq_strerror(zmq_errno()));
        goto fail;
    }
    conn->watch = vs_zloop_sock_new(u->loop, conn->sock, s_on_readable, conn);
    if (!conn->watch) {
        snprintf(err, errlen, "cannot watch the broker socket");
        goto fail;
    }
    u->conns[u->nconns++] = conn;
    if (u->keys)
        VS_INFO("broker connection as client:%s", account);
    *rc = GW_UP_CALL_OK;
    return conn;
fail:
    s_conn_free(conn);
    return NULL;
}

/* Open mode: watches the connection's handshakes, so a broker that
 * requires keys is an answer at once rather than a timeout. NULL on failure. */
static void *s_monitor_open(gw_upstream_t *u, void *sock)
{
    char ep[64];
    snprintf(ep, sizeof ep, "inproc://vpcsim-gw-mon-%p", sock);
    if (zmq_socket_monitor(sock, ep, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                                         ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                         ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) != 0)
        return NULL;
    void *mon = zmq_socket(u->zctx, ZMQ_PAIR);
    int zero = 0;
    if (mon && (zmq_setsockopt(mon, ZMQ_LINGER, &zero, sizeof zero) != 0 || zmq_connect(mon, ep) != 0)) {
        zmq_close(mon);
        mon = NULL;
    }
    return mon;
}

/* True if conn's broker refused the handshake since the last look. */
static bool s_refused(gw_upstream_t *u, s_conn_t *conn, char *why, size_t whylen)
{
    if (u->keys)
        return vs_keys_monitor_refused(conn->mon, why, whylen) == 1;
    bool refused = false;
    for (int n = 0; n < 64; n++) {     /* every event here is a failed handshake */
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, conn->mon, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            break;
        }
        bool more = zmq_msg_more(&m);
        zmq_msg_close(&m);
        while (more) {                 /* the endpoint frame */
            zmq_msg_init(&m);
            more = zmq_msg_recv(&m, conn->mon, ZMQ_DONTWAIT) >= 0 && zmq_msg_more(&m);
            zmq_msg_close(&m);
        }
        refused = true;
    }
    if (refused)
        snprintf(why, whylen, "the broker refused the handshake: it requires keys (--keys DIR)");
    return refused;
}

static void s_on_sweep(uv_timer_t *t)
{
    gw_upstream_t *u = t->data;
    uint64_t now = uv_now(u->loop);
    for (size_t i = 0; i < u->npend;) {
        s_try_send(&u->pend[i]);
        if (u->pend[i].deadline_ms <= now) {
            s_finish(u, i, GW_UP_TIMEOUT, NULL);   /* i now holds the last entry */
            continue;
        }
        i++;
    }
    /* A refused key: answer that account's calls now rather than at their
     * deadline, and drop the connection so the next call re-reads the
     * keyring (keys can be added to it while the gateway runs). */
    for (size_t i = 0; i < u->nconns;) {
        char why[160];
        if (u->conns[i]->mon && s_refused(u, u->conns[i], why, sizeof why)) {
            VS_WARN("%s%s: %s", u->keys ? "client:" : "the gateway's connection",
                    u->conns[i]->account, why);
            s_conn_drop(u, i, GW_UP_REFUSED);    /* i now holds the last connection */
            continue;
        }
        i++;
    }
}

gw_upstream_t *gw_upstream_new(uv_loop_t *loop, const char *endpoint, const char *keys_dir,
                               double timeout_s, gw_upstream_cb cb, void *ctx, char *err,
                               size_t errlen)
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
    u->endpoint = strdup(endpoint);
    u->keys = keys_dir ? strdup(keys_dir) : NULL;
    u->zctx = zmq_ctx_new();
    if (!u->pend || !u->endpoint || (keys_dir && !u->keys) || !u->zctx) {
        snprintf(err, errlen, "cannot create a ZeroMQ context");
        goto fail;
    }
    if (!keys_dir) {
        /* The open broker's one connection, made now so that a bad
         * endpoint is an error at start. */
        gw_up_call_rc_t rc;
        if (!s_conn_for(u, "", &rc, err, errlen))
            goto fail;
    } else {
        /* The accounts' connections come later: check the endpoint now. */
        void *probe = zmq_socket(u->zctx, ZMQ_DEALER);
        int zero = 0;
        int rc = probe ? zmq_setsockopt(probe, ZMQ_LINGER, &zero, sizeof zero) : -1;
        if (rc == 0)
            rc = zmq_connect(probe, endpoint);
        if (rc != 0)
            snprintf(err, errlen, "invalid broker endpoint \"%s\": %s", endpoint,
                     zmq_strerror(zmq_errno()));
        if (probe)
            zmq_close(probe);
        if (rc != 0)
            goto fail;
    }
    uv_timer_init(loop, &u->sweep);
    u->sweep.data = u;
    uv_timer_start(&u->sweep, s_on_sweep, 50, 50);
    return u;
fail:
    /* Only the open broker's connection can exist here, and its watcher
     * creation is the last step of s_conn_for: nothing to unwatch. */
    if (u->zctx)
        zmq_ctx_term(u->zctx);
    free(u->endpoint);
    free(u->keys);
    free(u->pend);
    free(u);
    return NULL;
}

gw_up_call_rc_t gw_upstream_call(gw_upstream_t *u, const char *account, const char *region,
                                 const char *action, const char *input_json, void *call_ctx,
                                 char *err, size_t errlen)
{
    if (u->npend >= GW_UPSTREAM_MAX_PENDING) {
        snprintf(err, errlen, "too many calls pending");
        return GW_UP_CALL_BUSY;
    }
    gw_up_call_rc_t rc = GW_UP_CALL_BUSY;
    s_conn_t *conn = s_conn_for(u, account, &rc, err, errlen);
    if (!conn)
        return rc;
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
    if (vs_wire_encode(&env, &p->frame, &p->frame_len) != 0) {
        snprintf(err, errlen, "cannot encode the request");
        return GW_UP_CALL_BUSY;
    }
    p->msg_id = env.msg_id;
    p->conn = conn;
    p->call_ctx = call_ctx;
    p->deadline_ms = uv_now(u->loop) + u->timeout_ms;
    u->npend++;
    s_try_send(p);
    return GW_UP_CALL_OK;
}

size_t gw_upstream_conn_count(const gw_upstream_t *u)
{
    return u ? u->nconns : 0;
}

static void s_on_sweep_closed(uv_handle_t *h)
{
    gw_upstream_t *u = h->data;
    u->sweep_closed = true;
    s_free_if_done(u);
}

void gw_upstream_close(gw_upstream_t **up)
{
    if (!up || !*up)
        return;
    gw_upstream_t *u = *up;
    *up = NULL;
    u->shutting = true;
    while (u->npend > 0)
        s_finish(u, u->npend - 1, GW_UP_CANCELLED, NULL);
    while (u->nconns > 0)
        s_conn_drop(u, u->nconns - 1, GW_UP_CANCELLED);
    uv_timer_stop(&u->sweep);
    uv_close((uv_handle_t *)&u->sweep, s_on_sweep_closed);
}
