/* simnet: see simnet.h. A discrete-event loop over three kinds of events:
 * message deliveries (ordered by delivery time, then send order), outbox
 * resends and model timers. Everything random comes from net->rng. */
#include "simnet.h"
#include "simstore.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pcx_wire.h"
#include "peer_bundle.h"
#include "reach_wire.h"
#include "service.h"
#include "sg_wire.h"

#define SIM_LATENCY_MS     1
#define SIM_RESEND_BASE_MS 200
#define SIM_RESEND_MAX_MS  2000

enum { M_PEER, M_ACK, M_UNDELIVERABLE };

typedef struct msg {
    uint64_t at, seq;
    int kind, from, to;
    uint64_t msg_id;
    uint8_t *payload;
    size_t len;
    bool has_ack;              /* M_PEER: an ack rides on it, as on the agents' */
    uint64_t ack;
} msg_t;

typedef struct outmsg {
    uint64_t msg_id;
    int to;                    /* agent index, -1 if nobody owns the address */
    uint8_t *payload;
    size_t len;
    uint64_t resend_at, backoff;
} outmsg_t;

typedef struct call {
    int agent;
    vs_simnet_reply_t reply;
    char *out, *code, *message;
} call_t;

typedef struct agent {
    char account[VS_ACCOUNT_LEN];
    char region[VS_REGION_LEN];
    vs_model_config_t cfg;
    vs_rng_t *rng;             /* own allocation: the model keeps a pointer
                                  to it while the agents array may move */
    vs_model_t *m;
    vs_simstore_t *store;      /* id -> persisted record (binary) */
    vs_json_t *seen;           /* "from:msg_id" of applied messages */
    outmsg_t *out;
    size_t nout;
} agent_t;

struct vs_simnet {
    vs_manual_clock_t mc;
    vs_clock_t clock;
    vs_rng_t rng;
    agent_t *a;
    size_t na;
    msg_t *q;
    size_t nq;
    uint64_t seq;
    call_t *calls;
    size_t ncalls;
    vs_simnet_faults_t faults;
    uint64_t jumped;           /* ms the clock jumped in all (vs_simnet_jump) */
    /* The ack owed for the message being delivered: it rides on the first
     * message its receiver sends back in the same turn, else goes alone
     * (agent_send.c coalesces the same way after the turn's commit). */
    struct { bool owed; int from, to; uint64_t msg_id; } ack;
    void (*trace)(void *ctx, const char *line);
    void *trace_ctx;
    /* Turns (vs_simnet_set_turns): the agent whose turn is running, whose
     * peer messages the model holds until the turn ends; else -1. */
    bool turns;
    int turn_agent;
};

