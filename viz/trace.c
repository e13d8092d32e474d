#include "trace.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "event.h"
#include "vizxml.h"

#define T_MAX_LANES 64
#define T_MAX_AGENTS 16
#define T_MAX_EVENTS 20000
#define T_LABEL 320

typedef enum { LANE_CLIENT, LANE_AGENT, LANE_BROKER } lane_kind_t;

typedef struct {
    lane_kind_t kind;
    char account[VS_EV_ACCOUNT_LEN];
    char region[VS_EV_REGION_LEN];
    char id[48];        /* mermaid participant id */
    char label[80];
} lane_t;

typedef enum { STEP_CALL, STEP_REPLY, STEP_MSG, STEP_FAULT, STEP_NOTE } step_kind_t;

typedef struct {
    step_kind_t kind;
    int from, to;       /* lanes; a note uses `from` */
    uint64_t sim_ms, wall_ms;
    int agent;          /* index in the history's Agents */
    int64_t seq;
    char key[32];
    char label[T_LABEL];
} step_t;

struct vs_trace {
    char pcx[VS_EV_ID_LEN];
    lane_t lanes[T_MAX_LANES];
    int n_lanes;
    step_t *steps;
    size_t n_steps;
};

int vs_trace_format_parse(const char *s)
{
    if (!s)
        return -1;
    if (!strcmp(s, "text")) return VS_TRACE_TEXT;
    if (!strcmp(s, "mermaid")) return VS_TRACE_MERMAID;
    if (!strcmp(s, "svg")) return VS_TRACE_SVG;
    return -1;
}

/* acct and region are the caller's copies, not l's own fields. */
static void s_lane_id(lane_t *l, const char *acct, const char *region)
{
    const char *p = l->kind == LANE_CLIENT ? "client" : l->kind == LANE_AGENT ? "agent" : "broker";
    snprintf(l->id, sizeof l->id, "%s%s%s%s%s", p, acct[0] ? "_" : "", acct,
             region[0] ? "_" : "", region);
    for (char *c = l->id; *c; c++)
        if (*c == '-')
            *c = '_';
    if (l->kind == LANE_CLIENT)
        snprintf(l->label, sizeof l->label, "client %s", acct);
    else if (l->kind == LANE_AGENT)
        snprintf(l->label, sizeof l->label, "agent %s %s", acct, region);
    else
        snprintf(l->label, sizeof l->label, "broker");
}

static int s_find_lane(const vs_trace_t *t, lane_kind_t k, const char *acct, const char *region)
{
    for (int i = 0; i < t->n_lanes; i++) {
        const lane_t *l = &t->lanes[i];
        if (l->kind == k && (k == LANE_BROKER || (!strcmp(l->account, acct) &&
                                                  (k == LANE_CLIENT || !strcmp(l->region, region)))))
            return i;
    }
    return -1;
}

/* Inserts a lane at position pos (or appends when pos < 0). */
static int s_add_lane(vs_trace_t *t, int pos, lane_kind_t k, const char *acct, const char *region)
{
    int have = s_find_lane(t, k, acct, region);
    if (have >= 0)
        return have;
    if (t->n_lanes == T_MAX_LANES)
        return -1;
    if (pos < 0 || pos > t->n_lanes)
        pos = t->n_lanes;
    memmove(&t->lanes[pos + 1], &t->lanes[pos], (size_t)(t->n_lanes - pos) * sizeof(lane_t));
    lane_t *l = &t->lanes[pos];
    memset(l, 0, sizeof *l);
    l->kind = k;
    vs_event_set(l->account, sizeof l->account, acct);
    vs_event_set(l->region, sizeof l->region, region);
    s_lane_id(l, acct ? acct : "", region ? region : "");
    t->n_lanes++;
    return pos;
}

typedef struct {
    vs_event_t ev;
    int agent;
} tagged_t;

/* Earlier in the picture: simulated time, then wall time, then agent. */
static bool s_before(const tagged_t *a, const tagged_t *b)
{
    if (a->ev.sim_ms != b->ev.sim_ms)
        return a->ev.sim_ms < b->ev.sim_ms;
    if (a->ev.wall_ms != b->ev.wall_ms)
        return a->ev.wall_ms < b->ev.wall_ms;
    return a->agent < b->agent;
}

typedef struct {
    uint64_t msg_id;
    size_t index;
} send_ref_t;

static int s_by_msg(const void *pa, const void *pb)
{
    uint64_t a = ((const send_ref_t *)pa)->msg_id, b = ((const send_ref_t *)pb)->msg_id;
    return a < b ? -1 : a > b;
}

