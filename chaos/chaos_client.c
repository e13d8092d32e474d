/* chaos_client: many calls in flight over a few DEALERs (see chaos_client.h). */
#include "chaos_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "keys.h"
#include "transport.h"
#include "wire.h"

typedef struct {
    bool used;
    uint8_t *unsent;        /* not handed to ZeroMQ yet (no connection): the
                               encoded request, retried until the deadline */
    size_t unsent_len;
    uint64_t msg_id;
    size_t client;
    size_t sock;            /* index in socks: replies come back on it */
    double deadline;
    uint64_t tag;
} s_call_t;

/* One connection. Without keys each client has one; with keys, one per
 * principal it acts as (a client key acts only as its own account, admin
 * operations need the admin key), made on first use. */
typedef struct {
    void *sock;
    size_t client;
    char who[64];           /* the principal's user id; "" without keys */
} s_sock_t;

struct ch_client {
    void *ctx;
    char *endpoint;
    char *keys;             /* keyring dir; NULL: no keys */
    s_sock_t *socks;
    size_t nsocks, capsocks;
    size_t nclients;
    size_t *inflight_of;
    s_call_t *calls;
    size_t ncalls, cap;     /* calls[0..ncalls) may have holes (used == false) */
    size_t inflight;
    uint64_t next_id;
    ch_call_done_fn done;
    void *done_ctx;
};

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The socket of `client` acting as `who` (NULL: the admin), made and
 * connected on first use. -1 on failure (err set). */
static long s_sock_for(ch_client_t *cl, size_t client, const vs_principal_t *who, char *err,
                       size_t errlen)
{
    char name[64] = "";
    vs_principal_t admin = { .kind = VS_PRINCIPAL_ADMIN };
    if (cl->keys)
        vs_principal_format(who ? who : &admin, name, sizeof name);
    for (size_t i = 0; i < cl->nsocks; i++)
        if (cl->socks[i].client == client && strcmp(cl->socks[i].who, name) == 0)
            return (long)i;
    if (cl->nsocks == cl->capsocks) {
        size_t cap = cl->capsocks ? cl->capsocks * 2 : 16;
        s_sock_t *n = realloc(cl->socks, cap * sizeof *n);
        if (!n) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        cl->socks = n;
        cl->capsocks = cap;
    }
    void *s = zmq_socket(cl->ctx, ZMQ_DEALER);
    if (!s) {
        snprintf(err, errlen, "cannot create a ZeroMQ socket: %s", zmq_strerror(zmq_errno()));
        return -1;
    }
    int zero = 0, one = 1, hwm = 100000;
    int64_t maxmsg = VS_WIRE_MAX_FRAME;
    zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(s, ZMQ_IMMEDIATE, &one, sizeof one);
    zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg);
    zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
    if ((cl->keys && vs_keys_secure_client(s, cl->keys, who ? who : &admin, err, errlen) != 0) ||
        zmq_connect(s, cl->endpoint) != 0) {
        if (!cl->keys || !*err)
            snprintf(err, errlen, "invalid broker endpoint \"%s\": %s", cl->endpoint,
                     zmq_strerror(zmq_errno()));
        zmq_close(s);
        return -1;
    }
    s_sock_t *e = &cl->socks[cl->nsocks];
    e->sock = s;
    e->client = client;
    snprintf(e->who, sizeof e->who, "%s", name);
    return (long)cl->nsocks++;
}

ch_client_t *ch_client_new(const char *endpoint, const char *keys, size_t nclients,
                           ch_call_done_fn done, void *ctx, char *err, size_t errlen)
{
    ch_client_t *cl = calloc(1, sizeof *cl);
    if (!cl || nclients == 0) {
        snprintf(err, errlen, "out of memory");
        free(cl);
        return NULL;
    }
    cl->done = done;
    cl->done_ctx = ctx;
    /* msg_ids are unique per sender; a random start keeps two runs (or a
     * restarted broker's memory of them) from ever mixing replies. */
    cl->next_id = cli_random_u64() >> 2;
    cl->ctx = zmq_ctx_new();
    cl->endpoint = strdup(endpoint);
    cl->keys = keys && *keys ? strdup(keys) : NULL;
    cl->inflight_of = calloc(nclients, sizeof *cl->inflight_of);
    if (!cl->ctx || !cl->endpoint || (keys && *keys && !cl->keys) || !cl->inflight_of) {
        snprintf(err, errlen, "out of memory");
        ch_client_destroy(&cl);
        return NULL;
    }
    cl->nclients = nclients;
    /* Without keys every client connects now, as one socket serves all
     * accounts; with keys sockets come with their principals. */
    for (size_t i = 0; !cl->keys && i < nclients; i++)
        if (s_sock_for(cl, i, NULL, err, errlen) < 0) {
            ch_client_destroy(&cl);
            return NULL;
        }
    return cl;
}

