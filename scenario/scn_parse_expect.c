/* scn_parse_expect: a step's expectations (see scn_model.h, scn_parse.h). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "scn_parse_priv.h"
#include "scn_path.h"

/* --- expectations ------------------------------------------------------------- */

/* A YAML value as the JSON it stands for: plain scalars may be numbers,
 * booleans or null; quoted ones are strings. */
static vs_json_t *s_to_json(const scn_ynode_t *n)
{
    if (scn_ynode_type(n) == SCN_Y_SEQ) {
        vs_json_t *a = vs_json_array();
        for (size_t i = 0; i < scn_ynode_len(n); i++)
            vs_json_push(a, s_to_json(scn_ynode_at(n, i)));
        return a;
    }
    if (scn_ynode_type(n) == SCN_Y_MAP) {
        vs_json_t *o = vs_json_object();
        for (size_t i = 0; i < scn_ynode_len(n); i++)
            vs_json_set(o, scn_ynode_key_at(n, i), s_to_json(scn_ynode_at(n, i)));
        return o;
    }
    const char *s = scn_ynode_str(n);
    if (!scn_ynode_quoted(n)) {
        if (scn_ynode_is_null(n))
            return vs_json_null();
        if (!strcmp(s, "true") || !strcmp(s, "false"))
            return vs_json_bool(!strcmp(s, "true"));
        char *end = NULL;
        double d = strtod(s, &end);
        if (*s && !*end && isfinite(d) && (isdigit((unsigned char)s[0]) || s[0] == '-'))
            return vs_json_parse(s, strlen(s), NULL, 0) ?: vs_json_str(s);
    }
    return vs_json_str(s);
}

static int s_within(scn_pctx_t *c, const scn_ynode_t *m, double dflt, double *out)
{
    const scn_ynode_t *w = scn_ynode_get(m, "within");
    *out = dflt;
    return w ? scn__number(c, w, 0, SCN_MAX_WITHIN_S, out) : 0;
}

static int s_state_list(scn_pctx_t *c, const scn_ynode_t *n, char **states, size_t *nstates)
{
    static const char *const known[] = { "initiating-request", "pending-acceptance", "provisioning", "active",
                                         "rejected", "failed", "expired", "deleting", "deleted", "gone", NULL };
    size_t count = scn_ynode_type(n) == SCN_Y_SEQ ? scn_ynode_len(n) : 1;
    if (count == 0 || count > SCN_MAX_STATES)
        return scn__fail(c, scn_ynode_line(n), "1 to %d states are expected", SCN_MAX_STATES);
    for (size_t i = 0; i < count; i++) {
        const scn_ynode_t *x = scn_ynode_type(n) == SCN_Y_SEQ ? scn_ynode_at(n, i) : n;
        const char *s;
        if (scn__string(c, x, &s) < 0)
            return -1;
        bool ok = false;
        for (size_t k = 0; known[k] && !ok; k++)
            ok = !strcmp(known[k], s);
        if (!ok)
            return scn__fail(c, scn_ynode_line(x), "unknown peering state '%s' (a Status.Code such as active, "
                                               "or gone)", s);
        states[(*nstates)++] = scn__dup(s);
    }
    return 0;
}

static int s_peering(scn_pctx_t *c, size_t idx, const scn_ynode_t *n, scn_step_t *st)
{
    static const char *const keys[] = { "id", "state", "within", NULL };
    scn__field(c, idx, "expect.peering");
    if (scn__want(c, n, SCN_Y_MAP, "a mapping {id, state, within}") < 0 || scn__keys(c, n, keys, "expect.peering") < 0)
        return -1;
    scn_peering_exp_t *p = st->peering = calloc(1, sizeof *p);
    p->line = scn_ynode_line(n);
    const scn_ynode_t *id = scn_ynode_get(n, "id"), *state = scn_ynode_get(n, "state");
    if (!id)
        return scn__fail(c, p->line, "the peering connection's id is needed (id: ${NAME.PATH} or pcx-...)");
    const char *s;
    scn__field(c, idx, "expect.peering.id");
    if (scn__string(c, id, &s) < 0 || scn__refs(c, s, scn_ynode_line(id)) < 0)
        return -1;
    p->id = scn__dup(s);
    scn__field(c, idx, "expect.peering.state");
    if (state && scn_ynode_type(state) == SCN_Y_MAP) {
        /* one state per agent: {req: rejected, acc: gone} */
        for (size_t i = 0; i < scn_ynode_len(state); i++) {
            const char *alias = scn_ynode_key_at(state, i);
            size_t a = 0;
            while (a < c->scn->nagents && strcmp(c->scn->agents[a].alias, alias) != 0)
                a++;
            if (a == c->scn->nagents)
                return scn__fail(c, scn_ynode_key_line(state, i), "unknown agent '%s'", alias);
            char *one[SCN_MAX_STATES];
            size_t got = 0;
            if (scn_ynode_type(scn_ynode_at(state, i)) != SCN_Y_SCALAR)
                return scn__fail(c, scn_ynode_line(scn_ynode_at(state, i)), "one state per agent is expected");
            if (s_state_list(c, scn_ynode_at(state, i), one, &got) < 0)
                return -1;
            free(p->per_agent[a]);
            p->per_agent[a] = one[0];
        }
    } else if (state && s_state_list(c, state, p->states, &p->nstates) < 0) {
        return -1;
    }
    scn__field(c, idx, "expect.peering.within");
    return s_within(c, n, 10, &p->within);
}