/* Orders the events causally: each agent's own in its log's order, a
 * message's receipt after its sending (the agents' clocks may differ by a
 * few milliseconds, their logs' orders never do), and otherwise by time.
 * A merge of the agents' logs that takes, at each step, the earliest head
 * whose sending (if any, and in the history) is already placed. n events,
 * grouped by agent in log order; the result goes to out. 0 or -1. */
static int s_causal_order(const tagged_t *all, size_t n, int agents, tagged_t *out)
{
    send_ref_t *sends = malloc((n ? n : 1) * sizeof *sends);
    long *send_of = malloc((n ? n : 1) * sizeof *send_of);
    bool *placed = calloc(n ? n : 1, sizeof *placed);
    size_t heads[32], ends[32];
    if (!sends || !send_of || !placed || agents > 32) {
        free(sends);
        free(send_of);
        free(placed);
        return -1;
    }
    size_t ns = 0;
    for (size_t i = 0; i < n; i++)
        if (all[i].ev.kind == VS_EV_PEER_SEND)
            sends[ns++] = (send_ref_t){ all[i].ev.msg_id, i };
    qsort(sends, ns, sizeof *sends, s_by_msg);
    for (size_t i = 0; i < n; i++) {
        send_of[i] = -1;
        if (all[i].ev.kind != VS_EV_PEER_RECV && all[i].ev.kind != VS_EV_PEER_DUP)
            continue;
        size_t lo = 0, hi = ns;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (sends[mid].msg_id < all[i].ev.msg_id)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < ns && sends[lo].msg_id == all[i].ev.msg_id)
            send_of[i] = (long)sends[lo].index;
    }
    for (int g = 0; g < agents; g++)
        heads[g] = ends[g] = 0;
    for (size_t i = 0; i < n; i++) {   /* each agent's events are contiguous */
        int g = all[i].agent;
        if (ends[g] == 0)
            heads[g] = i;
        ends[g] = i + 1;
    }
    for (size_t k = 0; k < n; k++) {
        long best = -1, any = -1;
        for (int g = 0; g < agents; g++) {
            if (heads[g] >= ends[g])
                continue;
            size_t h = heads[g];
            if (any < 0 || s_before(&all[h], &all[any]))
                any = (long)h;
            bool ready = send_of[h] < 0 || placed[send_of[h]];
            if (ready && (best < 0 || s_before(&all[h], &all[best])))
                best = (long)h;
        }
        if (best < 0)
            best = any;   /* a cycle cannot happen; should it, time decides */
        placed[best] = true;
        out[k] = all[best];
        heads[all[best].agent]++;
    }
    free(sends);
    free(send_of);
    free(placed);
    return 0;
}

static const char *s_short(uint64_t id, char buf[8])
{
    snprintf(buf, 8, "%04" PRIx64, id & 0xffff);
    return buf;
}

