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

static int s_push(agent_t *a, const frame_t *f)
{
    if (a->sendq_len == a->sendq_cap) {
        size_t cap = a->sendq_cap ? a->sendq_cap * 2 : 64;
        frame_t *q = realloc(a->sendq, cap * sizeof *q);
        if (!q)
            return -1;
        a->sendq = q;
        a->sendq_cap = cap;
    }
    a->sendq[a->sendq_len++] = *f;
    return 0;
}

/* The agent a frame goes to, kept if it fits (else the frame carries no
 * acks and is never mistaken for one to another agent). */
static bool s_set_dest(frame_t *f, const char *account, const char *region)
{
    if (!account || !region || !account[0] || !region[0] ||
        strlen(account) >= sizeof f->to_account || strlen(region) >= sizeof f->to_region)
        return false;
    memcpy(f->to_account, account, strlen(account) + 1);
    memcpy(f->to_region, region, strlen(region) + 1);
    return true;
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
    if (env->body_case == VPCSIM__WIRE__ENVELOPE__BODY_PEER && env->to &&
        s_set_dest(&f, env->to->account, env->to->region))
        f.kind = FRAME_PEER;
    if (vs_wire_encode(env, &f.buf, &f.len) != 0) {
        VS_ERROR("cannot encode an outgoing message (too large?)");
        return;
    }
    if (s_push(a, &f) != 0) {
        free(f.buf);
        VS_ERROR("out of memory queueing a message");
    }
}

/* An ack is a frame without bytes until the turn has committed: a turn
 * that fails drops it with its other frames (agent_full.c), so no ack ever
 * promises what did not reach the disk. */
void agent__queue_ack(agent_t *a, const char *account, const char *region, uint64_t msg_id,
                      bool alone)
{
    frame_t f = { .kind = FRAME_ACK, .acked = msg_id, .alone = alone };
    if (!s_set_dest(&f, account, region) || s_push(a, &f) != 0)
        VS_DEBUG("ack of %" PRIu64 " not queued: the sender resends, and it is acked then",
                 msg_id);
}

static bool s_same_dest(const frame_t *x, const frame_t *y)
{
    return !strcmp(x->to_account, y->to_account) && !strcmp(x->to_region, y->to_region);
}

/* Appends the acks to an encoded envelope: its own encoding followed by
 * an Envelope holding only `acks` parses as the envelope with those acks. */
static int s_append_acks(frame_t *carrier, uint64_t *ids, size_t n)
{
    vs_env_t e;
    vpcsim__wire__envelope__init(&e);
    e.n_acks = n;
    e.acks = ids;
    vs_wire_sized_t sz;
    size_t add = vs_wire_packed_size(&e, &sz);
    if (carrier->len + add > VS_WIRE_MAX_FRAME)
        return -1;
    uint8_t *buf = realloc(carrier->buf, carrier->len + add);
    if (!buf)
        return -1;
    vs_wire_pack(&e, &sz, buf + carrier->len);
    carrier->buf = buf;
    carrier->len += add;
    return 0;
}

/* The turn has committed: the acks owed to each agent go out together,
 * on the first peer message of the turn to that agent, else (or when one
 * of them must go alone) in one Ack envelope that takes the place of the
 * first of them in the queue. */
