/* router: decode, stamp, dispatch (see router.h). */
#include "router.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "fault_relay.h"
#include "ids.h"
#include "log.h"
#include "relay.h"
#include "timebound.h"

typedef Vpcsim__Wire__Address s_addr_t;

/* One received message while it is being handled. */
typedef struct {
    broker_t *b;
    const uint8_t *route;
    size_t rlen;
    vs_env_t *env;
    bk_agent_t *agent;     /* NULL: not a registered agent */
    vs_principal_t who;    /* authenticated; VS_PRINCIPAL_NONE on an open broker */
    char peer[96];         /* for logs */
} s_msg_t;

typedef void (*s_handler_fn)(s_msg_t *m);

static const char *s_body_name(int body)
{
    switch (body) {
    case VPCSIM__WIRE__ENVELOPE__BODY_HELLO: return "hello";
    case VPCSIM__WIRE__ENVELOPE__BODY_WELCOME: return "welcome";
    case VPCSIM__WIRE__ENVELOPE__BODY_HEARTBEAT: return "heartbeat";
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST: return "api_request";
    case VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY: return "api_reply";
    case VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE: return "undeliverable";
    case VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REQUEST: return "admin_request";
    case VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REPLY: return "admin_reply";
    case VPCSIM__WIRE__ENVELOPE__BODY_CLOCK_TICK: return "clock_tick";
    case VPCSIM__WIRE__ENVELOPE__BODY_VPC_UPDATE: return "vpc_update";
    case VPCSIM__WIRE__ENVELOPE__BODY_PEER: return "peer";
    case VPCSIM__WIRE__ENVELOPE__BODY_ACK: return "ack";
    default: return "unknown";
    }
}

/* ---- building and sending broker messages ------------------------------ */

/* Sends to the message's sender. A sender that vanished is not an error
 * worth more than a debug line; an agent that vanished goes offline. */
static void s_reply(s_msg_t *m, const vs_env_t *env)
{
    if (bk_send(m->b, m->route, m->rlen, env) == 0)
        return;
    int e = errno;
    VS_DEBUG("reply %s to %s dropped: %s", s_body_name(env->body_case), m->peer, strerror(e));
    if (e == EHOSTUNREACH && m->agent) {
        bk_registry_unbind(m->b->reg, m->agent);
        VS_INFO("%s disconnected", m->peer);
    }
}

static void s_undeliverable(s_msg_t *m, Vpcsim__Wire__UndeliverableReason reason,
                            const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void s_undeliverable(s_msg_t *m, Vpcsim__Wire__UndeliverableReason reason,
                            const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);

    vs_env_t env;
    Vpcsim__Wire__Party me;
    Vpcsim__Wire__Undeliverable u = VPCSIM__WIRE__UNDELIVERABLE__INIT;
    bk_env_init(m->b, &env, &me);
    u.in_reply_to = m->env ? m->env->msg_id : 0;
    u.reason = reason;
    u.detail = detail;
    u.to = m->env ? m->env->to : NULL;  /* borrowed for the pack */
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE;
    env.undeliverable = &u;
    VS_DEBUG("undeliverable %s from %s: %s", m->env ? s_body_name(m->env->body_case) : "frame",
             m->peer, detail);
    s_reply(m, &env);
}

static void s_resync(s_msg_t *m)
{
    vs_env_t env;
    Vpcsim__Wire__Party me;
    Vpcsim__Wire__Heartbeat hb = VPCSIM__WIRE__HEARTBEAT__INIT;
    bk_env_init(m->b, &env, &me);
    hb.sim_time_ms = env.sim_time_ms;
    hb.resync = 1;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_HEARTBEAT;
    env.heartbeat = &hb;
    s_reply(m, &env);
}

