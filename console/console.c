#include "console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_assets.h"
#include "globals.h"
#include "ids.h"
#include "json.h"
#include "topology.h"
#include "trace.h"
#include "viz_cli.h"
#include "viz_fetch.h"

#define PREFIX "/console/"

struct vs_console {
    viz_fetch_t *f;
    struct {
        bool used;
        vs_console_sink_t sink;
    } subs[VS_CONSOLE_MAX_SUBSCRIBERS];
    char *last_state;       /* the last state pushed, to push only changes */
};

vs_console_t *vs_console_new(const char *broker, const char *keys_dir, double timeout_s,
                             char **err)
{
    vs_console_t *c = calloc(1, sizeof *c);
    if (!c) {
        *err = strdup("out of memory");
        return NULL;
    }
    c->f = viz_fetch_new(broker, keys_dir, "000000000000", "us-east-1", timeout_s, false, err);
    if (!c->f) {
        free(c);
        return NULL;
    }
    return c;
}

void vs_console_destroy(vs_console_t **cp)
{
    if (!cp || !*cp)
        return;
    vs_console_t *c = *cp;
    for (int i = 0; i < VS_CONSOLE_MAX_SUBSCRIBERS; i++)
        if (c->subs[i].used && c->subs[i].sink.close)
            c->subs[i].sink.close(c->subs[i].sink.ctx);
    viz_fetch_destroy(&c->f);
    free(c->last_state);
    free(c);
    *cp = NULL;
}

bool vs_console_is_stream(const char *path)
{
    return path && !strcmp(path, PREFIX "api/stream");
}

static void s_reply(vs_console_reply_t *r, int status, const char *type, char *body)
{
    r->status = status;
    r->content_type = type;
    r->body = body ? body : strdup("");
    r->len = r->body ? strlen(r->body) : 0;
}

static void s_error(vs_console_reply_t *r, int status, const char *msg)
{
    vs_json_t *j = vs_json_object();
    vs_json_set_str(j, "Error", msg);
    s_reply(r, status, "application/json", vs_json_dump(j, 0));
    vs_json_free(&j);
}

/* The value of key in an application/x-www-form-urlencoded query, copied
 * into out (bounded; only the characters IDs and Regions use). */
static bool s_param(const char *query, const char *key, char *out, size_t outlen)
{
    size_t kl = strlen(key);
    for (const char *p = query; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len > kl && p[kl] == '=' && !strncmp(p, key, kl)) {
            size_t vl = len - kl - 1;
            if (vl >= outlen)
                return false;
            memcpy(out, p + kl + 1, vl);
            out[vl] = 0;
            for (size_t i = 0; i < vl; i++)
                if (!((out[i] >= 'a' && out[i] <= 'z') || (out[i] >= '0' && out[i] <= '9') ||
                      out[i] == '-'))
                    return false;
            return true;
        }
        p = amp ? amp + 1 : NULL;
    }
    return false;
}

static bool s_agent_params(const char *query, char acct[16], char region[32])
{
    return s_param(query, "account", acct, 16) && vs_account_valid(acct) &&
           s_param(query, "region", region, 32) && vs_region_known(region);
}

/* --- the state ------------------------------------------------------------------ */

static vs_json_t *s_online_agents(vs_console_t *c, vs_json_t **agents_doc)
{
    char *err = NULL;
    *agents_doc = viz_fetch_agents(c->f, &err);
    free(err);
    vs_json_t *online = vs_json_array();
    const vs_json_t *l = *agents_doc ? vs_json_get(*agents_doc, "Agents") : NULL;
    for (size_t i = 0; i < vs_json_len(l); i++) {
        const vs_json_t *a = vs_json_at(l, i);
        const char *st = vs_json_get_str(a, "Status");
        if (st && !strcmp(st, "online") && vs_json_get_str(a, "AccountId") &&
            vs_json_get_str(a, "Region"))
            vs_json_push(online, vs_json_clone(a));
    }
    return online;
}