static void s_report(ch_client_t *cl, s_call_t *c, const ch_call_result_t *r)
{
    uint64_t tag = c->tag;
    free(c->unsent);
    c->unsent = NULL;
    cl->inflight--;
    cl->inflight_of[c->client]--;
    c->used = false;
    /* The slot is free before the callback runs, which may start new calls. */
    cl->done(cl->done_ctx, tag, r);
}

void ch_client_destroy(ch_client_t **clp)
{
    if (!clp || !*clp)
        return;
    ch_client_t *cl = *clp;
    ch_call_result_t r = { CH_CALL_UNKNOWN, NULL, "cancelled", "the run ended first" };
    for (size_t i = 0; i < cl->ncalls; i++)
        if (cl->calls[i].used)
            s_report(cl, &cl->calls[i], &r);
    for (size_t i = 0; cl->socks && i < cl->nsocks; i++)
        zmq_close(cl->socks[i].sock);
    if (cl->ctx)
        zmq_ctx_term(cl->ctx);
    free(cl->socks);
    free(cl->endpoint);
    free(cl->keys);
    free(cl->inflight_of);
    free(cl->calls);
    free(cl);
    *clp = NULL;
}

static s_call_t *s_slot(ch_client_t *cl)
{
    for (size_t i = 0; i < cl->ncalls; i++)
        if (!cl->calls[i].used)
            return &cl->calls[i];
    if (cl->ncalls == cl->cap) {
        size_t cap = cl->cap ? cl->cap * 2 : 64;
        s_call_t *n = realloc(cl->calls, cap * sizeof *n);
        if (!n)
            return NULL;
        cl->calls = n;
        cl->cap = cap;
    }
    return &cl->calls[cl->ncalls++];
}

static int s_start(ch_client_t *cl, size_t client, const vs_principal_t *who, vs_env_t *env,
                   double timeout_s, uint64_t tag)
{
    if (client >= cl->nclients)
        client %= cl->nclients;
    char err[256] = "";
    long sock = s_sock_for(cl, client, who, err, sizeof err);
    if (sock < 0) {
        fprintf(stderr, "vpcsim chaos: %s\n", err);
        return -1;
    }
    s_call_t *c = s_slot(cl);
    if (!c)
        return -1;
    env->msg_id = ++cl->next_id;
    *c = (s_call_t){ .used = true, .msg_id = env->msg_id, .client = client, .sock = (size_t)sock,
                     .deadline = s_now() + timeout_s, .tag = tag };
    cl->inflight++;
    cl->inflight_of[client]++;
    if (vs_wire_send(cl->socks[sock].sock, env, ZMQ_DONTWAIT) != 0 &&
        vs_wire_encode(env, &c->unsent, &c->unsent_len) != 0)
        c->unsent = NULL;   /* out of memory: it times out as unknown */
    return 0;
}

int ch_client_api(ch_client_t *cl, size_t client, const char *account, const char *region,
                  const char *action, const char *input_json, double timeout_s, uint64_t tag)
{
    Vpcsim__Wire__ApiRequest rq = VPCSIM__WIRE__API_REQUEST__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    rq.action = (char *)action;
    rq.input_json = (char *)input_json;
    rq.account = (char *)account;
    rq.region = (char *)region;
    to.account = (char *)account;
    to.region = (char *)region;
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
    env.api_request = &rq;
    vs_principal_t who;
    if (vs_principal_client(account, &who) != 0)
        return -1;
    return s_start(cl, client, &who, &env, timeout_s, tag);
}

int ch_client_admin(ch_client_t *cl, size_t client, const char *op, int64_t seconds,
                    const char *args_json, double timeout_s, uint64_t tag)
{
    Vpcsim__Wire__AdminRequest rq = VPCSIM__WIRE__ADMIN_REQUEST__INIT;
    rq.op = (char *)op;
    rq.seconds = seconds;
    rq.args_json = (char *)(args_json ? args_json : "");
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REQUEST;
    env.admin_request = &rq;
    return s_start(cl, client, NULL, &env, timeout_s, tag);
}

size_t ch_client_inflight(const ch_client_t *cl)
{
    return cl->inflight;
}

size_t ch_client_inflight_of(const ch_client_t *cl, size_t client)
{
    return client < cl->nclients ? cl->inflight_of[client] : 0;
}

static uint64_t s_in_reply_to(const vs_env_t *e)
{
    switch (e->body_case) {
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY: return e->api_reply->in_reply_to;
    case VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REPLY: return e->admin_reply->in_reply_to;
    case VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE: return e->undeliverable->in_reply_to;
    default: return 0;
    }
}

