/* scn_check: the expectations of a scenario step, judged against the live
 * cluster (see scn_run_priv.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "scn_path.h"
#include "scn_run_priv.h"
#include "scn_vars.h"

#define S_POLL_MS 100

/* --- judging --------------------------------------------------------------------- */

const char *scn__outcome_name(const scn_result_t *res)
{
    return res->outcome == CH_CALL_OK ? "ok" : res->outcome == CH_CALL_FAIL ? res->code : "unknown";
}

static bool s_values_equal(const vs_json_t *got, const vs_json_t *want)
{
    if (!want)
        return !got || vs_json_type(got) == VS_JSON_NULL;
    if (!got)
        return false;
    if (vs_json_equal(got, want))
        return true;
    if (vs_json_type(got) == VS_JSON_OBJECT || vs_json_type(got) == VS_JSON_ARRAY)
        return false;
    char *a = scn_vars_text(got), *b = scn_vars_text(want);
    bool eq = a && b && !strcmp(a, b);
    free(a);
    free(b);
    return eq;
}

void scn__check_outputs(scn_runner_t *r, const scn_step_t *st, const vs_json_t *doc)
{
    for (size_t i = 0; i < st->noutputs; i++) {
        const scn_output_exp_t *o = &st->outputs[i];
        vs_json_t *want = NULL;
        if (o->want && vs_json_type(o->want) == VS_JSON_STRING) {
            char *v = scn__expand(r, vs_json_as_str(o->want));
            if (!v)
                continue;
            want = vs_json_str(v);
            free(v);
        } else if (o->want) {
            want = vs_json_clone(o->want);
        }
        vs_json_t *got = NULL;
        char err[300];
        if (scn_path_eval(o->path, doc, &got, err, sizeof err) < 0) {
            scn__step_fail(r, "%s", err);
        } else if (!s_values_equal(got, want)) {
            char *g = got ? vs_json_dump(got, 0) : strdup("nothing"), *w = want ? vs_json_dump(want, 0)
                                                                                    : strdup("nothing");
            scn__step_fail(r, "%s: expected %s, got %s (line %d)", o->path, w, g, o->line);
            free(g);
            free(w);
        }
        vs_json_free(&got);
        vs_json_free(&want);
    }
}

static scn_pcx_t *s_pcx_entry(scn_runner_t *r, const char *id)
{
    for (size_t i = 0; i < r->npcx; i++)
        if (!strcmp(r->pcx[i].id, id))
            return &r->pcx[i];
    if (r->npcx == r->cappcx) {
        size_t cap = r->cappcx ? r->cappcx * 2 : 8;
        scn_pcx_t *p = realloc(r->pcx, cap * sizeof *p);
        if (!p)
            return NULL;
        r->pcx = p;
        r->cappcx = cap;
    }
    scn_pcx_t *e = &r->pcx[r->npcx++];
    memset(e, 0, sizeof *e);
    snprintf(e->id, sizeof e->id, "%s", id);
    return e;
}

static bool s_state_wanted(const scn_peering_exp_t *p, const char *forced, const char *state)
{
    if (forced)
        return !strcmp(forced, state);
    for (size_t i = 0; i < p->nstates; i++)
        if (!strcmp(p->states[i], state))
            return true;
    return p->nstates == 0;
}

/* The pcx's state in every view, until they agree (every view that still
 * sees it shows the same Status.Code) and each is a wanted state. */