/* Fills step s from event e recorded by agent lane `al`. */
static int s_step(vs_trace_t *t, const tagged_t *te, int al, const tagged_t *all, size_t n,
                  step_t *s)
{
    const vs_event_t *e = &te->ev;
    char tag[8];
    memset(s, 0, sizeof *s);
    s->sim_ms = e->sim_ms;
    s->wall_ms = e->wall_ms;
    s->agent = te->agent;
    s->seq = e->seq;
    snprintf(s->key, sizeof s->key, "%d:%" PRId64, te->agent, e->seq);
    int broker = s_find_lane(t, LANE_BROKER, "", "");
    const char *what = e->action[0] ? e->action : "message";
    switch (e->kind) {
    case VS_EV_API_CALL:
    case VS_EV_API_REPLY: {
        const char *caller = e->caller;
        for (size_t i = 0; !caller[0] && i < n; i++)   /* a reply's caller: its call's */
            if (all[i].agent == te->agent && all[i].ev.kind == VS_EV_API_CALL &&
                all[i].ev.cause == e->cause)
                caller = all[i].ev.caller;
        if (!caller[0])
            caller = t->lanes[al].account;
        int cl = s_find_lane(t, LANE_CLIENT, caller, "");
        if (cl < 0)
            return -1;
        bool call = e->kind == VS_EV_API_CALL;
        s->kind = call ? STEP_CALL : STEP_REPLY;
        s->from = call ? cl : al;
        s->to = call ? al : cl;
        if (call)
            snprintf(s->label, sizeof s->label, "%s", e->action);
        else
            snprintf(s->label, sizeof s->label, "%s%s%s", e->action, e->action[0] ? ": " : "",
                     e->detail);
        return 0;
    }
    case VS_EV_PEER_SEND:
        s->kind = STEP_MSG;
        s->from = al;
        s->to = broker;
        snprintf(s->label, sizeof s->label, "%s #%s to %s", what, s_short(e->msg_id, tag),
                 e->peer_account);
        return 0;
    case VS_EV_PEER_RESEND:
        s->kind = STEP_FAULT;
        s->from = al;
        s->to = broker;
        snprintf(s->label, sizeof s->label, "resend %s #%s (not acknowledged)", what,
                 s_short(e->msg_id, tag));
        return 0;
    case VS_EV_PEER_RECV:
        s->kind = STEP_MSG;
        s->from = broker;
        s->to = al;
        snprintf(s->label, sizeof s->label, "%s #%s from %s", what, s_short(e->msg_id, tag),
                 e->peer_account);
        return 0;
    case VS_EV_PEER_DUP:
        s->kind = STEP_FAULT;
        s->from = broker;
        s->to = al;
        snprintf(s->label, sizeof s->label, "%s #%s again: duplicate dropped", what,
                 s_short(e->msg_id, tag));
        return 0;
    case VS_EV_UNDELIVERABLE:
        s->kind = STEP_FAULT;
        s->from = broker;
        s->to = al;
        snprintf(s->label, sizeof s->label, "undeliverable #%s: %s", s_short(e->msg_id, tag),
                 e->detail);
        return 0;
    case VS_EV_STATE:
        s->kind = STEP_NOTE;
        s->from = s->to = al;
        if (!strcmp(e->object, t->pcx))
            snprintf(s->label, sizeof s->label, "%s", e->detail);
        else
            snprintf(s->label, sizeof s->label, "%s %s", e->object, e->detail);
        return 0;
    default:
        return -1;
    }
}

