/* agent_send: building and sending envelopes: liveness, API replies, the
 * peer messages and notices the model emits. Everything but liveness is
 * queued and sent only after the turn has committed. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "agent_priv.h"
#include "json.h"
#include "log.h"

/* ------------------------------------------------------------------ */
/* sending                                                             */

static uint64_t s_msg_id(agent_t *a) { return a->next_msg_id++; }

void agent__env_init(agent_t *a, vs_env_t *env)
{
    vpcsim__wire__envelope__init(env);
    env->msg_id = s_msg_id(a);
    env->sim_time_ms = simclock_now(&a->sclock);
}

/* Sends now (for liveness traffic that needs no durability). */
void agent__send_now(agent_t *a, const vs_env_t *env)
{
    if (vs_wire_send(a->dealer, env, ZMQ_DONTWAIT) != 0 && errno != EAGAIN)
        VS_DEBUG("send failed: %s", zmq_strerror(errno));
}

/* Queues an encoded envelope until the end of the turn's commit. */
void agent__queue(agent_t *a, const vs_env_t *env)
{
    frame_t f = { 0 };
    if (env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY && env->to &&
        env->to->client_route.len <= sizeof f.route) {
        f.is_reply = true;
        f.in_reply_to = env->api_reply->in_reply_to;
        f.route_len = env->to->client_route.len;
        memcpy(f.route, env->to->client_route.data, f.route_len);
    }
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

void agent__flush_sendq(agent_t *a)
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

void agent__send_hello(agent_t *a)
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
    agent__env_init(a, &env);
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_HELLO;
    env.hello = &hello;
    agent__send_now(a, &env);
    for (size_t i = 0; i < hello.n_vpc_arns; i++)
        free(hello.vpc_arns[i]);
    free(hello.vpc_arns);
    a->last_hello_mono = simclock_mono_ms();
    VS_DEBUG("hello sent (%zu VPCs)", n);
}

/* ------------------------------------------------------------------ */
/* pending API calls                                                    */

uint64_t agent__pending_add(agent_t *a, const vs_env_t *req)
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

pending_t *agent__pending_take(agent_t *a, uint64_t token)
{
    pending_t **slot = &a->pending[token % AGENT_PENDING_CAP];
    pending_t *p = *slot;
    if (!p || p->token != token)
        return NULL;
    *slot = NULL;
    return p;
}

void agent__reply(agent_t *a, uint64_t in_reply_to, const uint8_t *route, size_t route_len,
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
    agent__env_init(a, &env);
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY;
    env.api_reply = &r;
    agent__queue(a, &env);
}