/* Reports the call a reply answers; the reply is ours to free. */
static int s_on_reply(ch_client_t *cl, size_t sock, vs_env_t *e)
{
    uint64_t id = s_in_reply_to(e);
    s_call_t *c = NULL;
    for (size_t i = 0; id && i < cl->ncalls && !c; i++)
        if (cl->calls[i].used && cl->calls[i].msg_id == id && cl->calls[i].sock == sock)
            c = &cl->calls[i];
    if (!c)
        return 0;     /* late (already reported unknown) or not ours */
    ch_call_result_t r = { CH_CALL_UNKNOWN, NULL, "no answer", "" };
    vs_json_t *doc = NULL;
    const char *out = NULL;
    char why[160] = "";
    if (e->body_case == VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE) {
        r.code = "undeliverable";
        r.message = e->undeliverable->detail ? e->undeliverable->detail : "";
    } else if (e->body_case == VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY && !e->api_reply->ok) {
        r = (ch_call_result_t){ CH_CALL_FAIL, NULL, e->api_reply->error_code ?: "",
                                e->api_reply->error_message ?: "" };
    } else if (e->body_case == VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REPLY && !e->admin_reply->ok) {
        r = (ch_call_result_t){ CH_CALL_FAIL, NULL, "AdminError", e->admin_reply->error_message ?: "" };
    } else {
        out = e->body_case == VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY ? e->api_reply->output_json
                                                                     : e->admin_reply->output_json;
        doc = out && *out ? vs_json_parse(out, strlen(out), why, sizeof why) : vs_json_object();
        if (doc)
            r = (ch_call_result_t){ CH_CALL_OK, doc, NULL, NULL };
        else
            r = (ch_call_result_t){ CH_CALL_UNKNOWN, NULL, "malformed reply", why };
    }
    s_report(cl, c, &r);
    vs_json_free(&doc);
    return 1;
}

static int s_drain(ch_client_t *cl, size_t sock)
{
    int n = 0;
    for (int k = 0; k < 256; k++) {
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, cl->socks[sock].sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&msg);
            break;
        }
        vs_env_t *e = vs_wire_decode(zmq_msg_data(&msg), zmq_msg_size(&msg), NULL, 0);
        bool more = zmq_msg_more(&msg);
        zmq_msg_close(&msg);
        while (more) {     /* one frame per message: a multipart one is not ours */
            zmq_msg_init(&msg);
            zmq_msg_recv(&msg, cl->socks[sock].sock, ZMQ_DONTWAIT);
            more = zmq_msg_more(&msg);
            zmq_msg_close(&msg);
        }
        if (e) {
            n += s_on_reply(cl, sock, e);
            vs_wire_free(&e);
        }
    }
    return n;
}

int ch_client_poll(ch_client_t *cl, int timeout_ms)
{
    int n = 0;
    double now = s_now();
    /* Requests waiting for a connection (the broker is starting or was
     * restarted) go out as soon as there is one. */
    for (size_t i = 0; i < cl->ncalls; i++) {
        s_call_t *c = &cl->calls[i];
        if (c->used && c->unsent &&
            zmq_send(cl->socks[c->sock].sock, c->unsent, c->unsent_len, ZMQ_DONTWAIT) >= 0) {
            free(c->unsent);
            c->unsent = NULL;
        }
    }
    double next = now + timeout_ms / 1000.0;
    for (size_t i = 0; i < cl->ncalls; i++)
        if (cl->calls[i].used && cl->calls[i].deadline < next)
            next = cl->calls[i].deadline;
    long wait = next <= now ? 0 : (long)((next - now) * 1000.0 + 0.999);
    zmq_pollitem_t items[256];
    size_t np = cl->nsocks < 256 ? cl->nsocks : 256;
    for (size_t i = 0; i < np; i++)
        items[i] = (zmq_pollitem_t){ cl->socks[i].sock, 0, ZMQ_POLLIN, 0 };
    bool waiting = false;
    for (size_t i = 0; i < cl->ncalls && !waiting; i++)
        waiting = cl->calls[i].used && cl->calls[i].unsent;
    if (waiting && wait > 10)
        wait = 10;      /* ZMQ_POLLOUT cannot tell us when a connection appears */
    int rc = zmq_poll(items, (int)np, wait);
    if (rc < 0 && zmq_errno() == EINTR)
        return n;
    for (size_t i = 0; i < np; i++)
        n += s_drain(cl, i);
    now = s_now();
    for (size_t i = 0; i < cl->ncalls; i++) {
        s_call_t *c = &cl->calls[i];
        if (c->used && c->deadline <= now) {
            ch_call_result_t r = { CH_CALL_UNKNOWN, NULL, "timeout", "no answer within the timeout" };
            if (c->unsent)
                r = (ch_call_result_t){ CH_CALL_UNKNOWN, NULL, "not sent", "broker not reachable" };
            s_report(cl, c, &r);
            n++;
        }
    }
    return n;
}