void scn__check_peering(scn_runner_t *r, const scn_peering_exp_t *p, const char *forced)
{
    char *id = scn__expand(r, p->id);
    if (!id)
        return;
    scn_pcx_t *e = s_pcx_entry(r, id);
    double deadline = cli_proc_now() + p->within;
    char states[SCN_MAX_AGENTS][64];
    for (;;) {
        for (size_t i = 0; i < r->s->nagents; i++) {
            vs_json_t *in = vs_json_object();
            vs_json_push(vs_json_set(in, "VpcPeeringConnectionIds", vs_json_array()), vs_json_str(id));
            scn_result_t *res = scn__api(r, i, "DescribeVpcPeeringConnections", in);
            vs_json_free(&in);
            const char *code = NULL;
            if (res->outcome == CH_CALL_OK) {
                const vs_json_t *list = vs_json_get(res->output, "VpcPeeringConnections");
                code = vs_json_get_str(vs_json_get(vs_json_at(list, 0), "Status"), "Code");
            }
            if (code) {
                e->seen[i] = true;
                snprintf(states[i], sizeof states[i], "%s", code);
            } else if (res->outcome == CH_CALL_UNKNOWN) {
                snprintf(states[i], sizeof states[i], "unknown (%.40s)", res->code);
            } else {
                snprintf(states[i], sizeof states[i], "gone");
            }
        }
        bool ok = true, any = false, each = false;
        for (size_t i = 0; i < r->s->nagents; i++)
            each |= p->per_agent[i] != NULL;
        const char *common = NULL;
        for (size_t i = 0; i < r->s->nagents; i++) {
            if (p->per_agent[i]) {
                ok &= !strcmp(p->per_agent[i], states[i]);
                any = true;
            }
            if (!e->seen[i])
                continue;
            any = true;
            if (!p->per_agent[i])
                ok &= s_state_wanted(p, forced, states[i]);
            /* Views agree unless the scenario states each view's own. */
            if (!each && strcmp(states[i], "gone") != 0) {
                ok &= !common || !strcmp(common, states[i]);
                common = states[i];
            }
        }
        if (!any)
            ok = s_state_wanted(p, forced, "gone");
        if (ok)
            break;
        if (cli_proc_now() >= deadline || scn__interrupted()) {
            vs_buf_t b = VS_BUF_INIT;
            for (size_t i = 0; i < r->s->nagents; i++)
                if (e->seen[i] || p->per_agent[i])
                    vs_buf_printf(&b, "%s%s: %s", b.len ? ", " : "", r->s->agents[i].alias, states[i]);
            vs_buf_t w = VS_BUF_INIT;
            for (size_t i = 0; i < r->s->nagents; i++)
                if (p->per_agent[i])
                    vs_buf_printf(&w, "%s%s: %s", w.len ? ", " : "", r->s->agents[i].alias, p->per_agent[i]);
            if (forced)
                vs_buf_puts(&w, forced);
            for (size_t i = 0; !forced && i < p->nstates; i++)
                vs_buf_printf(&w, "%s%s", i ? " or " : "", p->states[i]);
            scn__step_fail(r, "peering %s: expected %s%s within %gs, got %s (line %d)", id,
                   w.len ? vs_buf_str(&w) : "the views to agree", w.len && !each ? " (views agreeing)" : "", p->within,
                   b.len ? vs_buf_str(&b) : "no view of it", p->line);
            vs_buf_release(&b);
            vs_buf_release(&w);
            break;
        }
        cli_proc_sleep_ms(S_POLL_MS);
    }
    free(id);
}

void scn__check_reach(scn_runner_t *r, const scn_step_t *st)
{
    const scn_reach_exp_t *x = st->reach;
    char *path = scn__expand(r, x->path);
    if (!path)
        return;
    vs_json_t *in = vs_json_object();
    vs_json_set_str(in, "NetworkInsightsPathId", path);
    scn_result_t *res = scn__api(r, st->agent, "StartNetworkInsightsAnalysis", in);
    vs_json_free(&in);
    const char *nia = res->outcome == CH_CALL_OK
                          ? vs_json_get_str(vs_json_get(res->output, "NetworkInsightsAnalysis"),
                                            "NetworkInsightsAnalysisId") : NULL;
    if (!nia) {
        scn__step_fail(r, "start-network-insights-analysis on %s failed: %s %s", path, scn__outcome_name(res), res->message);
        free(path);
        return;
    }
    char id[64];
    snprintf(id, sizeof id, "%s", nia);
    double deadline = cli_proc_now() + x->within;
    for (;;) {
        in = vs_json_object();
        vs_json_push(vs_json_set(in, "NetworkInsightsAnalysisIds", vs_json_array()), vs_json_str(id));
        res = scn__api(r, st->agent, "DescribeNetworkInsightsAnalyses", in);
        vs_json_free(&in);
        const vs_json_t *a = vs_json_at(vs_json_get(res->output, "NetworkInsightsAnalyses"), 0);
        const char *status = vs_json_get_str(a, "Status");
        if (a && status && strcmp(status, "running") != 0) {
            bool found = vs_json_get_bool(a, "NetworkPathFound", false);
            vs_buf_t codes = VS_BUF_INIT;
            bool has = false;
            const vs_json_t *ex = vs_json_get(a, "Explanations");
            for (size_t i = 0; i < vs_json_len(ex); i++) {
                const char *c = vs_json_get_str(vs_json_at(ex, i), "ExplanationCode");
                if (!c)
                    continue;
                vs_buf_printf(&codes, "%s%s", codes.len ? ", " : "", c);
                has |= x->explanation && !strcmp(c, x->explanation);
            }
            if ((x->found >= 0 && found != (x->found == 1)) || (x->explanation && !has))
                scn__step_fail(r, "reachability %s: expected%s%s%s%s, got NetworkPathFound %s%s%s (line %d)", path,
                       x->found >= 0 ? " NetworkPathFound " : "", x->found >= 0 ? (x->found ? "true" : "false") : "",
                       x->explanation ? " with explanation " : "", x->explanation ? x->explanation : "",
                       found ? "true" : "false", codes.len ? ", explanations " : ", no explanation",
                       vs_buf_str(&codes), x->line);
            vs_buf_release(&codes);
            break;
        }
        if (cli_proc_now() >= deadline || scn__interrupted()) {
            scn__step_fail(r, "reachability %s: analysis %s did not finish within %gs (%s)", path, id, x->within,
                   status ? status : scn__outcome_name(res));
            break;
        }
        cli_proc_sleep_ms(S_POLL_MS);
    }
    free(path);
}