static int s_reach(scn_pctx_t *c, size_t idx, const scn_ynode_t *n, scn_step_t *st)
{
    static const char *const keys[] = { "path", "found", "explanation", "within", NULL };
    scn__field(c, idx, "expect.reachability");
    if (scn__want(c, n, SCN_Y_MAP, "a mapping {path, found, explanation}") < 0 ||
        scn__keys(c, n, keys, "expect.reachability") < 0)
        return -1;
    scn_reach_exp_t *r = st->reach = calloc(1, sizeof *r);
    r->line = scn_ynode_line(n);
    r->found = -1;
    const scn_ynode_t *path = scn_ynode_get(n, "path"), *found = scn_ynode_get(n, "found"),
                      *expl = scn_ynode_get(n, "explanation");
    if (!path)
        return scn__fail(c, r->line, "the network insights path is needed (path: ${NAME.PATH} or nip-...)");
    if (!found && !expl)
        return scn__fail(c, r->line, "state found: true|false, explanation: CODE, or both");
    const char *s;
    scn__field(c, idx, "expect.reachability.path");
    if (scn__string(c, path, &s) < 0 || scn__refs(c, s, scn_ynode_line(path)) < 0)
        return -1;
    r->path = scn__dup(s);
    if (found) {
        bool b = false;
        scn__field(c, idx, "expect.reachability.found");
        if (scn__boolean(c, found, &b) < 0)
            return -1;
        r->found = b;
    }
    if (expl) {
        scn__field(c, idx, "expect.reachability.explanation");
        if (scn__string(c, expl, &s) < 0)
            return -1;
        r->explanation = scn__dup(s);
    }
    scn__field(c, idx, "expect.reachability.within");
    return s_within(c, n, 10, &r->within);
}

static int s_outputs(scn_pctx_t *c, size_t idx, const scn_ynode_t *n, scn_step_t *st)
{
    scn__field(c, idx, "expect.output");
    if (scn__want(c, n, SCN_Y_MAP, "a mapping of paths to values (Vpc.State: available)") < 0)
        return -1;
    st->outputs = calloc(scn_ynode_len(n) + 1, sizeof *st->outputs);
    for (size_t i = 0; i < scn_ynode_len(n); i++) {
        const char *path = scn_ynode_key_at(n, i);
        char f[200], perr[300];
        snprintf(f, sizeof f, "expect.output.%.150s", path);
        scn__field(c, idx, f);
        if (scn_path_check(path, perr, sizeof perr) < 0)
            return scn__fail(c, scn_ynode_key_line(n, i), "%s", perr);
        const scn_ynode_t *v = scn_ynode_at(n, i);
        if (scn_ynode_type(v) == SCN_Y_SCALAR && scn__refs(c, scn_ynode_str(v), scn_ynode_line(v)) < 0)
            return -1;
        scn_output_exp_t *o = &st->outputs[st->noutputs++];
        o->path = scn__dup(path);
        o->line = scn_ynode_key_line(n, i);
        o->want = scn_ynode_is_null(v) ? NULL : s_to_json(v);
    }
    return 0;
}