/* Every agent's VPCs, connections and routes, each asked as its own account. */
static vs_json_t *s_state(vs_console_t *c)
{
    vs_json_t *agents_doc = NULL;
    vs_json_t *online = s_online_agents(c, &agents_doc);
    vs_json_t *st = vs_json_object();
    vs_json_set(st, "Agents", vs_json_clone(agents_doc ? vs_json_get(agents_doc, "Agents") : NULL));
    if (!vs_json_get(st, "Agents") || vs_json_type(vs_json_get(st, "Agents")) != VS_JSON_ARRAY) {
        vs_json_remove(st, "Agents");
        vs_json_set(st, "Agents", vs_json_array());
    }
    vs_json_free(&agents_doc);
    vs_json_t *topo = vs_topo_new();
    vs_json_t *views = vs_json_array();
    for (size_t i = 0; i < vs_json_len(online); i++) {
        const vs_json_t *a = vs_json_at(online, i);
        const char *acct = vs_json_get_str(a, "AccountId"), *region = vs_json_get_str(a, "Region");
        viz_fetch_act_as(c->f, acct, region);
        static const char *const actions[3] = { "DescribeVpcs", "DescribeVpcPeeringConnections",
                                                "DescribeRouteTables" };
        vs_json_t *res[3] = { NULL, NULL, NULL };
        bool ok = true;
        for (int k = 0; ok && k < 3; k++) {
            char *e = NULL;
            ok = viz_fetch_call(c->f, acct, region, actions[k], NULL, &res[k], &e) == 0;
            free(e);
        }
        if (ok && vs_topo_add(topo, acct, region, res[0], res[1], res[2]) == 0) {
            vs_json_t *v = vs_json_push(views, vs_json_object());
            vs_json_set_str(v, "AccountId", acct);
            vs_json_set_str(v, "Region", region);
            vs_json_t *list = vs_json_set(v, "VpcPeeringConnections", vs_json_array());
            const vs_json_t *pl = vs_json_get(res[1], "VpcPeeringConnections");
            for (size_t k = 0; k < vs_json_len(pl); k++) {
                const vs_json_t *p = vs_json_at(pl, k);
                vs_json_t *o = vs_json_push(list, vs_json_object());
                vs_json_set_str(o, "VpcPeeringConnectionId", vs_json_get_str(p, "VpcPeeringConnectionId"));
                vs_json_set_str(o, "State", vs_json_get_str(vs_json_get(p, "Status"), "Code"));
                vs_json_set_str(o, "Message", vs_json_get_str(vs_json_get(p, "Status"), "Message"));
            }
        }
        for (int k = 0; k < 3; k++)
            vs_json_free(&res[k]);
    }
    vs_json_free(&online);
    vs_json_set(st, "Topology", topo);
    vs_json_set(st, "Views", views);
    return st;
}

/* Simulated time, shown by the page; only in api/state, so that the
 * clock's ticking alone does not count as a change of the live feed. */
static void s_add_clock(vs_console_t *c, vs_json_t *st)
{
    vs_json_t *clk = viz_fetch_clock(c->f);
    const char *t = clk ? vs_json_get_str(clk, "SimulatedTime") : NULL;
    if (t)
        vs_json_set_str(st, "SimulatedTime", t);
    vs_json_free(&clk);
}

/* --- API handlers --------------------------------------------------------------- */

static void s_api_state(vs_console_t *c, vs_console_reply_t *r)
{
    vs_json_t *st = s_state(c);
    s_add_clock(c, st);
    s_reply(r, 200, "application/json", vs_json_dump(st, 0));
    vs_json_free(&st);
}

