/* agent_events: what the agent writes to its event log (evlog.c) and how it
 * answers DescribeEvents. Every call here runs inside the turn's one
 * transaction (the retry timer's resends open their own), so an event is
 * on disk exactly when the change it reports is.
 *
 * Causality: a client's API call is identified by its request's msg_id;
 * that id is the cause of everything the call leads to in this agent, and
 * travels on each peer message (Envelope.cause_id) so that the receiving
 * agent files its own events under the same cause. Turns no message
 * caused (timers, clock jumps) get a fresh cause of their own.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_priv.h"
#include "json.h"
#include "log.h"
#include "pcx_wire.h"
#include "peer_bundle.h"
#include "reach_wire.h"
#include "sg_wire.h"

/* s into a fixed event field, cut to fit: what vs_event_set does, by
 * strlen and memcpy, as snprintf("%s") cost more than the rest of an
 * event (several fields per event, several events per turn). */
static void s_put(char *field, size_t size, const char *s)
{
    if (!size)
        return;
    size_t n = s ? strlen(s) : 0;
    if (n > size - 1)
        n = size - 1;
    memcpy(field, s ? s : "", n);
    field[n] = '\0';
}

/* Recent calls in memory (evcache.c): every field of the call event, also of the
 * read-only calls the log holds back until one fails. A miss (overwritten,
 * or before a restart) asks the log. (A message's cause the log itself
 * keeps in memory: evlog_cause_of_msg.) */
#define EVC_CALLS 4096

int agent_ev__open(agent_t *a, char *err, size_t errlen)
{
    int64_t keep = a->cfg->event_retention > 0 ? a->cfg->event_retention : EVLOG_DEFAULT_RETENTION;
    a->evc = evcache_new(EVC_CALLS);
    if (!a->evc) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    a->ev = evlog_open(store_db(a->st), keep, err, errlen);
    return a->ev ? 0 : -1;
}

void agent_ev__close(agent_t *a)
{
    evlog_close(&a->ev);
    evcache_free(&a->evc);
}

uint64_t agent_ev__msg_cause(agent_t *a, uint64_t msg_id)
{
    return a->ev ? evlog_cause_of_msg(a->ev, msg_id) : 0;
}

void agent_ev__reload(agent_t *a)
{
    /* The turn was rolled back: its events and states with it. */
    if (a->ev && evlog_reload(a->ev) != 0)
        VS_ERROR("event log: cannot be read again after a rollback");
}

/* The call that `cause` names, from the cache (NULL on a miss, after the
 * log has been asked for its action and object). */
static const evcache_call_t *s_call_get(agent_t *a, uint64_t cause, vs_event_t *e)
{
    const evcache_call_t *c = a->evc ? evcache_get(a->evc, cause) : NULL;
    if (c) {
        s_put(e->action, sizeof e->action, c->action);
        s_put(e->object, sizeof e->object, c->object);
        return c;
    }
    evlog_call_of(a->ev, cause, e->action, sizeof e->action, e->object, sizeof e->object);
    return NULL;
}

/* Read-only calls that succeed are not logged: observers (the console
 * polling twice a second, `trace --follow`) would otherwise push the
 * history they look at out of the bounded log. A failed one is. */
static bool s_read_only(const char *action)
{
    return !strncmp(action, "Describe", 8);
}

uint64_t agent_ev__cause(agent_t *a)
{
    if (!a->ev_cause)
        a->ev_cause = a->next_msg_id++;   /* unique for this agent, never 0 */
    return a->ev_cause;
}

static void s_init(agent_t *a, vs_event_t *e, vs_event_kind_t kind)
{
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->sim_ms = simclock_now(&a->sclock);
    /* Wall time only orders events that share one simulated instant, and
     * helps people match logs; both are read once a message (simclock's
     * hold). */
    e->wall_ms = simclock_wall_ms(&a->sclock);
    e->cause = agent_ev__cause(a);
}

static void s_add(agent_t *a, vs_event_t *e)
{
    if (a->ev && evlog_add(a->ev, e) == 0)
        a->ev_added++;
}