vs_trace_t *vs_trace_build(const vs_json_t *h, char *err, size_t errlen)
{
    const vs_json_t *agents = h ? vs_json_get(h, "Agents") : NULL;
    const char *pcx = h ? vs_json_get_str(h, "PcxId") : NULL;
    if (!pcx || strlen(pcx) >= VS_EV_ID_LEN || !agents || vs_json_type(agents) != VS_JSON_ARRAY ||
        vs_json_len(agents) > T_MAX_AGENTS) {
        snprintf(err, errlen, "a history needs PcxId and Agents (at most %d)", T_MAX_AGENTS);
        return NULL;
    }
    size_t total = 0;
    for (size_t i = 0; i < vs_json_len(agents); i++)
        total += vs_json_len(vs_json_get(vs_json_at(agents, i), "Events"));
    if (total > T_MAX_EVENTS) {
        snprintf(err, errlen, "a history holds at most %d events", T_MAX_EVENTS);
        return NULL;
    }
    vs_trace_t *t = calloc(1, sizeof *t);
    tagged_t *all = calloc(total ? total : 1, sizeof *all);
    if (!t || !all) {
        free(t);
        free(all);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    vs_event_set(t->pcx, sizeof t->pcx, pcx);
    size_t n = 0;
    int agent_lane[T_MAX_AGENTS];
    for (size_t i = 0; i < vs_json_len(agents); i++) {
        const vs_json_t *a = vs_json_at(agents, i);
        const char *acct = vs_json_get_str(a, "AccountId"), *region = vs_json_get_str(a, "Region");
        const vs_json_t *evs = vs_json_get(a, "Events");
        if (!acct || !region || strlen(acct) >= VS_EV_ACCOUNT_LEN ||
            strlen(region) >= VS_EV_REGION_LEN || !evs || vs_json_type(evs) != VS_JSON_ARRAY) {
            snprintf(err, errlen, "agent %zu: needs AccountId, Region and Events", i);
            goto fail;
        }
        /* The first agent's lanes sit left of the broker (client, agent),
         * every other agent's right of it (agent, client). */
        if (i == 0) {
            s_add_lane(t, -1, LANE_AGENT, acct, region);
            s_add_lane(t, -1, LANE_BROKER, "", "");
        } else {
            s_add_lane(t, -1, LANE_AGENT, acct, region);
        }
        for (size_t k = 0; k < vs_json_len(evs); k++) {
            if (vs_event_from_json(vs_json_at(evs, k), &all[n].ev, err, errlen) != 0)
                goto fail;
            all[n++].agent = (int)i;
        }
    }
    if (vs_json_len(agents) == 0)
        s_add_lane(t, -1, LANE_BROKER, "", "");
    /* Clients: one per calling account, next to that account's first agent. */
    for (size_t k = 0; k < n; k++) {
        const vs_event_t *e = &all[k].ev;
        if (e->kind != VS_EV_API_CALL && e->kind != VS_EV_API_REPLY)
            continue;
        const vs_json_t *a = vs_json_at(agents, (size_t)all[k].agent);
        /* A reply whose call was pruned goes to the agent's own account. */
        const char *caller = e->caller[0] ? e->caller : vs_json_get_str(a, "AccountId");
        if (s_find_lane(t, LANE_CLIENT, caller, "") >= 0)
            continue;
        int al = s_find_lane(t, LANE_AGENT, vs_json_get_str(a, "AccountId"),
                             vs_json_get_str(a, "Region"));
        int br = s_find_lane(t, LANE_BROKER, "", "");
        s_add_lane(t, al < br ? al : al + 1, LANE_CLIENT, caller, "");
    }
    tagged_t *ordered = malloc((n ? n : 1) * sizeof *ordered);
    if (!ordered || s_causal_order(all, n, (int)vs_json_len(agents), ordered) != 0) {
        free(ordered);
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    free(all);
    all = ordered;
    t->steps = calloc(n ? n : 1, sizeof *t->steps);
    if (!t->steps) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < vs_json_len(agents); i++) {
        const vs_json_t *a = vs_json_at(agents, i);
        agent_lane[i] = s_find_lane(t, LANE_AGENT, vs_json_get_str(a, "AccountId"),
                                    vs_json_get_str(a, "Region"));
    }
    for (size_t k = 0; k < n; k++)
        if (s_step(t, &all[k], agent_lane[all[k].agent], all, n, &t->steps[t->n_steps]) == 0)
            t->n_steps++;
    free(all);
    return t;
fail:
    free(all);
    vs_trace_destroy(&t);
    return NULL;
}

void vs_trace_destroy(vs_trace_t **t)
{
    if (!t || !*t)
        return;
    free((*t)->steps);
    free(*t);
    *t = NULL;
}

size_t vs_trace_steps(const vs_trace_t *t) { return t->n_steps; }

const char *vs_trace_step_key(const vs_trace_t *t, size_t i)
{
    return i < t->n_steps ? t->steps[i].key : "";
}

/* --- text and mermaid -------------------------------------------------------- */

static void s_text_step(const vs_trace_t *t, const step_t *s, vs_buf_t *b)
{
    char ts[40] = "";
    vs_time_format(s->sim_ms, VS_TS_ZULU, ts, sizeof ts);
    if (s->kind == STEP_NOTE) {
        vs_buf_printf(b, "%s  [%s] %s\n", ts, t->lanes[s->from].label, s->label);
        return;
    }
    const char *arrow = s->kind == STEP_REPLY ? "-->" : s->kind == STEP_FAULT ? "-x " : "-> ";
    vs_buf_printf(b, "%s  %s %s %s: %s\n", ts, t->lanes[s->from].label, arrow,
                     t->lanes[s->to].label, s->label);
}

/* Mermaid message text may not hold ';' or '#' (entity syntax) unescaped. */
static void s_mermaid_text(vs_buf_t *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '#')
            vs_buf_printf(b, "#35;");
        else if (*s == ';')
            vs_buf_printf(b, "#59;");
        else
            vs_buf_printf(b, "%c", *s);
    }
}

static void s_mermaid_step(const vs_trace_t *t, const step_t *s, vs_buf_t *b)
{
    if (s->kind == STEP_NOTE) {
        vs_buf_printf(b, "    Note over %s: ", t->lanes[s->from].id);
    } else {
        const char *arrow = s->kind == STEP_REPLY ? "-->>" : s->kind == STEP_FAULT ? "-x" : "->>";
        vs_buf_printf(b, "    %s%s%s: ", t->lanes[s->from].id, arrow, t->lanes[s->to].id);
    }
    s_mermaid_text(b, s->label);
    vs_buf_printf(b, "\n");
}

char *vs_trace_render_header(const vs_trace_t *t, vs_trace_format_t f)
{
    vs_buf_t b = { 0 };
    if (f == VS_TRACE_MERMAID) {
        vs_buf_printf(&b, "sequenceDiagram\n    title %s\n", t->pcx);
        for (int i = 0; i < t->n_lanes; i++)
            vs_buf_printf(&b, "    participant %s as %s\n", t->lanes[i].id, t->lanes[i].label);
    } else if (f == VS_TRACE_TEXT) {
        vs_buf_printf(&b, "# %s: simulated time, from -> to (-x a fault, --> a reply)\n", t->pcx);
    }
    return vs_buf_take(&b);
}