static void s_settle_acks(agent_t *a)
{
    uint64_t *ids = NULL;
    for (size_t i = 0; i < a->sendq_len; i++) {
        frame_t *f = &a->sendq[i];
        if (f->kind != FRAME_ACK)
            continue;
        if (!ids && !(ids = malloc(a->sendq_len * sizeof *ids)))
            return;     /* unsent acks: the senders resend, and are acked then */
        size_t n = 0;
        bool alone = false;
        frame_t *carrier = NULL;
        for (size_t j = 0; j < a->sendq_len; j++) {
            frame_t *g = &a->sendq[j];
            if (g->kind == FRAME_OTHER || !s_same_dest(f, g))
                continue;
            if (g->kind == FRAME_PEER && !carrier) {
                carrier = g;
            } else if (g->kind == FRAME_ACK && j >= i) {
                ids[n++] = g->acked;
                if (g->alone && !alone) {
                    /* First, where an older agent (which reads no
                     * more_acked) finds it. */
                    ids[n - 1] = ids[0];
                    ids[0] = g->acked;
                }
                alone |= g->alone;
                g->kind = FRAME_OTHER;    /* settled; no bytes, so not sent */
            }
        }
        if (carrier && !alone && s_append_acks(carrier, ids, n) == 0)
            continue;
        Vpcsim__Wire__Ack ack = VPCSIM__WIRE__ACK__INIT;
        Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
        ack.acked_msg_id = ids[0];
        ack.n_more_acked = n - 1;
        ack.more_acked = ids + 1;
        to.account = f->to_account;
        to.region = f->to_region;
        vs_env_t out;
        agent__env_init(a, &out);
        out.to = &to;
        out.body_case = VPCSIM__WIRE__ENVELOPE__BODY_ACK;
        out.ack = &ack;
        if (vs_wire_encode(&out, &f->buf, &f->len) != 0)
            VS_ERROR("cannot encode an ack");
    }
    free(ids);
}

/* The frame to send after (*pass, *i) in that order: on pass 0 the
 * others, on pass 1 the replies; NULL after the last. */
static frame_t *s_next_to_send(agent_t *a, int *pass, size_t *i)
{
    for (; *pass < 2; (*pass)++, *i = 0)
        while (*i < a->sendq_len) {
            frame_t *f = &a->sendq[(*i)++];
            if (f->buf && f->is_reply == (*pass == 1))
                return f;
        }
    return NULL;
}

/* The turn's peer messages (and VPC updates) go before its replies. A
 * reply lets its caller go on at once, and the next call often goes to
 * the agent a message of this turn is for (accept right after create):
 * the broker relays in the order it reads, so sent first the message
 * gets there first, and the call does not find the agent behind. Held
 * messages are released at the turn's end, after replies were queued,
 * so queue order would put them last: under load the broker read a
 * turn's hundreds of replies, the callers' next calls among them, before
 * the bundle, and 20-40 % of accepts found no Request yet and were
 * retried (bench/handshake.c counts them).
 *
 * The frames go as the parts of one ZeroMQ message (proto/wire.proto):
 * libzmq hands a message to its I/O thread, and wakes it, only at its
 * last part, so a turn costs one wake-up of the I/O thread (and one of
 * the broker's) rather than one per frame, and the frames leave in few
 * TCP writes. bench/cpu.sh, three runs each way: 113 -> 102 us of CPU per
 * answered handshake, 157 -> 150 settled. libzmq takes the parts after
 * the first even at the high-water mark, so a message is sent whole or
 * (EAGAIN on its first part) not at all: the outbox resends. The broker
 * sees none of a message until its last part has arrived, so a message
 * ends before it would pass AGENT_SEND_MSG_BYTES (a turn of many large
 * describe replies goes as several). */
void agent__flush_sendq(agent_t *a)
{
    s_settle_acks(a);
    int pass = 0;
    size_t i = 0, bytes = 0;
    for (frame_t *f = s_next_to_send(a, &pass, &i), *next; f; f = next) {
        next = s_next_to_send(a, &pass, &i);
        bytes += f->len;
        bool more = next && bytes + next->len <= AGENT_SEND_MSG_BYTES;
        if (!more)
            bytes = 0;
        if (zmq_send(a->dealer, f->buf, f->len, ZMQ_DONTWAIT | (more ? ZMQ_SNDMORE : 0)) < 0 &&
            errno != EAGAIN)
            VS_DEBUG("send failed: %s", zmq_strerror(errno));
    }
    for (size_t k = 0; k < a->sendq_len; k++)
        free(a->sendq[k].buf);
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
    if (ok && output && strlen(output) > VS_WIRE_MAX_STRING) {
        /* The broker would refuse the frame and the caller would wait for
         * an answer that never comes: a clear error instead. */
        VS_WARN("reply to %" PRIu64 ": %zu bytes of output, over the %u-byte message limit",
                in_reply_to, strlen(output), VS_WIRE_MAX_STRING);
        ok = false;
        output = NULL;
        code = "InternalError";
        message = "The response is larger than vpcsim's 1 MiB message limit. Ask for it in "
                  "pages: MaxResults and NextToken (--page-size with the CLI).";
    }
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