/* Counts a refusal and logs it, at most a burst of lines per window. */
static void s_refused(s_msg_t *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void s_refused(s_msg_t *m, const char *fmt, ...)
{
    m->b->refused++;
    uint64_t held = 0;
    if (!vs_ratelimit_pass(&m->b->rl_refused, bk_mono_ms(m->b), &held))
        return;
    char line[600], more[48];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    VS_WARN("%s%s", line, vs_ratelimit_suffix(held, more, sizeof more));
}

/* ---- stamping ----------------------------------------------------------- */

/* A copy the decoded tree can own: vs_wire_free frees every string that is
 * not protobuf-c's shared empty default. */
static char *s_dup(const char *s)
{
    return *s ? strdup(s) : (char *)protobuf_c_empty_string;
}

/* Overwrites env->sender with who really sent it. -1 on OOM. */
static int s_stamp(s_msg_t *m)
{
    Vpcsim__Wire__Party *p = malloc(sizeof *p);
    if (!p)
        return -1;
    vpcsim__wire__party__init(p);
    if (m->agent) {
        p->kind = VPCSIM__WIRE__PARTY_KIND__PARTY_AGENT;
        p->account = s_dup(m->agent->account);
        p->region = s_dup(m->agent->region);
        p->partition = s_dup(m->agent->partition);
    } else {
        p->kind = VPCSIM__WIRE__PARTY_KIND__PARTY_CLIENT;
        /* On a secured broker a client's account is the one its key
         * belongs to, so the agent can check it against the call. */
        if (m->who.kind == VS_PRINCIPAL_CLIENT || m->who.kind == VS_PRINCIPAL_AGENT)
            p->account = s_dup(m->who.account);
    }
    /* Agents get their route too: it lets an agent be answered like a
     * client when it calls another agent's API. */
    p->route.data = malloc(m->rlen);
    p->route.len = p->route.data ? m->rlen : 0;
    if (p->route.data)
        memcpy(p->route.data, m->route, m->rlen);
    if (!p->account || !p->region || !p->partition || !p->route.data) {
        vpcsim__wire__party__free_unpacked(p, NULL);
        return -1;
    }
    vpcsim__wire__party__free_unpacked(m->env->sender, NULL);
    m->env->sender = p;
    return 0;
}

/* ---- forwarding --------------------------------------------------------- */

/* Agent-to-agent messages go through the chaos model (fault_relay.c),
 * which may drop, duplicate or delay them; everything else is relayed as
 * is. */
static int s_send_to_agent(s_msg_t *m, bk_agent_t *a)
{
    int body = m->env->body_case;
    if (m->agent && (body == VPCSIM__WIRE__ENVELOPE__BODY_PEER ||
                     body == VPCSIM__WIRE__ENVELOPE__BODY_ACK))
        return bk_fault_relay(m->b, m->agent, a, m->env);
    return bk_send(m->b, a->route, a->route_len, m->env);
}

/* Forwards the (stamped) message to agent a, described as `dest` in
 * errors, or answers the sender with Undeliverable. */
static void s_forward(s_msg_t *m, bk_agent_t *a, const char *dest)
{
    if (!a) {
        s_undeliverable(m, VPCSIM__WIRE__UNDELIVERABLE_REASON__NO_SUCH_AGENT,
                        "no agent has registered for %s", dest);
        return;
    }
    if (!a->online || a->route_len == 0) {
        s_undeliverable(m, VPCSIM__WIRE__UNDELIVERABLE_REASON__AGENT_OFFLINE,
                        "the agent for account %s in Region %s is offline", a->account,
                        a->region);
        return;
    }
    if (s_send_to_agent(m, a) == 0) {
        VS_DEBUG("%s %llu: %s -> agent %s/%s", s_body_name(m->env->body_case),
                 (unsigned long long)m->env->msg_id, m->peer, a->account, a->region);
        return;
    }
    int e = errno;
    if (e == EHOSTUNREACH) {
        bk_registry_unbind(m->b->reg, a);
        VS_INFO("agent %s/%s disconnected", a->account, a->region);
        s_undeliverable(m, VPCSIM__WIRE__UNDELIVERABLE_REASON__AGENT_OFFLINE,
                        "the agent for account %s in Region %s is offline", a->account,
                        a->region);
    } else {
        VS_WARN("cannot forward to agent %s/%s: %s", a->account, a->region, strerror(e));
        s_undeliverable(m, VPCSIM__WIRE__UNDELIVERABLE_REASON__AGENT_OFFLINE,
                        "the agent for account %s in Region %s is not keeping up (%s)",
                        a->account, a->region, strerror(e));
    }
}

/* An ARN an agent may claim: a valid ec2 ARN in its own account and
 * Region, so that no agent can capture another's peering traffic. */
static bool s_arn_belongs(const bk_agent_t *a, const char *arn)
{
    vs_arn_t p;
    return vs_arn_parse(arn, &p) == 0 && strcmp(p.account, a->account) == 0 &&
           strcmp(p.region, a->region) == 0;
}

/* ---- handlers ----------------------------------------------------------- */

static void s_welcome(s_msg_t *m, bool ok, const char *error)
{
    vs_env_t env;
    Vpcsim__Wire__Party me;
    Vpcsim__Wire__Welcome w = VPCSIM__WIRE__WELCOME__INIT;
    bk_env_init(m->b, &env, &me);
    w.ok = ok;
    w.error = (char *)error;
    w.sim_time_ms = env.sim_time_ms;
    w.speed = m->b->clock.speed;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_WELCOME;
    env.welcome = &w;
    s_reply(m, &env);
}

static void s_on_hello(s_msg_t *m)
{
    broker_t *b = m->b;
    const Vpcsim__Wire__Hello *h = m->env->hello;
    const char *part = vs_region_partition(h->region);
    char error[400];

    error[0] = '\0';
    if (!vs_account_valid(h->account))
        snprintf(error, sizeof error, "invalid account id '%s': expected 12 digits", h->account);
    else if (!vs_region_known(h->region) || !part)
        snprintf(error, sizeof error, "unknown Region '%s'", h->region);
    else if (h->partition[0] && strcmp(h->partition, part) != 0)
        snprintf(error, sizeof error, "partition '%s' does not match Region %s (expected '%s')",
                 h->partition, h->region, part);
    else if (b->secured && (m->who.kind != VS_PRINCIPAL_AGENT ||
                            strcmp(m->who.account, h->account) != 0 ||
                            strcmp(m->who.region, h->region) != 0)) {
        char who[64];
        vs_principal_format(&m->who, who, sizeof who);
        snprintf(error, sizeof error,
                 "the key of %s may not register as the agent for account %s in Region %s",
                 who, h->account, h->region);
    } else {
        bk_agent_t *old = bk_registry_get(b->reg, h->account, h->region);
        if (old && old->route_len > 0 &&
            (old->route_len != m->rlen || memcmp(old->route, m->route, m->rlen) != 0) &&
            bk_probe_agent(b, old))
            snprintf(error, sizeof error,
                     "an agent for account %s in Region %s is already registered and alive "
                     "(pid %u); one agent per account and Region", h->account, h->region,
                     (unsigned)old->pid);
    }
    if (error[0]) {
        s_refused(m, "hello from %s refused: %s", m->peer, error);
        s_welcome(m, false, error);
        return;
    }

    if (!bk_registry_get(b->reg, h->account, h->region) &&
        bk_registry_count(b->reg) >= b->max_agents) {
        /* A stranger can say hello for any number of made-up accounts:
         * without a bound the registry (and its saved copy) grows for ever. */
        snprintf(error, sizeof error,
                 "the broker already knows %zu agents, its limit (vpcsim-broker --max-agents)",
                 bk_registry_count(b->reg));
        s_refused(m, "hello refused: %s", error);
        s_welcome(m, false, error);
        return;
    }
    bool created, failed;
    bk_agent_t *a = bk_registry_add(b->reg, h->account, h->region, part, &created);
    if (!a) {
        s_welcome(m, false, "broker out of memory");
        return;
    }
    bool replaced = a->route_len > 0 &&
                    (a->route_len != m->rlen || memcmp(a->route, m->route, m->rlen) != 0);
    bk_agent_t *displaced = bk_registry_bind(b->reg, a, m->route, m->rlen, bk_mono_ms(b), &failed);
    if (displaced)
        s_refused(m, "connection of agent %s/%s now belongs to agent %s/%s", displaced->account,
                  displaced->region, a->account, a->region);
    if (failed) {
        s_welcome(m, false, "broker out of memory");
        return;
    }
    m->agent = a;
    a->pid = h->pid;
    a->seen_wall_ms = bk_wall_ms(b);

    size_t skipped = 0;
    bk_registry_vpc_clear(b->reg, a);
    for (size_t i = 0; i < h->n_vpc_arns; i++) {
        if (!s_arn_belongs(a, h->vpc_arns[i])) {
            skipped++;
            continue;
        }
        if (bk_registry_vpc_add(b->reg, a, h->vpc_arns[i]) < 0)
            skipped++;
    }
    if (skipped)
        VS_WARN("agent %s/%s: ignored %zu VPC ARNs not in its account and Region", a->account,
                a->region, skipped);

    /* An agent that has seen a later time (say, the broker restarted
     * without --data-dir) pulls the cluster forward, never back. */
    uint64_t agent_ms = h->sim_time_ms, limit = vs_time_hello_limit(bk_sim_now(b));
    if (agent_ms > limit) {
        /* Not further than any timer the agent could have armed while the
         * broker was away: a clock far ahead is a bug or an attack, and
         * following it would poison every agent's time (issue 15). */
        s_refused(m, "hello from %s: clock %llu ms is far ahead of the cluster's; clamped",
                  m->peer, (unsigned long long)agent_ms);
        agent_ms = limit;
    }
    bool moved = bk_simclock_forward_to(&b->clock, agent_ms, bk_mono_ms(b));
    /* Journaled before the welcome, not saved at the next sweep only:
     * killed in between and restarted, the broker would not know that this
     * account and Region has an agent, would answer the peer messages for
     * it as undeliverable (no such agent) until its next hello, and a
     * peering request to it would fail (seen in test_peering_crash). */
    if (created)
        bk_state_new_agent(b, a);
    s_welcome(m, true, "");
    uint64_t held = 0;
    char more[48];
    if (vs_ratelimit_pass(&b->rl_hello, bk_mono_ms(b), &held))
        VS_INFO("agent %s/%s %s (pid %u, %zu VPCs)%s%s", a->account, a->region,
                created ? "registered" : "re-registered", (unsigned)a->pid,
                bk_registry_vpc_count(a), replaced ? ", replacing its previous connection" : "",
                vs_ratelimit_suffix(held, more, sizeof more));
    if (moved) {
        VS_INFO("simulated clock moved forward to agent %s/%s's time", a->account, a->region);
        bk_broadcast_clock(b);
    }
    if (moved)
        bk_state_dirty(b);     /* a new agent is marked by bk_state_new_agent */
}

static void s_on_heartbeat(s_msg_t *m)
{
    if (!m->agent) {
        s_resync(m);
        return;
    }
    vs_env_t env;
    Vpcsim__Wire__Party me;
    Vpcsim__Wire__Heartbeat hb = VPCSIM__WIRE__HEARTBEAT__INIT;
    bk_env_init(m->b, &env, &me);
    hb.sim_time_ms = env.sim_time_ms;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_HEARTBEAT;
    env.heartbeat = &hb;
    s_reply(m, &env);
}

static void s_on_vpc_update(s_msg_t *m)
{
    const Vpcsim__Wire__VpcUpdate *u = m->env->vpc_update;
    size_t skipped = 0;
    for (size_t i = 0; i < u->n_removed; i++)
        bk_registry_vpc_remove(m->b->reg, m->agent, u->removed[i]);
    for (size_t i = 0; i < u->n_added; i++)
        if (!s_arn_belongs(m->agent, u->added[i]) ||
            bk_registry_vpc_add(m->b->reg, m->agent, u->added[i]) < 0)
            skipped++;
    if (skipped)
        VS_WARN("%s: ignored %zu VPC ARNs not in its account and Region", m->peer, skipped);
    VS_DEBUG("%s: +%zu -%zu VPCs, now %zu", m->peer, u->n_added - skipped, u->n_removed,
             bk_registry_vpc_count(m->agent));
}

/* What AWS answers a request signed with another account's credentials. */
static void s_auth_failure(s_msg_t *m)
{
    vs_env_t env;
    Vpcsim__Wire__Party me;
    Vpcsim__Wire__ApiReply r = VPCSIM__WIRE__API_REPLY__INIT;
    bk_env_init(m->b, &env, &me);
    r.in_reply_to = m->env->msg_id;
    r.ok = 0;
    r.error_code = "AuthFailure";
    r.error_message = "AWS was not able to validate the provided access credentials";
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY;
    env.api_reply = &r;
    s_reply(m, &env);
}

static void s_on_api_request(s_msg_t *m)
{
    const s_addr_t *to = m->env->to;
    if (!to || !to->account[0] || !to->region[0]) {
        s_undeliverable(m, VPCSIM__WIRE__UNDELIVERABLE_REASON__BAD_ADDRESS,
                        "an api_request needs to.account and to.region");
        return;
    }
    const Vpcsim__Wire__ApiRequest *rq = m->env->api_request;
    if (m->b->secured && ((m->who.kind != VS_PRINCIPAL_CLIENT &&
                           m->who.kind != VS_PRINCIPAL_AGENT) ||
                          strcmp(to->account, m->who.account) != 0 ||
                          strcmp(rq->account, m->who.account) != 0)) {
        char who[64];
        vs_principal_format(&m->who, who, sizeof who);
        VS_WARN("%s (%s) tried to call %s as account %s; refused", m->peer, who, rq->action,
                to->account);
        s_auth_failure(m);
        return;
    }
    char dest[300];
    snprintf(dest, sizeof dest, "account %s in Region %s", to->account, to->region);
    s_forward(m, bk_registry_get(m->b->reg, to->account, to->region), dest);
}

/* api_reply and undeliverable from an agent go back to the client. */
static void s_on_to_client(s_msg_t *m)
{
    const s_addr_t *to = m->env->to;
    if (!to || to->client_route.len == 0) {
        VS_WARN("%s from %s has no client route; dropped", s_body_name(m->env->body_case),
                m->peer);
        return;
    }
    if (bk_send(m->b, to->client_route.data, to->client_route.len, m->env) < 0)
        VS_DEBUG("%s from %s: client gone (%s); dropped", s_body_name(m->env->body_case),
                 m->peer, strerror(errno));
}

/* An isolated agent (admin partition) neither sends nor receives: the
 * message vanishes without an Undeliverable, as on a cut link, and the
 * sender's outbox keeps retrying until the partition heals. */
static void s_to_agent(s_msg_t *m, bk_agent_t *a, const char *account, const char *region,
                       const char *dest)
{
    if (bk_fault_cut(m->b, m->agent, account, region))
        return;
    s_forward(m, a, dest);
}

/* peer and ack: by exact ARN, then the ARN's account/Region, then
 * (to.account, to.region). */
static void s_on_to_agent(s_msg_t *m)
{
    const s_addr_t *to = m->env->to;
    bk_registry_t *reg = m->b->reg;
    char dest[400];

    if (to && to->vpc_arn[0]) {
        bk_agent_t *a = bk_registry_by_arn(reg, to->vpc_arn);
        vs_arn_t arn;
        if (a) {
            snprintf(dest, sizeof dest, "%s", to->vpc_arn);
            s_to_agent(m, a, a->account, a->region, dest);
            return;
        }
        if (vs_arn_parse(to->vpc_arn, &arn) == 0) {
            snprintf(dest, sizeof dest, "account %s in Region %s (%s)", arn.account, arn.region,
                     to->vpc_arn);
            s_to_agent(m, bk_registry_get(reg, arn.account, arn.region), arn.account,
                       arn.region, dest);
            return;
        }
        if (!to->account[0] || !to->region[0]) {
            s_undeliverable(m, VPCSIM__WIRE__UNDELIVERABLE_REASON__BAD_ADDRESS,
                            "'%s' is not a valid ARN", to->vpc_arn);
            return;
        }
    }
    if (!to || !to->account[0] || !to->region[0]) {
        s_undeliverable(m, VPCSIM__WIRE__UNDELIVERABLE_REASON__BAD_ADDRESS,
                        "a %s needs to.vpc_arn or to.account and to.region",
                        s_body_name(m->env->body_case));
        return;
    }
    snprintf(dest, sizeof dest, "account %s in Region %s", to->account, to->region);
    s_to_agent(m, bk_registry_get(reg, to->account, to->region), to->account, to->region,
               dest);
}

static void s_on_admin(s_msg_t *m)
{
    vs_env_t env;
    Vpcsim__Wire__Party me;
    Vpcsim__Wire__AdminReply r = VPCSIM__WIRE__ADMIN_REPLY__INIT;
    char *out = NULL, err[400];

    if (m->b->secured && m->who.kind != VS_PRINCIPAL_ADMIN) {
        char who[64];
        vs_principal_format(&m->who, who, sizeof who);
        snprintf(err, sizeof err, "admin operations need the admin key (this connection is %s)",
                 who);
        VS_WARN("admin %s from %s refused: %s", m->env->admin_request->op, m->peer, err);
        r.error_message = err;
    } else if (bk_admin_run(m->b, m->env->admin_request, &out, err, sizeof err) == 0) {
        r.ok = 1;
        r.output_json = out;
    } else {
        r.error_message = err;
        VS_INFO("admin %s from %s failed: %s", m->env->admin_request->op, m->peer, err);
    }
    bk_env_init(m->b, &env, &me);   /* after the op, so it carries the new time */
    r.in_reply_to = m->env->msg_id;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REPLY;
    env.admin_reply = &r;
    s_reply(m, &env);
    free(out);
}

static const struct {
    int body;
    bool agent_only;     /* from anyone else: answered with resync */
    s_handler_fn fn;
} s_handlers[] = {
    { VPCSIM__WIRE__ENVELOPE__BODY_HELLO, false, s_on_hello },
    { VPCSIM__WIRE__ENVELOPE__BODY_HEARTBEAT, false, s_on_heartbeat },
    { VPCSIM__WIRE__ENVELOPE__BODY_VPC_UPDATE, true, s_on_vpc_update },
    { VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST, false, s_on_api_request },
    { VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY, true, s_on_to_client },
    { VPCSIM__WIRE__ENVELOPE__BODY_PEER, true, s_on_to_agent },
    { VPCSIM__WIRE__ENVELOPE__BODY_ACK, true, s_on_to_agent },
    { VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REQUEST, false, s_on_admin },
};

/* ---- entry points ------------------------------------------------------- */

void bk_router_malformed(broker_t *b, const uint8_t *route, size_t rlen, const char *reason)
{
    s_msg_t m = { .b = b, .route = route, .rlen = rlen };
    m.agent = bk_registry_by_route(b->reg, route, rlen);
    bk_peer_name(b, route, rlen, m.peer, sizeof m.peer);
    if (m.agent)
        bk_registry_touch(m.agent, bk_mono_ms(b));
    /* A million garbage frames must not write a million lines. */
    b->refused++;
    uint64_t held = 0;
    char more[48];
    if (vs_ratelimit_pass(&b->rl_malformed, bk_mono_ms(b), &held))
        VS_WARN("malformed message from %s: %s%s", m.peer, reason,
                vs_ratelimit_suffix(held, more, sizeof more));
    s_undeliverable(&m, VPCSIM__WIRE__UNDELIVERABLE_REASON__MALFORMED, "%s", reason);
}

void bk_router_handle(broker_t *b, const uint8_t *route, size_t rlen, const uint8_t *buf,
                      size_t len)
{
    vs_principal_t nobody = { .kind = VS_PRINCIPAL_NONE };
    bk_router_handle_as(b, route, rlen, &nobody, buf, len);
}

void bk_router_handle_as(broker_t *b, const uint8_t *route, size_t rlen,
                         const vs_principal_t *who, const uint8_t *buf, size_t len)
{
    /* Plain relaying goes without decoding (relay.h); it steps aside for
     * everything else, including every error. */
    if (bk_relay_fast(b, route, rlen, who, buf, len))
        return;
    char err[256];
    vs_env_t *env = vs_wire_decode(buf, len, err, sizeof err);
    if (!env) {
        bk_router_malformed(b, route, rlen, err);
        return;
    }
    s_msg_t m = { .b = b, .route = route, .rlen = rlen, .env = env, .who = *who };
    m.agent = bk_registry_by_route(b->reg, route, rlen);
    bk_peer_name(b, route, rlen, m.peer, sizeof m.peer);

    /* Any message from an agent proves it is alive. */
    if (m.agent && bk_registry_touch(m.agent, bk_mono_ms(b)))
        VS_INFO("%s is online again", m.peer);

    if (s_stamp(&m) < 0) {
        VS_ERROR("out of memory stamping a message from %s; dropped", m.peer);
        vs_wire_free(&env);
        return;
    }

    s_handler_fn fn = NULL;
    bool agent_only = false;
    for (size_t i = 0; i < sizeof s_handlers / sizeof *s_handlers; i++)
        if (s_handlers[i].body == (int)env->body_case) {
            fn = s_handlers[i].fn;
            agent_only = s_handlers[i].agent_only;
        }
    if (!fn) {
        s_refused(&m, "%s sent %s, which only the broker sends", m.peer,
                  s_body_name(env->body_case));
        s_undeliverable(&m, VPCSIM__WIRE__UNDELIVERABLE_REASON__MALFORMED,
                        "the broker does not accept %s messages: only the broker sends them",
                        s_body_name(env->body_case));
    } else if (agent_only && !m.agent) {
        VS_DEBUG("%s from %s, which is not a registered agent: asking for hello",
                 s_body_name(env->body_case), m.peer);
        s_resync(&m);
    } else {
        fn(&m);
    }
    vs_wire_free(&env);
}