char *vs_trace_render_step(const vs_trace_t *t, vs_trace_format_t f, size_t i)
{
    vs_buf_t b = { 0 };
    if (i < t->n_steps) {
        if (f == VS_TRACE_MERMAID)
            s_mermaid_step(t, &t->steps[i], &b);
        else
            s_text_step(t, &t->steps[i], &b);
    }
    return vs_buf_take(&b);
}

/* --- svg: a sequence diagram is a grid: one column per lane, one row per step */

#define SVG_COL 210
#define SVG_ROW 34
#define SVG_TOP 70

static void s_svg(const vs_trace_t *t, vs_buf_t *b)
{
    int w = SVG_COL * (t->n_lanes > 0 ? t->n_lanes : 1);
    int h = SVG_TOP + SVG_ROW * (int)(t->n_steps + 1) + 20;
    vs_buf_printf(b,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        "<title>", w, h, w, h);
    vs_viz_xml(b, t->pcx);
    vs_buf_printf(b, "</title>\n<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" "
                        "refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">"
                        "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"context-stroke\"/></marker></defs>\n"
                        "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
    for (int i = 0; i < t->n_lanes; i++) {
        int x = SVG_COL * i + SVG_COL / 2;
        const char *fill = t->lanes[i].kind == LANE_BROKER ? "#eceff1"
                           : t->lanes[i].kind == LANE_AGENT ? "#e3f2fd" : "#f1f8e9";
        vs_buf_printf(b, "<g class=\"lane\"><rect x=\"%d\" y=\"10\" width=\"%d\" height=\"34\" "
                            "rx=\"4\" fill=\"%s\" stroke=\"#455a64\"/>"
                            "<text x=\"%d\" y=\"31\" text-anchor=\"middle\">",
                         x - SVG_COL / 2 + 8, SVG_COL - 16, fill, x);
        vs_viz_xml(b, t->lanes[i].label);
        vs_buf_printf(b, "</text><line x1=\"%d\" y1=\"44\" x2=\"%d\" y2=\"%d\" stroke=\"#90a4ae\" "
                            "stroke-dasharray=\"4 4\"/></g>\n", x, x, h - 10);
    }
    for (size_t k = 0; k < t->n_steps; k++) {
        const step_t *s = &t->steps[k];
        int y = SVG_TOP + SVG_ROW * (int)k + 16;
        int x1 = SVG_COL * s->from + SVG_COL / 2, x2 = SVG_COL * s->to + SVG_COL / 2;
        if (s->kind == STEP_NOTE) {
            vs_buf_printf(b, "<g class=\"note\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"22\" "
                                "fill=\"#fff8e1\" stroke=\"#f9a825\"/><text x=\"%d\" y=\"%d\" "
                                "text-anchor=\"middle\">", x1 - SVG_COL / 2 + 14, y - 14,
                             SVG_COL - 28, x1, y + 1);
            vs_viz_xml(b, s->label);
            vs_buf_printf(b, "</text></g>\n");
            continue;
        }
        const char *color = s->kind == STEP_FAULT ? "#c62828" : "#263238";
        vs_buf_printf(b, "<g class=\"%s\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                            "stroke=\"%s\"%s marker-end=\"url(#arrow)\"/>"
                            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">",
                         s->kind == STEP_FAULT ? "fault" : s->kind == STEP_REPLY ? "reply" : "msg",
                         x1, y, x2, y, color, s->kind == STEP_REPLY ? " stroke-dasharray=\"6 3\"" : "",
                         (x1 + x2) / 2, y - 5, color);
        vs_viz_xml(b, s->label);
        vs_buf_printf(b, "</text></g>\n");
    }
    vs_buf_printf(b, "</svg>\n");
}

char *vs_trace_render(const vs_trace_t *t, vs_trace_format_t f)
{
    vs_buf_t b = { 0 };
    if (f == VS_TRACE_SVG) {
        s_svg(t, &b);
        return vs_buf_take(&b);
    }
    char *head = vs_trace_render_header(t, f);
    vs_buf_printf(&b, "%s", head ? head : "");
    free(head);
    for (size_t i = 0; i < t->n_steps; i++) {
        if (f == VS_TRACE_MERMAID)
            s_mermaid_step(t, &t->steps[i], &b);
        else
            s_text_step(t, &t->steps[i], &b);
    }
    return vs_buf_take(&b);
}