static void s_trace(vs_simnet_t *net, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void s_trace(vs_simnet_t *net, const char *fmt, ...)
{
    if (!net->trace)
        return;
    char line[600];
    int n = snprintf(line, sizeof line, "t=%" PRIu64 " ", net->mc.now);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    net->trace(net->trace_ctx, line);
}

/* "Request pcx-0123..." from a payload, for the trace: a typed peering
 * message (pcx_wire.h) or a JSON one, described the same way. */
static void s_describe_one(const uint8_t *p, size_t len, char *out, size_t outlen)
{
    if (vs_pcx_wire_is_typed(p, len)) {
        vs_pcx_msg_t *msg = malloc(sizeof *msg);
        if (msg && vs_pcx_wire_decode(p, len, msg, NULL, 0) == 0)
            snprintf(out, outlen, "%s %s%s%s v%" PRId64, vs_pcx_msg_type_name(msg->type),
                     msg->id, msg->has_rec ? " " : "",
                     msg->has_rec ? vs_pcx_state_name(msg->rec.state) : "",
                     msg->has_rec ? (int64_t)msg->rec.version : 0);
        else
            snprintf(out, outlen, "? v0");
        free(msg);
        return;
    }
    if (vs_sgdir_wire_is_typed(p, len)) {
        /* As the JSON form below describes it. */
        vs_sgdir_msg_t msg;
        if (vs_sgdir_wire_decode(p, len, &msg) == 0)
            snprintf(out, outlen, "SgDir %s v%" PRIu64, msg.pcx_id, msg.ver);
        else
            snprintf(out, outlen, "? v0");
        vs_sgdir_msg_clear(&msg);
        return;
    }
    if (vs_reach_wire_is_typed(p, len)) {
        /* As the JSON form below describes it: "Probe nia-... v0",
         * "Sealed  v0" (its content is the receiver's only). */
        vs_reach_msg_type_t type;
        char id[VS_ID_LEN];
        if (vs_reach_wire_peek(p, len, &type, id, sizeof id) == 0)
            snprintf(out, outlen, "%s %s v0", vs_reach_msg_type_name(type), id);
        else
            snprintf(out, outlen, "? v0");
        return;
    }
    vs_json_t *j = vs_json_parse((const char *)p, len, NULL, 0);
    const char *t = j ? vs_json_get_str(j, "T") : NULL;
    const char *id = j ? vs_json_get_str(j, "Id") : NULL;
    const vs_json_t *pcx = j ? vs_json_get(j, "Pcx") : NULL;
    snprintf(out, outlen, "%s %s%s%s v%" PRId64, t ? t : "?", id ? id : "",
             pcx ? " " : "", pcx ? vs_json_get_str(pcx, "State") : "",
             pcx ? vs_json_get_int(pcx, "Version", 0) : 0);
    vs_json_free(&j);
}

/* A bundle (core/model/peer_bundle.h) as its parts, "Bundle[A; B]". */
static void s_describe_payload(const uint8_t *p, size_t len, char *out, size_t outlen)
{
    if (!vs_bundle_check(p, len, NULL)) {
        s_describe_one(p, len, out, outlen);
        return;
    }
    size_t used = (size_t)snprintf(out, outlen, "Bundle[");
    size_t off = 0, n;
    const uint8_t *part;
    for (int k = 0; used < outlen && vs_bundle_next(p, len, &off, &part, &n) == 1; k++) {
        char one[160];
        s_describe_one(part, n, one, sizeof one);
        used += (size_t)snprintf(out + used, outlen - used, "%s%s", k ? "; " : "", one);
    }
    if (used < outlen)
        snprintf(out + used, outlen - used, "]");
}

vs_simnet_t *vs_simnet_new(uint64_t seed, uint64_t t0_ms)
{
    vs_simnet_t *net = calloc(1, sizeof *net);
    if (!net)
        return NULL;
    net->mc.now = t0_ms;
    net->turn_agent = -1;
    net->clock = vs_manual_clock(&net->mc);
    vs_rng_seed(&net->rng, seed);
    return net;
}

static void s_free_calls(vs_simnet_t *net)
{
    for (size_t i = 0; i < net->ncalls; i++) {
        free(net->calls[i].out);
        free(net->calls[i].code);
        free(net->calls[i].message);
    }
    free(net->calls);
}

void vs_simnet_destroy(vs_simnet_t **netp)
{
    if (!netp || !*netp)
        return;
    vs_simnet_t *net = *netp;
    for (size_t i = 0; i < net->na; i++) {
        agent_t *a = &net->a[i];
        vs_model_destroy(&a->m);
        free(a->rng);
        vs_simstore_destroy(&a->store);
        vs_json_free(&a->seen);
        for (size_t k = 0; k < a->nout; k++)
            free(a->out[k].payload);
        free(a->out);
    }
    free(net->a);
    for (size_t i = 0; i < net->nq; i++)
        free(net->q[i].payload);
    free(net->q);
    s_free_calls(net);
    free(net);
    *netp = NULL;
}

static vs_model_t *s_make_model(vs_simnet_t *net, agent_t *a)
{
    vs_model_config_t c = a->cfg;
    c.account = a->account;
    c.region = a->region;
    c.clock = &net->clock;
    c.rng = a->rng;
    c.modules = vs_service_modules();
    return vs_model_new(&c);
}

int vs_simnet_add(vs_simnet_t *net, const char *account, const char *region,
                  const vs_model_config_t *cfg)
{
    agent_t *na = realloc(net->a, (net->na + 1) * sizeof *na);
    if (!na)
        return -1;
    net->a = na;
    agent_t *a = &net->a[net->na];
    memset(a, 0, sizeof *a);
    snprintf(a->account, sizeof a->account, "%s", account);
    snprintf(a->region, sizeof a->region, "%s", region);
    if (cfg)
        a->cfg = *cfg;
    a->rng = malloc(sizeof *a->rng);
    if (!a->rng)
        return -1;
    vs_rng_seed(a->rng, vs_rng_next(&net->rng));
    a->store = vs_simstore_new();
    a->seen = vs_json_object();
    a->m = s_make_model(net, a);
    if (!a->m || !a->store || !a->seen) {
        free(a->rng);
        vs_model_destroy(&a->m);
        vs_simstore_destroy(&a->store);
        vs_json_free(&a->seen);
        return -1;
    }
    return (int)net->na++;
}

int vs_simnet_find(const vs_simnet_t *net, const char *account, const char *region)
{
    for (size_t i = 0; i < net->na; i++)
        if (!strcmp(net->a[i].account, account) && !strcmp(net->a[i].region, region))
            return (int)i;
    return -1;
}

vs_model_t *vs_simnet_model(vs_simnet_t *net, int agent)
{
    return agent >= 0 && (size_t)agent < net->na ? net->a[agent].m : NULL;
}

size_t vs_simnet_agents(const vs_simnet_t *net) { return net->na; }

void vs_simnet_set_turns(vs_simnet_t *net, bool on)
{
    net->turns = on;
}

void vs_simnet_set_faults(vs_simnet_t *net, const vs_simnet_faults_t *f)
{
    memset(&net->faults, 0, sizeof net->faults);
    if (f)
        net->faults = *f;
}

void vs_simnet_set_trace(vs_simnet_t *net, void (*cb)(void *ctx, const char *line), void *ctx)
{
    net->trace = cb;
    net->trace_ctx = ctx;
}

uint64_t vs_simnet_now(const vs_simnet_t *net) { return net->mc.now; }

size_t vs_simnet_in_flight(const vs_simnet_t *net) { return net->nq; }

/* --- the network ------------------------------------------------------------- */

static void s_enqueue(vs_simnet_t *net, int kind, int from, int to, uint64_t msg_id,
                      const uint8_t *payload, size_t len, const uint64_t *ack, uint64_t delay)
{
    msg_t *q = realloc(net->q, (net->nq + 1) * sizeof *q);
    if (!q)
        return;
    net->q = q;
    msg_t *m = &net->q[net->nq];
    memset(m, 0, sizeof *m);
    m->at = net->mc.now + delay;
    m->seq = ++net->seq;
    m->kind = kind;
    m->from = from;
    m->to = to;
    m->msg_id = msg_id;
    m->has_ack = ack != NULL;
    m->ack = ack ? *ack : 0;
    if (len) {
        m->payload = malloc(len);
        if (!m->payload)
            return;
        memcpy(m->payload, payload, len);
        m->len = len;
    }
    net->nq++;
}

/* Puts a message on the wire, through the fault model. */
static void s_wire(vs_simnet_t *net, int kind, int from, int to, uint64_t msg_id,
                   const uint8_t *payload, size_t len, const uint64_t *ack)
{
    const vs_simnet_faults_t *f = &net->faults;
    if (f->drop > 0 && vs_rng_unit(&net->rng) < f->drop) {
        s_trace(net, "a%d -> a%d %s %" PRIx64 " DROPPED", from, to,
                kind == M_ACK ? "ack" : "msg", msg_id);
        return;
    }
    int copies = f->duplicate > 0 && vs_rng_unit(&net->rng) < f->duplicate ? 2 : 1;
    for (int c = 0; c < copies; c++) {
        uint64_t delay = SIM_LATENCY_MS;
        if (f->delay_max_ms > 0)
            delay += f->delay_min_ms +
                     vs_rng_below(&net->rng, f->delay_max_ms - f->delay_min_ms + 1);
        s_enqueue(net, kind, from, to, msg_id, payload, len, ack, delay);
    }
}

static void s_transmit(vs_simnet_t *net, int from, outmsg_t *o)
{
    if (o->to < 0)
        /* The broker answers at once: nobody owns that address. */
        s_enqueue(net, M_UNDELIVERABLE, -1, from, o->msg_id, NULL, 0, NULL, SIM_LATENCY_MS);
    else if (net->ack.owed && net->ack.from == from && net->ack.to == o->to) {
        net->ack.owed = false;
        s_wire(net, M_PEER, from, o->to, o->msg_id, o->payload, o->len, &net->ack.msg_id);
    } else {
        s_wire(net, M_PEER, from, o->to, o->msg_id, o->payload, o->len, NULL);
    }
    o->resend_at = net->mc.now + o->backoff;
    o->backoff = o->backoff * 2 > SIM_RESEND_MAX_MS ? SIM_RESEND_MAX_MS : o->backoff * 2;
}

/* --- outputs of a model --------------------------------------------------------- */

typedef struct {
    vs_simnet_t *net;
    int agent;
} emit_ctx_t;

static void s_persist(void *ctx, const char *id, const uint8_t *doc, size_t len,
                      const char *state)
{
    (void)state;
    emit_ctx_t *e = ctx;
    agent_t *a = &e->net->a[e->agent];
    vs_simstore_put(a->store, id, doc, len);
}

static void s_load_one(void *ctx, const char *id, const uint8_t *doc, size_t len)
{
    vs_model_load(ctx, id, doc, len);
}

static char *s_dup(const char *s) { return s ? strdup(s) : NULL; }

static void s_emit(void *ctx, const vs_out_t *o)
{
    emit_ctx_t *e = ctx;
    vs_simnet_t *net = e->net;
    agent_t *a = &net->a[e->agent];
    if (o->kind == VS_OUT_REPLY) {
        if (o->token == 0 || o->token > net->ncalls)
            return;
        call_t *c = &net->calls[o->token - 1];
        if (c->reply.state != VS_CALL_PENDING)
            return;
        if (o->ok) {
            c->out = s_dup(o->output_json ? o->output_json : "");
            c->reply.output_json = c->out;
            c->reply.state = VS_CALL_OK;
        } else {
            c->code = s_dup(o->err->code);
            c->message = s_dup(o->err->message);
            c->reply.code = c->code;
            c->reply.message = c->message;
            c->reply.state = VS_CALL_FAILED;
        }
        s_trace(net, "a%d reply #%" PRIu64 " %s %s", e->agent, o->token,
                o->ok ? "OK" : "FAILED", o->ok ? "" : o->err->code);
        return;
    }
    if (o->kind != VS_OUT_PEER)
        return;
    outmsg_t *no = realloc(a->out, (a->nout + 1) * sizeof *no);
    if (!no)
        return;
    a->out = no;
    outmsg_t *m = &a->out[a->nout];
    memset(m, 0, sizeof *m);
    m->msg_id = o->msg_id;
    m->to = o->to_account && o->to_region ? vs_simnet_find(net, o->to_account, o->to_region) : -1;
    m->payload = malloc(o->payload_len ? o->payload_len : 1);
    if (!m->payload)
        return;
    memcpy(m->payload, o->payload, o->payload_len);
    m->len = o->payload_len;
    m->backoff = SIM_RESEND_BASE_MS;
    a->nout++;
    if (net->trace) {          /* decoding a payload to describe it is not free */
        char what[480];
        s_describe_payload(o->payload, o->payload_len, what, sizeof what);
        s_trace(net, "a%d -> a%d send %" PRIx64 " %s", e->agent, m->to, m->msg_id, what);
    }
    s_transmit(net, e->agent, m);
}

/* After every input: persist, then send (as the agent's turn does). */
static void s_after(vs_simnet_t *net, int agent)
{
    emit_ctx_t e = { net, agent };
    vs_model_flush(net->a[agent].m, s_persist, &e);
    /* Inside a turn, as the agent does after each input: the messages
     * later inputs may join stay in the model until the turn ends. */
    if (net->turn_agent == agent)
        vs_model_drain_hold(net->a[agent].m, s_emit, &e, 0);
    else
        vs_model_drain(net->a[agent].m, s_emit, &e);
}

uint64_t vs_simnet_call(vs_simnet_t *net, int agent, const char *action, const char *input_json)
{
    call_t *nc = realloc(net->calls, (net->ncalls + 1) * sizeof *nc);
    if (!nc)
        return 0;
    net->calls = nc;
    call_t *c = &net->calls[net->ncalls++];
    memset(c, 0, sizeof *c);
    c->agent = agent;
    c->reply.state = VS_CALL_PENDING;
    uint64_t token = net->ncalls;
    agent_t *a = &net->a[agent];
    vs_json_t *in = vs_json_parse(input_json, strlen(input_json), NULL, 0);
    if (!in)
        in = vs_json_object();
    s_trace(net, "a%d call #%" PRIu64 " %s %s", agent, token, action, input_json);
    vs_model_submit(a->m, token, a->account, action, in);
    vs_json_free(&in);
    s_after(net, agent);
    return token;
}

const vs_simnet_reply_t *vs_simnet_reply(const vs_simnet_t *net, uint64_t call)
{
    return call && call <= net->ncalls ? &net->calls[call - 1].reply : NULL;
}

/* --- delivery ------------------------------------------------------------------- */

static void s_remove_out(agent_t *a, uint64_t msg_id)
{
    for (size_t k = 0; k < a->nout; k++) {
        if (a->out[k].msg_id == msg_id) {
            free(a->out[k].payload);
            memmove(&a->out[k], &a->out[k + 1], (a->nout - k - 1) * sizeof a->out[0]);
            a->nout--;
            return;
        }
    }
}

static bool s_has_out(const agent_t *a, uint64_t msg_id)
{
    for (size_t k = 0; k < a->nout; k++)
        if (a->out[k].msg_id == msg_id)
            return true;
    return false;
}

static void s_deliver(vs_simnet_t *net, msg_t *m)
{
    agent_t *to = &net->a[m->to];
    if (m->kind == M_ACK) {
        s_remove_out(to, m->msg_id);
        return;
    }
    if (m->kind == M_UNDELIVERABLE) {
        if (!s_has_out(to, m->msg_id))
            return;
        s_trace(net, "a%d undeliverable %" PRIx64, m->to, m->msg_id);
        /* As the agent does: tell the model, and stop retrying. */
        s_remove_out(to, m->msg_id);
        vs_model_on_undeliverable(to->m, m->msg_id, true);
        s_after(net, m->to);
        return;
    }
    if (m->has_ack)
        s_remove_out(to, m->ack);   /* a duplicate or not, as the agent does */
    char key[48];
    snprintf(key, sizeof key, "%d:%" PRIx64, m->from, m->msg_id);
    net->ack.owed = true;
    net->ack.from = m->to;
    net->ack.to = m->from;
    net->ack.msg_id = m->msg_id;
    if (!vs_json_get(to->seen, key)) {
        vs_json_set(to->seen, key, vs_json_bool(true));
        if (net->trace) {
            char what[480];
            s_describe_payload(m->payload, m->len, what, sizeof what);
            s_trace(net, "a%d <- a%d recv %" PRIx64 " %s", m->to, m->from, m->msg_id, what);
        }
        agent_t *from = &net->a[m->from];
        vs_model_on_peer(to->m, from->account, from->region, m->payload, m->len);
        s_after(net, m->to);
    } else {
        s_trace(net, "a%d <- a%d duplicate %" PRIx64 " ignored", m->to, m->from, m->msg_id);
    }
    if (net->ack.owed)              /* nothing went back to the sender to carry it */
        s_wire(net, M_ACK, m->to, m->from, m->msg_id, NULL, 0, NULL);
    net->ack.owed = false;
}

/* Takes message i out of the queue and delivers it. */
static void s_take_and_deliver(vs_simnet_t *net, size_t i)
{
    msg_t m = net->q[i];
    memmove(&net->q[i], &net->q[i + 1], (net->nq - i - 1) * sizeof net->q[0]);
    net->nq--;
    s_deliver(net, &m);
    free(m.payload);
}

bool vs_simnet_deliver_one(vs_simnet_t *net)
{
    if (!net->nq)
        return false;
    s_take_and_deliver(net, (size_t)vs_rng_below(&net->rng, net->nq));
    return true;
}

/* --- the event loop ---------------------------------------------------------------- */

typedef enum { EV_NONE, EV_MSG, EV_RESEND, EV_TIMER } ev_kind_t;

typedef struct {
    ev_kind_t kind;
    uint64_t at;
    size_t index;              /* queue position or agent */
    size_t sub;                /* outbox position */
} event_t;

static event_t s_next_event(const vs_simnet_t *net)
{
    event_t ev = { EV_NONE, UINT64_MAX, 0, 0 };
    for (size_t i = 0; i < net->nq; i++) {
        const msg_t *m = &net->q[i];
        if (ev.kind == EV_NONE || m->at < ev.at ||
            (m->at == ev.at && m->seq < net->q[ev.index].seq))
            ev = (event_t){ EV_MSG, m->at, i, 0 };
    }
    for (size_t a = 0; a < net->na; a++) {
        for (size_t k = 0; k < net->a[a].nout; k++)
            if (net->a[a].out[k].resend_at < ev.at)
                ev = (event_t){ EV_RESEND, net->a[a].out[k].resend_at, a, k };
        uint64_t due = vs_model_next_deadline(net->a[a].m);
        if (due < ev.at)
            ev = (event_t){ EV_TIMER, due, a, 0 };
    }
    return ev;
}

static void s_run_event(vs_simnet_t *net, const event_t *ev)
{
    if (ev->at > net->mc.now)
        net->mc.now = ev->at;
    switch (ev->kind) {
    case EV_MSG: {
        int to = net->q[ev->index].to;
        if (!net->turns || to < 0) {
            s_take_and_deliver(net, ev->index);
            break;
        }
        /* A turn: this message and every other one that has already
         * arrived for the same agent, in the order they came, as the
         * agent's loop reads them; the peer messages of all of them leave
         * when it ends (a turn's crash is all or nothing, as its one
         * transaction is: vs_simnet_crash never runs inside it). What they
         * send arrives SIM_LATENCY_MS later at the earliest: not in this
         * turn. */
        net->turn_agent = to;
        s_take_and_deliver(net, ev->index);
        size_t n = 1;
        for (size_t i = 0; i < net->nq;) {
            if (net->q[i].to == to && net->q[i].at <= net->mc.now) {
                s_take_and_deliver(net, i);
                n++;
            } else {
                i++;
            }
        }
        net->turn_agent = -1;
        if (n > 1)
            s_trace(net, "a%d turn of %zu messages ends", to, n);
        s_after(net, to);
        break;
    }
    case EV_RESEND:
        s_transmit(net, (int)ev->index, &net->a[ev->index].out[ev->sub]);
        break;
    case EV_TIMER:
        vs_model_tick(net->a[ev->index].m);
        s_after(net, (int)ev->index);
        break;
    case EV_NONE:
        break;
    }
}

void vs_simnet_run_until(vs_simnet_t *net, uint64_t until_ms)
{
    for (;;) {
        event_t ev = s_next_event(net);
        if (ev.kind == EV_NONE || ev.at > until_ms)
            break;
        s_run_event(net, &ev);
    }
    if (until_ms > net->mc.now)
        net->mc.now = until_ms;
}

uint64_t vs_simnet_wire_now(const vs_simnet_t *net) { return net->mc.now - net->jumped; }

void vs_simnet_jump(vs_simnet_t *net, uint64_t ms)
{
    for (size_t i = 0; i < net->nq; i++)
        net->q[i].at += ms;
    for (size_t a = 0; a < net->na; a++)
        for (size_t k = 0; k < net->a[a].nout; k++)
            net->a[a].out[k].resend_at += ms;
    net->mc.now += ms;
    net->jumped += ms;
    s_trace(net, "clock jumped by %" PRIu64 " ms", ms);
    vs_simnet_run_until(net, net->mc.now);
}

/* Nothing in flight, nothing unacknowledged, and no timer already due
 * (a due timer may still produce messages, e.g. a local validation). */
static bool s_quiet(const vs_simnet_t *net)
{
    if (net->nq)
        return false;
    for (size_t a = 0; a < net->na; a++)
        if (vs_model_next_deadline(net->a[a].m) <= net->mc.now)
            return false;
    for (size_t a = 0; a < net->na; a++)
        if (net->a[a].nout)
            return false;
    return true;
}

/* A timer already due (e.g. the validation a create call scheduled for
 * "now") is work in progress, not quiet: settling must run it. */
static bool s_timer_due(const vs_simnet_t *net)
{
    for (size_t a = 0; a < net->na; a++)
        if (vs_model_next_deadline(net->a[a].m) <= net->mc.now)
            return true;
    return false;
}

bool vs_simnet_settle(vs_simnet_t *net, uint64_t max_ms)
{
    uint64_t end = net->mc.now + max_ms;
    while (!s_quiet(net) || s_timer_due(net)) {
        event_t ev = s_next_event(net);
        if (ev.kind == EV_NONE || ev.at > end)
            return false;
        s_run_event(net, &ev);
    }
    return true;
}

void vs_simnet_crash(vs_simnet_t *net, int agent)
{
    agent_t *a = &net->a[agent];
    s_trace(net, "a%d CRASH (kill -9) and restart", agent);
    for (size_t i = 0; i < net->ncalls; i++)
        if (net->calls[i].agent == agent && net->calls[i].reply.state == VS_CALL_PENDING)
            net->calls[i].reply.state = VS_CALL_UNKNOWN;
    vs_model_destroy(&a->m);
    a->m = s_make_model(net, a);
    if (a->m)
        vs_simstore_each(a->store, s_load_one, a->m);
    /* Changes made while loading are already persisted. */
    emit_ctx_t e = { net, agent };
    vs_model_flush(a->m, s_persist, &e);
    for (size_t k = 0; k < a->nout; k++) {
        a->out[k].resend_at = net->mc.now;
        a->out[k].backoff = SIM_RESEND_BASE_MS;
    }
}