static void s_api_events(vs_console_t *c, const char *query, vs_console_reply_t *r)
{
    char acct[16], region[32];
    if (!s_agent_params(query, acct, region)) {
        s_error(r, 400, "account (12 digits) and region (a known Region) are required");
        return;
    }
    viz_fetch_act_as(c->f, acct, region);
    vs_json_t *out = NULL;
    char *err = NULL;
    if (viz_fetch_call(c->f, acct, region, "DescribeEvents", NULL, &out, &err) != 0) {
        s_error(r, 502, err ? err : "no answer");
        free(err);
        return;
    }
    s_reply(r, 200, "application/json", vs_json_dump(out, 0));
    vs_json_free(&out);
}

static void s_api_trace(vs_console_t *c, const char *query, vs_console_reply_t *r)
{
    char acct[16], region[32], pcx[32], format[16] = "svg";
    if (!s_agent_params(query, acct, region) || !s_param(query, "pcx", pcx, sizeof pcx) ||
        !vs_id_valid(pcx, "pcx")) {
        s_error(r, 400, "pcx (a pcx- ID), account and region are required");
        return;
    }
    s_param(query, "format", format, sizeof format);
    int fmt = vs_trace_format_parse(format);
    if (fmt < 0) {
        s_error(r, 400, "format is svg, mermaid or text");
        return;
    }
    viz_fetch_act_as(c->f, acct, region);
    vs_json_t *h = NULL;
    char *err = NULL;
    int rc = viz_fetch_history(c->f, pcx, false, &h, &err);
    if (rc) {
        s_error(r, rc == CLI_EXIT_SERVICE ? 404 : 502, err ? err : "no answer");
        free(err);
        return;
    }
    char berr[160];
    vs_trace_t *t = vs_trace_build(h, berr, sizeof berr);
    vs_json_free(&h);
    if (!t) {
        s_error(r, 502, berr);
        return;
    }
    s_reply(r, 200, fmt == VS_TRACE_SVG ? "image/svg+xml" : "text/plain; charset=utf-8",
            vs_trace_render(t, (vs_trace_format_t)fmt));
    vs_trace_destroy(&t);
}

static void s_api_topology_svg(vs_console_t *c, vs_console_reply_t *r)
{
    vs_json_t *st = s_state(c);
    char derr[160], *err = NULL;
    char *dot = vs_topo_dot(vs_json_get(st, "Topology"), derr, sizeof derr);
    vs_json_free(&st);
    char *svg = dot ? viz_dot_to_svg(dot, &err) : NULL;
    free(dot);
    if (!svg) {
        s_error(r, 502, err ? err : derr);
        free(err);
        return;
    }
    s_reply(r, 200, "image/svg+xml", svg);
}

static void s_api_analyses(vs_console_t *c, vs_console_reply_t *r)
{
    vs_json_t *agents_doc = NULL;
    vs_json_t *online = s_online_agents(c, &agents_doc);
    vs_json_free(&agents_doc);
    vs_json_t *out = vs_json_object();
    vs_json_t *list = vs_json_set(out, "Analyses", vs_json_array());
    for (size_t i = 0; i < vs_json_len(online); i++) {
        const vs_json_t *a = vs_json_at(online, i);
        const char *acct = vs_json_get_str(a, "AccountId"), *region = vs_json_get_str(a, "Region");
        viz_fetch_act_as(c->f, acct, region);
        vs_json_t *res = NULL;
        char *err = NULL;
        if (viz_fetch_call(c->f, acct, region, "DescribeNetworkInsightsAnalyses", NULL, &res, &err) == 0) {
            const vs_json_t *l = vs_json_get(res, "NetworkInsightsAnalyses");
            for (size_t k = 0; k < vs_json_len(l); k++) {
                vs_json_t *o = vs_json_push(list, vs_json_clone(vs_json_at(l, k)));
                vs_json_set_str(o, "AccountId", acct);
                vs_json_set_str(o, "Region", region);
            }
        }
        free(err);
        vs_json_free(&res);
    }
    vs_json_free(&online);
    s_reply(r, 200, "application/json", vs_json_dump(out, 0));
    vs_json_free(&out);
}