void agent_ev__api_call(agent_t *a, const vs_env_t *env, const vs_json_t *input)
{
    const Vpcsim__Wire__ApiRequest *rq = env->api_request;
    a->ev_cause = env->msg_id ? env->msg_id : agent_ev__cause(a);
    /* The index's slot and the cache's entry miss the cache: loaded while
     * the event is made. */
    if (a->ev)
        evlog_prefetch(a->ev, VS_EV_API_CALL, a->ev_cause);
    if (a->evc)
        evcache_prefetch(a->evc, a->ev_cause);
    vs_event_t e;
    s_init(a, &e, VS_EV_API_CALL);
    e.msg_id = env->msg_id;
    s_put(e.caller, sizeof e.caller, rq->account);
    s_put(e.action, sizeof e.action, rq->action);
    vs_event_api_object(input, NULL, e.object, sizeof e.object);
    if (!s_read_only(e.action))
        s_add(a, &e);
    if (a->evc)
        evcache_put(a->evc, &e);
}

void agent_ev__api_reply(agent_t *a, uint64_t in_reply_to, const vs_out_t *o)
{
    vs_event_t e;
    s_init(a, &e, VS_EV_API_REPLY);
    e.cause = in_reply_to ? in_reply_to : e.cause;
    e.msg_id = in_reply_to;
    if (!a->ev)
        return;
    const evcache_call_t *call = s_call_get(a, e.cause, &e);
    if (s_read_only(e.action)) {
        if (o->ok)
            return;
        if (call) {   /* a failed read: its call too, as it was made */
            vs_event_t c;
            evcache_call_event(call, &c);
            s_add(a, &c);
        }
    }
    /* A Create* call's reply is about what it created (its call named only
     * the VPC, say); only a Create* output is about one object. */
    if (o->ok && !strncmp(e.action, "Create", 6) && o->output_json && *o->output_json) {
        char made[VS_EV_ID_LEN];
        vs_event_api_output_object(o->output_json, strlen(o->output_json), made, sizeof made);
        if (made[0])
            s_put(e.object, sizeof e.object, made);
    }
    if (o->ok)
        s_put(e.detail, sizeof e.detail, "ok");
    else
        s_put(e.detail, sizeof e.detail, o->err ? o->err->code : "error");
    s_add(a, &e);
}


/* The kind and object of a peer message: a typed peering message
 * (core/peering/pcx_wire.h), a typed SgDir snapshot (filed as its JSON
 * form is: kind SgDir, no object; not decoded), a typed analysis message
 * (core/reach/reach_wire.h; T and Id as its JSON form) or a JSON one
 * (events/event.h). */
static void s_peer_payload(const uint8_t *p, size_t len, vs_event_t *e)
{
    if (vs_sgdir_wire_is_typed(p, len)) {
        s_put(e->action, sizeof e->action, "SgDir");
        return;
    }
    if (vs_reach_wire_is_typed(p, len)) {
        /* Named as the JSON form's T and Id: "Probe nia-...", "Sealed". */
        vs_reach_msg_type_t type;
        char id[VS_ID_LEN];
        if (vs_reach_wire_peek(p, len, &type, id, sizeof id) == 0) {
            s_put(e->action, sizeof e->action, vs_reach_msg_type_name(type));
            s_put(e->object, sizeof e->object, id);
        }
        return;
    }
    if (!vs_pcx_wire_is_typed(p, len)) {
        vs_event_peer_payload(p, len, e->action, sizeof e->action, e->object, sizeof e->object);
        return;
    }
    vs_pcx_msg_type_t type;
    char id[VS_ID_LEN];
    if (vs_pcx_wire_peek(p, len, &type, id, sizeof id) == 0) {
        s_put(e->action, sizeof e->action, vs_pcx_msg_type_name(type));
        s_put(e->object, sizeof e->object, id);
    }
}

/* e as filed for the message's payload: one event, or one per part of a
 * bundle (core/model/peer_bundle.h), each as that part alone would be, so
 * that a connection's events show every message about it, and under its
 * own cause when the bundle tags its parts with theirs. */
typedef struct {
    agent_t *a;
    const vs_event_t *e;
} s_part_ev_t;

static void s_add_part(void *ctx, const uint8_t *part, size_t n, uint64_t tag)
{
    s_part_ev_t *c = ctx;
    vs_event_t pe = *c->e;
    if (tag)
        pe.cause = tag;
    s_peer_payload(part, n, &pe);
    s_add(c->a, &pe);
}