static int s_alts(scn_pctx_t *c, size_t idx, const scn_ynode_t *n, scn_step_t *st)
{
    static const char *const keys[] = { "results", "state", NULL };
    scn__field(c, idx, "expect.one-wins");
    if (st->kind != SCN_STEP_RACE)
        return scn__fail(c, scn_ynode_line(n), "only a race step has one-wins");
    if (scn__want(c, n, SCN_Y_SEQ, "a list of outcomes {results: [ok, CODE, ...], state: STATE}") < 0)
        return -1;
    if (scn_ynode_len(n) == 0 || scn_ynode_len(n) > 16)
        return scn__fail(c, scn_ynode_line(n), "1 to 16 outcomes are expected");
    st->alts = calloc(scn_ynode_len(n), sizeof *st->alts);
    for (size_t i = 0; i < scn_ynode_len(n); i++) {
        const scn_ynode_t *a = scn_ynode_at(n, i);
        scn_alt_t *alt = &st->alts[st->nalts++];
        alt->line = scn_ynode_line(a);
        if (scn__want(c, a, SCN_Y_MAP, "an outcome {results, state}") < 0 || scn__keys(c, a, keys, "an outcome") < 0)
            return -1;
        const scn_ynode_t *res = scn_ynode_get(a, "results"), *state = scn_ynode_get(a, "state");
        if (!res)
            return scn__fail(c, alt->line, "an outcome needs results: [...] (ok or an error code per call)");
        if (scn__want(c, res, SCN_Y_SEQ, "a list of results") < 0)
            return -1;
        if (scn_ynode_len(res) != st->nrace)
            return scn__fail(c, scn_ynode_line(res), "%zu results for a race of %zu calls", scn_ynode_len(res),
                          st->nrace);
        for (size_t k = 0; k < scn_ynode_len(res); k++) {
            const char *s;
            if (scn__string(c, scn_ynode_at(res, k), &s) < 0)
                return -1;
            alt->results[alt->nresults++] = scn__dup(s);
        }
        if (state) {
            char *states[SCN_MAX_STATES];
            size_t ns = 0;
            if (scn_ynode_type(state) != SCN_Y_SCALAR)
                return scn__fail(c, scn_ynode_line(state), "one state is expected");
            if (s_state_list(c, state, states, &ns) < 0)
                return -1;
            alt->state = states[0];
        }
        /* Outcomes are told apart by their results, so that exactly one
         * of them can hold. */
        for (size_t k = 0; k + 1 < st->nalts; k++) {
            bool same = true;
            for (size_t r = 0; r < alt->nresults; r++)
                same &= !strcmp(st->alts[k].results[r], alt->results[r]);
            if (same)
                return scn__fail(c, alt->line, "this outcome has the same results as the one at line %d",
                                 st->alts[k].line);
        }
    }
    return 0;
}

int scn__expect(scn_pctx_t *c, size_t idx, const scn_ynode_t *n, scn_step_t *st)
{
    static const char *const keys[] = { "error", "output", "peering", "reachability", "one-wins", NULL };
    scn__field(c, idx, "expect");
    if (scn__want(c, n, SCN_Y_MAP, "a mapping (error, output, peering, reachability, one-wins)") < 0 ||
        scn__keys(c, n, keys, "expect") < 0)
        return -1;
    const scn_ynode_t *x;
    if ((x = scn_ynode_get(n, "error"))) {
        const char *s;
        scn__field(c, idx, "expect.error");
        if (st->kind != SCN_STEP_EC2)
            return scn__fail(c, scn_ynode_line(x), "only an ec2 step can expect an error");
        if (scn__string(c, x, &s) < 0)
            return -1;
        st->error = scn__dup(s);
    }
    if ((x = scn_ynode_get(n, "output"))) {
        if (st->kind != SCN_STEP_EC2 && st->kind != SCN_STEP_ADVANCE_CLOCK)
            return scn__fail(c, scn_ynode_line(x), "only ec2 and advance-clock steps have an output");
        if (s_outputs(c, idx, x, st) < 0)
            return -1;
    }
    if ((x = scn_ynode_get(n, "peering")) && s_peering(c, idx, x, st) < 0)
        return -1;
    if ((x = scn_ynode_get(n, "reachability")) && s_reach(c, idx, x, st) < 0)
        return -1;
    if ((x = scn_ynode_get(n, "one-wins")) && s_alts(c, idx, x, st) < 0)
        return -1;
    if (st->alts) {
        for (size_t i = 0; i < st->nalts; i++)
            if (st->alts[i].state && !st->peering)
                return scn__fail(c, st->alts[i].line, "an outcome with a state needs expect.peering.id");
    }
    scn__field(c, idx, "expect");
    if (st->error && st->outputs)
        return scn__fail(c, scn_ynode_line(n), "a step expects either an error or an output, not both");
    return 0;
}

