/* bclient: see bclient.h. */
#include "bclient.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "bjson.h"

#define S_SLOTS (1u << 20)   /* calls in flight are looked up by msg_id % S_SLOTS */
#define S_ARENA (64u << 10)  /* an ordinary reply's tree; a batched describe spills */

typedef struct {
    uint64_t id, tag, sent_ns;
} s_call_t;

struct vs_bclient {
    void *ctx, *sock;
    uint64_t next_id;
    s_call_t *calls;
    size_t inflight;
    /* The reply last returned by vs_bclient_recv: its tree is decoded into
     * arena and points into msg, so both live until the next recv. */
    vs_env_t *env;
    zmq_msg_t msg;
    /* The call last made, not sent yet: calls made one after the other
     * (while replies are queued) leave as the parts of one message,
     * ended by s_flush when there is nothing left to read, so that the
     * client, its I/O thread and the broker's wake once per burst. */
    zmq_msg_t pend;
    bool pending;
    vs_arena_t arena;
    _Alignas(16) uint8_t space[S_ARENA];
};

uint64_t vs_bnow_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int vs_bparty_parse(const char *s, vs_bparty_t *p)
{
    const char *c = strchr(s, ':');
    if (!c || c - s != 12 || strlen(c + 1) == 0 || strlen(c + 1) >= sizeof p->region)
        return -1;
    snprintf(p->account, sizeof p->account, "%.12s", s);
    snprintf(p->region, sizeof p->region, "%s", c + 1);
    return 0;
}