static void s_add_peer(agent_t *a, vs_event_t *e, const uint8_t *p, size_t len, bool sealed)
{
    if (sealed) {
        s_put(e->action, sizeof e->action, "(sealed)");
        s_add(a, e);
        return;
    }
    s_part_ev_t c = { a, e };
    if (vs_bundle_each(p, len, s_add_part, &c) < 0) {
        s_peer_payload(p, len, e);
        s_add(a, e);
    }
}

void agent_ev__peer_sent(agent_t *a, const store_outmsg_t *m, bool resend, uint64_t cause)
{
    if (a->ev && !resend)
        evlog_prefetch(a->ev, VS_EV_PEER_SEND, m->msg_id);   /* as in api_call */
    vs_event_t e;
    s_init(a, &e, resend ? VS_EV_PEER_RESEND : VS_EV_PEER_SEND);
    if (cause)
        e.cause = cause;
    if (resend) {
        uint64_t c = agent_ev__msg_cause(a, m->msg_id);
        if (c)
            e.cause = c;
    }
    e.msg_id = m->msg_id;
    s_put(e.peer_account, sizeof e.peer_account, m->to_account);
    s_put(e.peer_region, sizeof e.peer_region, m->to_region);
    s_add_peer(a, &e, m->payload, m->payload_len, m->sealed);
}

void agent_ev__peer_recv(agent_t *a, const vs_env_t *env, bool duplicate)
{
    if (env->cause_id)
        a->ev_cause = env->cause_id;
    vs_event_t e;
    s_init(a, &e, duplicate ? VS_EV_PEER_DUP : VS_EV_PEER_RECV);
    e.msg_id = env->msg_id;
    s_put(e.peer_account, sizeof e.peer_account, env->sender->account);
    s_put(e.peer_region, sizeof e.peer_region, env->sender->region);
    if (duplicate)
        s_put(e.detail, sizeof e.detail, "duplicate dropped");
    s_add_peer(a, &e, env->peer->payload.data, env->peer->payload.len, env->peer->sealed);
}

void agent_ev__undeliverable(agent_t *a, const vs_env_t *env)
{
    const Vpcsim__Wire__Undeliverable *u = env->undeliverable;
    vs_event_t e;
    s_init(a, &e, VS_EV_UNDELIVERABLE);
    uint64_t c = agent_ev__msg_cause(a, u->in_reply_to);
    if (c)
        e.cause = a->ev_cause = c;
    e.msg_id = u->in_reply_to;
    if (u->to) {
        s_put(e.peer_account, sizeof e.peer_account, u->to->account);
        s_put(e.peer_region, sizeof e.peer_region, u->to->region);
    }
    s_put(e.detail, sizeof e.detail, u->detail && *u->detail ? u->detail : "undeliverable");
    s_add(a, &e);
}

void agent_ev__persist_prefetch(agent_t *a, const char *id)
{
    if (a->ev && id)
        evlog_state_prefetch(a->ev, id);
}

void agent_ev__persist(agent_t *a, const char *id, bool exists, const char *obj_state)
{
    /* The model's own bookkeeping ("vs-meta") is no object of the user's. */
    if (!a->ev || !id || strlen(id) >= VS_EV_ID_LEN || !strncmp(id, "vs-", 3))
        return;
    /* The state comes from the model (its kinds' state hook), not from the
     * record, which is binary: a kind without states is just "created". */
    char state[VS_EV_DETAIL_LEN];
    if (!obj_state || !*obj_state || strlen(obj_state) >= sizeof state)
        obj_state = "created";
    s_put(state, sizeof state, obj_state);
    if (evlog_state_changed(a->ev, id, exists ? state : NULL) != 1)
        return;
    vs_event_t e;
    s_init(a, &e, VS_EV_STATE);
    s_put(e.object, sizeof e.object, id);
    s_put(e.detail, sizeof e.detail, exists ? state : "removed");
    s_add(a, &e);
}