void vs_console_handle(vs_console_t *c, const char *method, const char *path, const char *query,
                       vs_console_reply_t *r)
{
    memset(r, 0, sizeof *r);
    if (!path || strncmp(path, PREFIX, strlen(PREFIX)) != 0) {
        s_error(r, 404, "not found");
        return;
    }
    if (!method || (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)) {
        s_error(r, 405, "the console is read-only: GET only");
        return;
    }
    const char *rest = path + strlen(PREFIX);
    if (!*rest)
        rest = "index.html";
    if (!strcmp(rest, "api/state"))
        s_api_state(c, r);
    else if (!strcmp(rest, "api/events"))
        s_api_events(c, query, r);
    else if (!strcmp(rest, "api/trace"))
        s_api_trace(c, query, r);
    else if (!strcmp(rest, "api/topology.svg"))
        s_api_topology_svg(c, r);
    else if (!strcmp(rest, "api/analyses"))
        s_api_analyses(c, r);
    else {
        for (const vs_console_asset_t *a = vs_console_assets; a->name; a++) {
            if (!strcmp(a->name, rest)) {
                r->status = 200;
                r->content_type = a->content_type;
                r->body = malloc(a->len + 1);
                if (r->body) {
                    memcpy(r->body, a->data, a->len + 1);
                    r->len = a->len;
                }
                return;
            }
        }
        s_error(r, 404, "not found");
    }
}

/* --- the live feed -------------------------------------------------------------- */

static void s_push(vs_console_t *c, int only, const char *state)
{
    size_t n = strlen(state);
    char *chunk = malloc(n + 32);
    if (!chunk)
        return;
    int len = snprintf(chunk, n + 32, "event: state\ndata: %s\n\n", state);
    for (int i = 0; i < VS_CONSOLE_MAX_SUBSCRIBERS; i++)
        if (c->subs[i].used && (only < 0 || only == i))
            c->subs[i].sink.write(c->subs[i].sink.ctx, chunk, (size_t)len);
    free(chunk);
}

static char *s_state_text(vs_console_t *c)
{
    vs_json_t *st = s_state(c);
    char *s = vs_json_dump(st, 0);
    vs_json_free(&st);
    return s;
}

int vs_console_subscribe(vs_console_t *c, const vs_console_sink_t *sink)
{
    for (int i = 0; i < VS_CONSOLE_MAX_SUBSCRIBERS; i++) {
        if (c->subs[i].used)
            continue;
        c->subs[i].used = true;
        c->subs[i].sink = *sink;
        /* The retry hint makes EventSource reconnect quickly after a restart. */
        sink->write(sink->ctx, "retry: 1000\n\n", 13);
        char *s = s_state_text(c);
        if (s)
            s_push(c, i, s);
        free(s);
        return i;
    }
    return -1;
}

void vs_console_unsubscribe(vs_console_t *c, int id)
{
    if (id >= 0 && id < VS_CONSOLE_MAX_SUBSCRIBERS)
        c->subs[id].used = false;
}

void vs_console_tick(vs_console_t *c)
{
    bool any = false;
    for (int i = 0; i < VS_CONSOLE_MAX_SUBSCRIBERS && !any; i++)
        any = c->subs[i].used;
    if (!any)
        return;
    char *s = s_state_text(c);
    if (!s)
        return;
    if (c->last_state && !strcmp(c->last_state, s)) {
        free(s);
        /* A comment line keeps the connection (and proxies) awake. */
        for (int i = 0; i < VS_CONSOLE_MAX_SUBSCRIBERS; i++)
            if (c->subs[i].used)
                c->subs[i].sink.write(c->subs[i].sink.ctx, ": idle\n\n", 8);
        return;
    }
    s_push(c, -1, s);
    free(c->last_state);
    c->last_state = s;
}