vs_bclient_t *vs_bclient_new(const char *endpoint)
{
    vs_bclient_t *cl = calloc(1, sizeof *cl);
    if (!cl)
        return NULL;
    cl->calls = calloc(S_SLOTS, sizeof *cl->calls);
    cl->arena = (vs_arena_t)VS_ARENA_INIT(cl->space);
    zmq_msg_init(&cl->msg);
    cl->ctx = zmq_ctx_new();
    cl->sock = cl->ctx ? zmq_socket(cl->ctx, ZMQ_DEALER) : NULL;
    int zero = 0, hwm = 1000000;
    if (!cl->calls || !cl->sock) {
        vs_bclient_destroy(&cl);
        return NULL;
    }
    zmq_setsockopt(cl->sock, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(cl->sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(cl->sock, ZMQ_RCVHWM, &hwm, sizeof hwm);
    if (zmq_connect(cl->sock, endpoint) != 0)
        vs_bclient_destroy(&cl);
    return cl;
}

void vs_bclient_destroy(vs_bclient_t **pcl)
{
    vs_bclient_t *cl = pcl ? *pcl : NULL;
    if (!cl)
        return;
    vs_bclient_release(cl);
    zmq_msg_close(&cl->msg);
    if (cl->pending)
        zmq_msg_close(&cl->pend);
    if (cl->sock)
        zmq_close(cl->sock);
    if (cl->ctx)
        zmq_ctx_term(cl->ctx);
    free(cl->calls);
    free(cl);
    *pcl = NULL;
}

void *vs_bclient_zctx(vs_bclient_t *cl)
{
    return cl->ctx;
}

size_t vs_bclient_inflight(const vs_bclient_t *cl)
{
    return cl->inflight;
}

static int s_send(vs_bclient_t *cl, vs_env_t *env, uint64_t tag)
{
    env->msg_id = ++cl->next_id;
    s_call_t *c = &cl->calls[env->msg_id % S_SLOTS];
    if (c->id) {
        fprintf(stderr, "vpcsim-bench: more than %u calls in flight\n", S_SLOTS);
        return -1;
    }
    *c = (s_call_t){ env->msg_id, tag, vs_bnow_ns() };
    vs_wire_sized_t sz;
    size_t n = vs_wire_packed_size(env, &sz);
    zmq_msg_t m;
    if (n > VS_WIRE_MAX_FRAME || zmq_msg_init_size(&m, n) != 0) {
        c->id = 0;
        return -1;
    }
    vs_wire_pack(env, &sz, zmq_msg_data(&m));
    if (cl->pending && zmq_msg_send(&cl->pend, cl->sock, ZMQ_SNDMORE) < 0) {
        zmq_msg_close(&cl->pend);
        cl->pending = false;
        zmq_msg_close(&m);
        c->id = 0;
        return -1;
    }
    cl->pend = m;
    cl->pending = true;
    cl->inflight++;
    return 0;
}

/* Sends the last call made, which ends the message. */
static int s_flush(vs_bclient_t *cl)
{
    if (!cl->pending)
        return 0;
    cl->pending = false;
    if (zmq_msg_send(&cl->pend, cl->sock, 0) < 0) {
        zmq_msg_close(&cl->pend);
        return -1;
    }
    return 0;
}

int vs_bclient_call(vs_bclient_t *cl, const vs_bparty_t *p, const char *action,
                    const char *input_json, uint64_t tag)
{
    Vpcsim__Wire__ApiRequest rq = VPCSIM__WIRE__API_REQUEST__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    rq.action = (char *)action;
    rq.input_json = (char *)input_json;
    rq.account = (char *)p->account;
    rq.region = (char *)p->region;
    to.account = (char *)p->account;
    to.region = (char *)p->region;
    vs_env_t env;
    vpcsim__wire__envelope__init(&env);
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
    env.api_request = &rq;
    return s_send(cl, &env, tag);
}

int vs_bclient_admin(vs_bclient_t *cl, const char *op, int64_t seconds, uint64_t tag)
{
    Vpcsim__Wire__AdminRequest rq = VPCSIM__WIRE__ADMIN_REQUEST__INIT;
    rq.op = (char *)op;
    rq.seconds = seconds;
    vs_env_t env;
    vpcsim__wire__envelope__init(&env);
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REQUEST;
    env.admin_request = &rq;
    return s_send(cl, &env, tag);
}

static uint64_t s_reply_to(const vs_env_t *env)
{
    switch (env->body_case) {
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY: return env->api_reply->in_reply_to;
    case VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REPLY: return env->admin_reply->in_reply_to;
    case VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE: return env->undeliverable->in_reply_to;
    default: return 0;
    }
}

void vs_bclient_release(vs_bclient_t *cl)
{
    if (cl->env)
        vs_wire_free_in(&cl->env, &cl->arena);
}

vs_env_t *vs_bclient_recv(vs_bclient_t *cl, uint64_t *tag, uint64_t *sent_ns, int timeout_ms)
{
    vs_bclient_release(cl);
    for (;;) {
        /* Most replies are already queued when we ask (many calls in
         * flight): try first, and poll only when there is nothing yet. */
        if (zmq_msg_recv(&cl->msg, cl->sock, ZMQ_DONTWAIT) < 0) {
            zmq_pollitem_t it = { cl->sock, 0, ZMQ_POLLIN, 0 };
            if (zmq_errno() != EAGAIN || s_flush(cl) != 0 ||
                zmq_poll(&it, 1, timeout_ms) <= 0 ||
                zmq_msg_recv(&cl->msg, cl->sock, ZMQ_DONTWAIT) < 0)
                return NULL;
        }
        vs_env_t *env = vs_wire_decode_in(&cl->arena, zmq_msg_data(&cl->msg),
                                          zmq_msg_size(&cl->msg), NULL, 0);
        if (!env)
            continue;
        uint64_t id = s_reply_to(env);
        s_call_t *c = &cl->calls[id % S_SLOTS];
        if (!id || c->id != id) {
            vs_wire_free_in(&env, &cl->arena);
            continue;
        }
        *tag = c->tag;
        *sent_ns = c->sent_ns;
        c->id = 0;
        cl->inflight--;
        cl->env = env;
        return env;
    }
}

char *vs_bclient_call_sync(vs_bclient_t *cl, const vs_bparty_t *p, const char *action,
                           const char *input_json, char *err, size_t errlen)
{
    const uint64_t mine = UINT64_MAX;
    if (vs_bclient_call(cl, p, action, input_json, mine) != 0) {
        snprintf(err, errlen, "cannot send %s", action);
        return NULL;
    }
    for (;;) {
        uint64_t tag, sent;
        vs_env_t *env = vs_bclient_recv(cl, &tag, &sent, 10000);
        if (!env) {
            snprintf(err, errlen, "%s: no answer within 10 s", action);
            return NULL;
        }
        if (tag != mine)     /* a late reply to an earlier asynchronous call */
            continue;
        char *out = NULL;
        if (env->body_case != VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY)
            snprintf(err, errlen, "%s: undeliverable: %s", action,
                     env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE
                         ? env->undeliverable->detail : "unexpected answer");
        else if (!env->api_reply->ok)
            snprintf(err, errlen, "%s: %s: %s", action, env->api_reply->error_code,
                     env->api_reply->error_message);
        else if (!(out = strdup(env->api_reply->output_json)))
            snprintf(err, errlen, "out of memory");
        vs_bclient_release(cl);
        return out;
    }
}

int vs_breply_field(const vs_env_t *env, const char *obj, const char *key, char *out,
                    size_t outlen)
{
    if (env->body_case != VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY || !env->api_reply->ok)
        return -1;
    const char *txt = env->api_reply->output_json;
    return vs_bjson_field(txt, strlen(txt), obj, key, out, outlen);
}

static int s_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void vs_bsort(uint64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, s_cmp_u64);
}

uint64_t vs_bquantile(const uint64_t *sorted, size_t n, double q)
{
    if (n == 0)
        return 0;
    size_t i = (size_t)(q * (double)n);
    return sorted[i < n ? i : n - 1];
}

const char *vs_breply_error(const vs_env_t *env)
{
    if (env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE)
        return env->undeliverable->detail;
    if (env->body_case != VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY)
        return "unexpected answer";
    return env->api_reply->ok ? "ok" : env->api_reply->error_message;
}

int vs_bclient_batch(vs_bclient_t *cl, size_t n, int window, vs_bitem_fn *item,
                     vs_breply_fn *reply, void *ctx, const char *what)
{
    size_t next = 0, done = 0, *resend = calloc(n ? n : 1, sizeof *resend), nresend = 0;
    char in[2048];
    int rc = -1;
    if (!resend)
        return -1;
    size_t base = vs_bclient_inflight(cl);
    while (done < n) {
        while ((next < n || nresend) && vs_bclient_inflight(cl) - base < (size_t)window) {
            size_t i = nresend ? resend[--nresend] : next++;
            const vs_bparty_t *p;
            const char *action;
            if (item(ctx, i, &p, &action, in, sizeof in) != 0 ||
                vs_bclient_call(cl, p, action, in, i) != 0) {
                fprintf(stderr, "vpcsim-bench: %s: cannot send call %zu\n", what, i);
                goto out;
            }
        }
        uint64_t tag, sent;
        vs_env_t *env = vs_bclient_recv(cl, &tag, &sent, 10000);
        if (!env) {
            fprintf(stderr, "vpcsim-bench: %s: no answer after %zu of %zu\n", what, done, n);
            goto out;
        }
        int r = tag < n ? reply(ctx, (size_t)tag, env) : -1;
        if (r < 0)
            fprintf(stderr, "vpcsim-bench: %s: %s\n", what, vs_breply_error(env));
        vs_bclient_release(cl);
        if (r < 0)
            goto out;
        if (r == 1)
            resend[nresend++] = (size_t)tag;
        else
            done++;
    }
    rc = 0;
out:
    free(resend);
    return rc;
}