void agent_ev__end_turn(agent_t *a)
{
    /* The turn's events as one row, in the turn's transaction. A failed
     * write leaves memory as the disk will be after this commit. */
    if (a->ev && evlog_flush(a->ev) != 0)
        agent_ev__reload(a);
    /* Pruned in batches of a sixteenth of the retention: one DELETE of many
     * neighbouring rows costs less than one per turn. */
    int64_t keep = a->cfg->event_retention > 0 ? a->cfg->event_retention : EVLOG_DEFAULT_RETENTION;
    if (a->ev && a->ev_added > 0 && (int64_t)a->ev_added >= keep / 16) {
        evlog_prune(a->ev);
        a->ev_added = 0;
    }
    a->ev_cause = 0;
}

/* --- DescribeEvents ------------------------------------------------------- */

static void s_answer_error(agent_t *a, const vs_env_t *env, const char *code, const char *msg)
{
    const uint8_t *route = env->sender ? env->sender->route.data : NULL;
    size_t route_len = env->sender ? env->sender->route.len : 0;
    agent__reply(a, env->msg_id, route, route_len, false, NULL, code, msg);
}

static bool s_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= VS_EV_ID_LEN)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

bool agent_ev__answer(agent_t *a, const vs_env_t *env)
{
    const Vpcsim__Wire__ApiRequest *rq = env->api_request;
    if (strcmp(rq->action, AGENT_EVENTS_ACTION) != 0)
        return false;
    const char *in = rq->input_json ? rq->input_json : "";
    vs_json_t *input = *in ? vs_json_parse(in, strlen(in), NULL, 0) : vs_json_object();
    if (!input || vs_json_type(input) != VS_JSON_OBJECT) {
        vs_json_free(&input);
        s_answer_error(a, env, "InvalidParameterValue", "The request input is not a JSON object");
        return true;
    }
    const char *object = vs_json_get_str(input, "ObjectId");
    int64_t after = vs_json_get_int(input, "AfterSeq", 0);
    int64_t max = vs_json_get_int(input, "MaxResults", EVLOG_MAX_QUERY);
    bool own = strcmp(rq->account, a->cfg->account) == 0;
    const char *bad = NULL;
    if (object && !s_id_ok(object))
        bad = "ObjectId must be a resource ID such as pcx-0123456789abcdef0";
    else if (after < 0 || max < 1 || max > EVLOG_MAX_QUERY)
        bad = "AfterSeq must be >= 0 and MaxResults 1..2000";
    if (bad) {
        vs_json_free(&input);
        s_answer_error(a, env, "InvalidParameterValue", bad);
        return true;
    }
    if (!own && !object) {
        /* Another account may ask only about one object it shares with us. */
        vs_json_free(&input);
        s_answer_error(a, env, "UnauthorizedOperation",
                       "Another account's events can be read only for a shared object (ObjectId)");
        return true;
    }
    vs_event_t *evs = NULL;
    size_t n = 0;
    if (!a->ev || evlog_query(a->ev, object, after, (size_t)max, &evs, &n) != 0) {
        vs_json_free(&input);
        s_answer_error(a, env, "InternalError", "The event log could not be read");
        return true;
    }
    /* The page ends where the log's answer ended, before filtering, so a
     * follower never asks again for events it was not allowed to see. */
    int64_t last = n ? evs[n - 1].seq : after;
    n = vs_events_filter(evs, n, a->cfg->account, rq->account, object);
    vs_json_t *out = vs_json_object();
    vs_json_set_str(out, "AccountId", a->cfg->account);
    vs_json_set_str(out, "Region", a->cfg->region);
    vs_json_set_int(out, "LastSeq", last);
    vs_json_t *arr = vs_json_set(out, "Events", vs_json_array());
    for (size_t i = 0; arr && i < n; i++)
        vs_json_push(arr, vs_event_to_json(&evs[i]));
    free(evs);
    vs_json_free(&input);
    char *text = vs_json_dump(out, 0);
    vs_json_free(&out);
    const uint8_t *route = env->sender ? env->sender->route.data : NULL;
    size_t route_len = env->sender ? env->sender->route.len : 0;
    if (text)
        agent__reply(a, env->msg_id, route, route_len, true, text, NULL, NULL);
    else
        s_answer_error(a, env, "InternalError", "out of memory");
    free(text);
    return true;
}
