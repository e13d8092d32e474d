/* scn_parse: YAML tree -> checked scenario (see scn_parse.h). Each
 * function reads one part of the file; the first problem stops the parse
 * with a message naming its line and field. */
#include "scn_parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argparse.h"
#include "buf.h"
#include "ids.h"
#include "scn_path.h"
#include "scn_vars.h"
#include "scn_yaml.h"

#define S_MAX_WORDS 128
#define S_MAX_ADVANCE_S (10LL * 365 * 86400)
#define S_MAX_SLEEP_S 60.0

typedef struct {
    const char *path;
    scn_scenario_t *scn;
    char err[1024];
    char field[160];           /* "step 3, field 'expect.output'" */
    /* names defined so far: earlier steps' outputs */
    char names[SCN_MAX_STEPS][SCN_NAME_MAX];
    size_t nnames;
} s_ctx_t;

static int s_fail(s_ctx_t *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int s_fail(s_ctx_t *c, int line, const char *fmt, ...)
{
    char what[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(c->err, sizeof c->err, "%s:%d: %s%s%s", c->path, line, c->field, *c->field ? ": " : "", what);
    return -1;
}

static void s_field(s_ctx_t *c, size_t step, const char *name)
{
    if (step)
        snprintf(c->field, sizeof c->field, "step %zu, field '%.120s'", step, name);
    else
        snprintf(c->field, sizeof c->field, "field '%.120s'", name);
}

static const char *s_type_name(const scn_ynode_t *n)
{
    switch (scn_ynode_type(n)) {
    case SCN_Y_MAP: return "a mapping";
    case SCN_Y_SEQ: return "a list";
    default: return "a single value";
    }
}

/* Only the keys in allowed (NULL-terminated) may appear in map. */
static int s_keys(s_ctx_t *c, const scn_ynode_t *map, const char *const *allowed, const char *where)
{
    for (size_t i = 0; i < scn_ynode_len(map); i++) {
        const char *k = scn_ynode_key_at(map, i);
        bool ok = false;
        for (size_t a = 0; allowed[a] && !ok; a++)
            ok = !strcmp(allowed[a], k);
        if (!ok) {
            cli_buf_t b = CLI_BUF_INIT;
            for (size_t a = 0; allowed[a]; a++)
                cli_buf_printf(&b, "%s%s", a ? ", " : "", allowed[a]);
            s_fail(c, scn_ynode_key_line(map, i), "unknown field '%s' in %s (expected one of: %s)", k, where,
                   cli_buf_str(&b));
            cli_buf_release(&b);
            return -1;
        }
    }
    return 0;
}

static int s_want(s_ctx_t *c, const scn_ynode_t *n, scn_ytype_t t, const char *what)
{
    if (scn_ynode_type(n) != t)
        return s_fail(c, scn_ynode_line(n), "expected %s, got %s", what, s_type_name(n));
    return 0;
}

static int s_string(s_ctx_t *c, const scn_ynode_t *n, const char **out)
{
    if (s_want(c, n, SCN_Y_SCALAR, "a string") < 0)
        return -1;
    *out = scn_ynode_str(n);
    return 0;
}

static int s_number(s_ctx_t *c, const scn_ynode_t *n, double lo, double hi, double *out)
{
    if (s_want(c, n, SCN_Y_SCALAR, "a number") < 0)
        return -1;
    const char *s = scn_ynode_str(n);
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v))
        return s_fail(c, scn_ynode_line(n), "expected a number, got '%s'", s);
    if (v < lo || v > hi)
        return s_fail(c, scn_ynode_line(n), "%s is out of range (%g to %g)", s, lo, hi);
    *out = v;
    return 0;
}

static int s_integer(s_ctx_t *c, const scn_ynode_t *n, long long lo, long long hi, long long *out)
{
    if (s_want(c, n, SCN_Y_SCALAR, "a whole number") < 0)
        return -1;
    const char *s = scn_ynode_str(n);
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno)
        return s_fail(c, scn_ynode_line(n), "expected a whole number, got '%s'", s);
    if (v < lo || v > hi)
        return s_fail(c, scn_ynode_line(n), "%s is out of range (%lld to %lld)", s, lo, hi);
    *out = v;
    return 0;
}

static int s_boolean(s_ctx_t *c, const scn_ynode_t *n, bool *out)
{
    if (s_want(c, n, SCN_Y_SCALAR, "true or false") < 0)
        return -1;
    const char *s = scn_ynode_str(n);
    if (!scn_ynode_quoted(n) && (!strcmp(s, "true") || !strcmp(s, "false"))) {
        *out = !strcmp(s, "true");
        return 0;
    }
    return s_fail(c, scn_ynode_line(n), "expected true or false, got '%s'", s);
}

static char *s_dup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d) {
        fputs("vpcsim: out of memory\n", stderr);
        abort();
    }
    return d;
}

/* --- ${NAME.PATH} ----------------------------------------------------------- */

static int s_known_name(void *vctx, const char *name, const char *path, char *err, size_t errlen)
{
    s_ctx_t *c = vctx;
    for (size_t i = 0; i < c->nnames; i++)
        if (!strcmp(c->names[i], name))
            return 0;
    snprintf(err, errlen, "unknown variable '%s' in ${%s.%s} (no earlier step has name: %s)", name, name, path,
             name);
    return -1;
}

static int s_refs(s_ctx_t *c, const char *s, int line)
{
    char err[700];
    if (scn_vars_each(s, s_known_name, c, err, sizeof err) < 0)
        return s_fail(c, line, "%s", err);
    return 0;
}

static int s_define(s_ctx_t *c, const scn_ynode_t *n, char *out)
{
    const char *name;
    if (s_string(c, n, &name) < 0)
        return -1;
    size_t len = strlen(name);
    if (len == 0 || len >= SCN_NAME_MAX)
        return s_fail(c, scn_ynode_line(n), "a name of 1 to %d characters is expected", SCN_NAME_MAX - 1);
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-')
            return s_fail(c, scn_ynode_line(n), "'%s': names use letters, digits, '_' and '-'", name);
    for (size_t i = 0; i < c->nnames; i++)
        if (!strcmp(c->names[i], name))
            return s_fail(c, scn_ynode_line(n), "the name '%s' is already used by an earlier step", name);
    snprintf(c->names[c->nnames++], SCN_NAME_MAX, "%s", name);
    snprintf(out, SCN_NAME_MAX, "%s", name);
    return 0;
}

/* --- agents ----------------------------------------------------------------- */

static int s_agents(s_ctx_t *c, const scn_ynode_t *n)
{
    static const char *const keys[] = { "account", "region", "options", NULL };
    s_field(c, 0, "agents");
    if (s_want(c, n, SCN_Y_MAP, "a mapping of agent names to {account, region, options}") < 0)
        return -1;
    if (scn_ynode_len(n) == 0)
        return s_fail(c, scn_ynode_line(n), "at least one agent is needed");
    if (scn_ynode_len(n) > SCN_MAX_AGENTS)
        return s_fail(c, scn_ynode_line(n), "at most %d agents", SCN_MAX_AGENTS);
    for (size_t i = 0; i < scn_ynode_len(n); i++) {
        const char *alias = scn_ynode_key_at(n, i);
        const scn_ynode_t *a = scn_ynode_at(n, i);
        scn_agent_t *ag = &c->scn->agents[c->scn->nagents++];
        char f[100];
        snprintf(f, sizeof f, "agents.%.60s", alias);
        s_field(c, 0, f);
        if (strlen(alias) >= SCN_NAME_MAX || !strcmp(alias, "broker"))
            return s_fail(c, scn_ynode_key_line(n, i), "'%s' cannot name an agent", alias);
        snprintf(ag->alias, sizeof ag->alias, "%s", alias);
        if (s_want(c, a, SCN_Y_MAP, "a mapping {account, region, options}") < 0 || s_keys(c, a, keys, f) < 0)
            return -1;
        const scn_ynode_t *acct = scn_ynode_get(a, "account"), *reg = scn_ynode_get(a, "region");
        if (!acct || !reg)
            return s_fail(c, scn_ynode_line(a), "an agent needs both account and region");
        const char *s;
        snprintf(f, sizeof f, "agents.%.60s.account", alias);
        s_field(c, 0, f);
        if (s_string(c, acct, &s) < 0)
            return -1;
        bool digits = strlen(s) == 12;
        for (size_t k = 0; digits && k < 12; k++)
            digits = isdigit((unsigned char)s[k]);
        if (!digits)
            return s_fail(c, scn_ynode_line(acct), "an account id is 12 digits, got '%s'", s);
        snprintf(ag->account, sizeof ag->account, "%s", s);
        snprintf(f, sizeof f, "agents.%.60s.region", alias);
        s_field(c, 0, f);
        if (s_string(c, reg, &s) < 0)
            return -1;
        if (!vs_region_known(s))
            return s_fail(c, scn_ynode_line(reg), "unknown Region '%s'", s);
        snprintf(ag->region, sizeof ag->region, "%s", s);
        for (size_t k = 0; k + 1 < c->scn->nagents; k++)
            if (!strcmp(c->scn->agents[k].account, ag->account) && !strcmp(c->scn->agents[k].region, ag->region))
                return s_fail(c, scn_ynode_line(a), "agents '%s' and '%s' are the same account and Region",
                              c->scn->agents[k].alias, alias);
        const scn_ynode_t *opts = scn_ynode_get(a, "options");
        if (opts) {
            snprintf(f, sizeof f, "agents.%.60s.options", alias);
            s_field(c, 0, f);
            if (s_want(c, opts, SCN_Y_SEQ, "a list of vpcsim-agent options") < 0)
                return -1;
            ag->options = calloc(scn_ynode_len(opts) * 2 + 1, sizeof *ag->options);
            for (size_t k = 0; k < scn_ynode_len(opts); k++) {
                const scn_ynode_t *o = scn_ynode_at(opts, k);
                if (s_string(c, o, &s) < 0)
                    return -1;
                if (strncmp(s, "--", 2) != 0)
                    return s_fail(c, scn_ynode_line(o), "agent options start with '--', got '%s'", s);
                /* "--max-outstanding-pcx 3" is one item, two arguments. */
                char *words[2];
                char werr[100];
                int nw = scn_split_words(s, words, 2, werr, sizeof werr);
                if (nw < 1)
                    return s_fail(c, scn_ynode_line(o), "'%s': %s", s, nw < 0 ? werr : "empty option");
                for (int w = 0; w < nw; w++)
                    ag->options[ag->noptions++] = words[w];
            }
        }
    }
    return 0;
}

static int s_alias(s_ctx_t *c, const scn_ynode_t *n, size_t *out, bool allow_broker, bool *broker)
{
    const char *s;
    if (s_string(c, n, &s) < 0)
        return -1;
    if (allow_broker && !strcmp(s, "broker")) {
        *broker = true;
        return 0;
    }
    for (size_t i = 0; i < c->scn->nagents; i++) {
        if (!strcmp(c->scn->agents[i].alias, s)) {
            *out = i;
            return 0;
        }
    }
    cli_buf_t b = CLI_BUF_INIT;
    for (size_t i = 0; i < c->scn->nagents; i++)
        cli_buf_printf(&b, "%s%s", i ? ", " : "", c->scn->agents[i].alias);
    s_fail(c, scn_ynode_line(n), "unknown agent '%s' (agents: %s%s)", s, cli_buf_str(&b),
           allow_broker ? ", or broker" : "");
    cli_buf_release(&b);
    return -1;
}

/* --- ec2 calls ---------------------------------------------------------------- */

int scn_split_words(const char *s, char **words, size_t max, char *err, size_t errlen)
{
    size_t n = 0;
    const char *p = s;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (!*p)
            return (int)n;
        if (n == max) {
            snprintf(err, errlen, "more than %zu words", max);
            goto fail;
        }
        cli_buf_t w = CLI_BUF_INIT;
        cli_buf_puts(&w, "");
        while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
            if (*p == '\'' || *p == '"') {
                char q = *p++;
                while (*p && *p != q) {
                    if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
                        p++;
                    cli_buf_putc(&w, *p++);
                }
                if (!*p) {
                    cli_buf_release(&w);
                    snprintf(err, errlen, "unterminated %c quote", q);
                    goto fail;
                }
                p++;
            } else if (*p == '\\' && p[1]) {
                cli_buf_putc(&w, p[1]);
                p += 2;
            } else {
                cli_buf_putc(&w, *p++);
            }
        }
        words[n++] = cli_buf_take(&w);
    }
fail:
    for (size_t i = 0; i < n; i++)
        free(words[i]);
    return -1;
}

/* The last line of an argparse message ("vpcsim: error: ..."), for a
 * one-line scenario error. */
static void s_last_line(const char *msg, char *out, size_t outlen)
{
    size_t len = strlen(msg);
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        len--;
    size_t start = len;
    while (start && msg[start - 1] != '\n')
        start--;
    snprintf(out, outlen, "%.*s", (int)(len - start), msg + start);
}

/* Replaces every ${...} with "0" so that argparse can check the rest. */
static char *s_placeholders(const char *s)
{
    cli_buf_t b = CLI_BUF_INIT;
    cli_buf_puts(&b, "");
    for (const char *p = s; *p;) {
        if (p[0] == '$' && p[1] == '{') {
            const char *close = strchr(p, '}');
            cli_buf_putc(&b, '0');
            p = close ? close + 1 : p + strlen(p);
        } else {
            cli_buf_putc(&b, *p++);
        }
    }
    return cli_buf_take(&b);
}

static int s_call(s_ctx_t *c, const scn_ynode_t *step, const scn_ynode_t *ec2, scn_call_t *call)
{
    call->line = scn_ynode_line(ec2);
    char *words[S_MAX_WORDS];
    int nw = 0;
    char werr[120];
    if (scn_ynode_type(ec2) == SCN_Y_SCALAR) {
        nw = scn_split_words(scn_ynode_str(ec2), words, S_MAX_WORDS, werr, sizeof werr);
        if (nw < 0)
            return s_fail(c, call->line, "%s", werr);
    } else if (scn_ynode_type(ec2) == SCN_Y_SEQ) {
        if (scn_ynode_len(ec2) > S_MAX_WORDS)
            return s_fail(c, call->line, "more than %d words", S_MAX_WORDS);
        for (size_t i = 0; i < scn_ynode_len(ec2); i++) {
            const char *s;
            if (s_string(c, scn_ynode_at(ec2, i), &s) < 0) {
                for (int k = 0; k < nw; k++)
                    free(words[k]);
                return -1;
            }
            words[nw++] = s_dup(s);
        }
    } else {
        return s_fail(c, call->line, "expected a command line (\"create-vpc --cidr-block ...\") or a list of words, "
                                     "got %s", s_type_name(ec2));
    }
    call->args = calloc((size_t)nw + 1, sizeof *call->args);
    for (int i = 0; i < nw; i++)
        call->args[i] = words[i];
    call->nargs = (size_t)nw;
    if (nw == 0)
        return s_fail(c, call->line, "an ec2 subcommand is expected, such as create-vpc");
    call->cmd = cli_cmdtable_find(call->args[0]);
    if (!call->cmd)
        return s_fail(c, call->line, "unknown ec2 command '%s' (see `vpcsim ec2 help`)", call->args[0]);
    for (size_t i = 1; i < call->nargs; i++)
        if (s_refs(c, call->args[i], call->line) < 0)
            return -1;
    /* The options as `vpcsim ec2` parses them, with placeholder values. */
    char **probe = calloc(call->nargs + 1, sizeof *probe);
    for (size_t i = 1; i < call->nargs; i++)
        probe[i - 1] = s_placeholders(call->args[i]);
    cli_call_t parsed;
    char *aerr = NULL;
    int rc = cli_argparse(call->cmd, (int)call->nargs - 1, probe, false, NULL, NULL, &parsed, &aerr);
    for (size_t i = 0; i + 1 < call->nargs; i++)
        free(probe[i]);
    free(probe);
    if (rc) {
        char line[400];
        s_last_line(aerr ? aerr : "bad options", line, sizeof line);
        free(aerr);
        return s_fail(c, call->line, "%s: %s", call->args[0], line);
    }
    cli_call_clear(&parsed);
    const scn_ynode_t *as = scn_ynode_get(step, "as");
    if (as) {
        bool broker = false;
        if (s_alias(c, as, &call->agent, false, &broker) < 0)
            return -1;
    }
    return 0;
}

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

static int s_within(s_ctx_t *c, const scn_ynode_t *m, double dflt, double *out)
{
    const scn_ynode_t *w = scn_ynode_get(m, "within");
    *out = dflt;
    return w ? s_number(c, w, 0, SCN_MAX_WITHIN_S, out) : 0;
}

static int s_state_list(s_ctx_t *c, const scn_ynode_t *n, char **states, size_t *nstates)
{
    static const char *const known[] = { "initiating-request", "pending-acceptance", "provisioning", "active",
                                         "rejected", "failed", "expired", "deleting", "deleted", "gone", NULL };
    size_t count = scn_ynode_type(n) == SCN_Y_SEQ ? scn_ynode_len(n) : 1;
    if (count == 0 || count > SCN_MAX_STATES)
        return s_fail(c, scn_ynode_line(n), "1 to %d states are expected", SCN_MAX_STATES);
    for (size_t i = 0; i < count; i++) {
        const scn_ynode_t *x = scn_ynode_type(n) == SCN_Y_SEQ ? scn_ynode_at(n, i) : n;
        const char *s;
        if (s_string(c, x, &s) < 0)
            return -1;
        bool ok = false;
        for (size_t k = 0; known[k] && !ok; k++)
            ok = !strcmp(known[k], s);
        if (!ok)
            return s_fail(c, scn_ynode_line(x), "unknown peering state '%s' (a Status.Code such as active, "
                                               "or gone)", s);
        states[(*nstates)++] = s_dup(s);
    }
    return 0;
}

static int s_peering(s_ctx_t *c, size_t idx, const scn_ynode_t *n, scn_step_t *st)
{
    static const char *const keys[] = { "id", "state", "within", NULL };
    s_field(c, idx, "expect.peering");
    if (s_want(c, n, SCN_Y_MAP, "a mapping {id, state, within}") < 0 || s_keys(c, n, keys, "expect.peering") < 0)
        return -1;
    scn_peering_exp_t *p = st->peering = calloc(1, sizeof *p);
    p->line = scn_ynode_line(n);
    const scn_ynode_t *id = scn_ynode_get(n, "id"), *state = scn_ynode_get(n, "state");
    if (!id)
        return s_fail(c, p->line, "the peering connection's id is needed (id: ${NAME.PATH} or pcx-...)");
    const char *s;
    s_field(c, idx, "expect.peering.id");
    if (s_string(c, id, &s) < 0 || s_refs(c, s, scn_ynode_line(id)) < 0)
        return -1;
    p->id = s_dup(s);
    s_field(c, idx, "expect.peering.state");
    if (state && scn_ynode_type(state) == SCN_Y_MAP) {
        /* one state per agent: {req: rejected, acc: gone} */
        for (size_t i = 0; i < scn_ynode_len(state); i++) {
            const char *alias = scn_ynode_key_at(state, i);
            size_t a = 0;
            while (a < c->scn->nagents && strcmp(c->scn->agents[a].alias, alias) != 0)
                a++;
            if (a == c->scn->nagents)
                return s_fail(c, scn_ynode_key_line(state, i), "unknown agent '%s'", alias);
            char *one[SCN_MAX_STATES];
            size_t got = 0;
            if (scn_ynode_type(scn_ynode_at(state, i)) != SCN_Y_SCALAR)
                return s_fail(c, scn_ynode_line(scn_ynode_at(state, i)), "one state per agent is expected");
            if (s_state_list(c, scn_ynode_at(state, i), one, &got) < 0)
                return -1;
            free(p->per_agent[a]);
            p->per_agent[a] = one[0];
        }
    } else if (state && s_state_list(c, state, p->states, &p->nstates) < 0) {
        return -1;
    }
    s_field(c, idx, "expect.peering.within");
    return s_within(c, n, 10, &p->within);
}

static int s_reach(s_ctx_t *c, size_t idx, const scn_ynode_t *n, scn_step_t *st)
{
    static const char *const keys[] = { "path", "found", "explanation", "within", NULL };
    s_field(c, idx, "expect.reachability");
    if (s_want(c, n, SCN_Y_MAP, "a mapping {path, found, explanation}") < 0 ||
        s_keys(c, n, keys, "expect.reachability") < 0)
        return -1;
    scn_reach_exp_t *r = st->reach = calloc(1, sizeof *r);
    r->line = scn_ynode_line(n);
    r->found = -1;
    const scn_ynode_t *path = scn_ynode_get(n, "path"), *found = scn_ynode_get(n, "found"),
                      *expl = scn_ynode_get(n, "explanation");
    if (!path)
        return s_fail(c, r->line, "the network insights path is needed (path: ${NAME.PATH} or nip-...)");
    if (!found && !expl)
        return s_fail(c, r->line, "state found: true|false, explanation: CODE, or both");
    const char *s;
    s_field(c, idx, "expect.reachability.path");
    if (s_string(c, path, &s) < 0 || s_refs(c, s, scn_ynode_line(path)) < 0)
        return -1;
    r->path = s_dup(s);
    if (found) {
        bool b = false;
        s_field(c, idx, "expect.reachability.found");
        if (s_boolean(c, found, &b) < 0)
            return -1;
        r->found = b;
    }
    if (expl) {
        s_field(c, idx, "expect.reachability.explanation");
        if (s_string(c, expl, &s) < 0)
            return -1;
        r->explanation = s_dup(s);
    }
    s_field(c, idx, "expect.reachability.within");
    return s_within(c, n, 10, &r->within);
}

static int s_outputs(s_ctx_t *c, size_t idx, const scn_ynode_t *n, scn_step_t *st)
{
    s_field(c, idx, "expect.output");
    if (s_want(c, n, SCN_Y_MAP, "a mapping of paths to values (Vpc.State: available)") < 0)
        return -1;
    st->outputs = calloc(scn_ynode_len(n) + 1, sizeof *st->outputs);
    for (size_t i = 0; i < scn_ynode_len(n); i++) {
        const char *path = scn_ynode_key_at(n, i);
        char f[200], perr[300];
        snprintf(f, sizeof f, "expect.output.%.150s", path);
        s_field(c, idx, f);
        if (scn_path_check(path, perr, sizeof perr) < 0)
            return s_fail(c, scn_ynode_key_line(n, i), "%s", perr);
        const scn_ynode_t *v = scn_ynode_at(n, i);
        if (scn_ynode_type(v) == SCN_Y_SCALAR && s_refs(c, scn_ynode_str(v), scn_ynode_line(v)) < 0)
            return -1;
        scn_output_exp_t *o = &st->outputs[st->noutputs++];
        o->path = s_dup(path);
        o->line = scn_ynode_key_line(n, i);
        o->want = scn_ynode_is_null(v) ? NULL : s_to_json(v);
    }
    return 0;
}

static int s_alts(s_ctx_t *c, size_t idx, const scn_ynode_t *n, scn_step_t *st)
{
    static const char *const keys[] = { "results", "state", NULL };
    s_field(c, idx, "expect.one-wins");
    if (st->kind != SCN_STEP_RACE)
        return s_fail(c, scn_ynode_line(n), "only a race step has one-wins");
    if (s_want(c, n, SCN_Y_SEQ, "a list of outcomes {results: [ok, CODE, ...], state: STATE}") < 0)
        return -1;
    if (scn_ynode_len(n) == 0 || scn_ynode_len(n) > 16)
        return s_fail(c, scn_ynode_line(n), "1 to 16 outcomes are expected");
    st->alts = calloc(scn_ynode_len(n), sizeof *st->alts);
    for (size_t i = 0; i < scn_ynode_len(n); i++) {
        const scn_ynode_t *a = scn_ynode_at(n, i);
        scn_alt_t *alt = &st->alts[st->nalts++];
        alt->line = scn_ynode_line(a);
        if (s_want(c, a, SCN_Y_MAP, "an outcome {results, state}") < 0 || s_keys(c, a, keys, "an outcome") < 0)
            return -1;
        const scn_ynode_t *res = scn_ynode_get(a, "results"), *state = scn_ynode_get(a, "state");
        if (!res)
            return s_fail(c, alt->line, "an outcome needs results: [...] (ok or an error code per call)");
        if (s_want(c, res, SCN_Y_SEQ, "a list of results") < 0)
            return -1;
        if (scn_ynode_len(res) != st->nrace)
            return s_fail(c, scn_ynode_line(res), "%zu results for a race of %zu calls", scn_ynode_len(res),
                          st->nrace);
        for (size_t k = 0; k < scn_ynode_len(res); k++) {
            const char *s;
            if (s_string(c, scn_ynode_at(res, k), &s) < 0)
                return -1;
            alt->results[alt->nresults++] = s_dup(s);
        }
        if (state) {
            char *states[SCN_MAX_STATES];
            size_t ns = 0;
            if (scn_ynode_type(state) != SCN_Y_SCALAR)
                return s_fail(c, scn_ynode_line(state), "one state is expected");
            if (s_state_list(c, state, states, &ns) < 0)
                return -1;
            alt->state = states[0];
        }
    }
    return 0;
}

static int s_expect(s_ctx_t *c, size_t idx, const scn_ynode_t *n, scn_step_t *st)
{
    static const char *const keys[] = { "error", "output", "peering", "reachability", "one-wins", NULL };
    s_field(c, idx, "expect");
    if (s_want(c, n, SCN_Y_MAP, "a mapping (error, output, peering, reachability, one-wins)") < 0 ||
        s_keys(c, n, keys, "expect") < 0)
        return -1;
    const scn_ynode_t *x;
    if ((x = scn_ynode_get(n, "error"))) {
        const char *s;
        s_field(c, idx, "expect.error");
        if (st->kind != SCN_STEP_EC2)
            return s_fail(c, scn_ynode_line(x), "only an ec2 step can expect an error");
        if (s_string(c, x, &s) < 0)
            return -1;
        st->error = s_dup(s);
    }
    if ((x = scn_ynode_get(n, "output"))) {
        if (st->kind != SCN_STEP_EC2 && st->kind != SCN_STEP_ADVANCE_CLOCK)
            return s_fail(c, scn_ynode_line(x), "only ec2 and advance-clock steps have an output");
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
                return s_fail(c, st->alts[i].line, "an outcome with a state needs expect.peering.id");
    }
    s_field(c, idx, "expect");
    if (st->error && st->outputs)
        return s_fail(c, scn_ynode_line(n), "a step expects either an error or an output, not both");
    return 0;
}

/* --- steps -------------------------------------------------------------------- */

static const char *const s_kinds[] = { "ec2", "advance-clock", "sleep", "faults", "partition",
                                       "kill", "restart", "race", NULL };

static int s_faults(s_ctx_t *c, const scn_ynode_t *n, scn_step_t *st)
{
    static const char *const keys[] = { "drop", "duplicate", "reorder", "delay", "seed", NULL };
    if (scn_ynode_type(n) == SCN_Y_SCALAR && !strcmp(scn_ynode_str(n), "clear")) {
        st->admin_args = vs_json_object();
        vs_json_set_bool(st->admin_args, "clear", true);
        return 0;
    }
    if (s_want(c, n, SCN_Y_MAP, "clear or a mapping {drop, duplicate, reorder, delay, seed}") < 0 ||
        s_keys(c, n, keys, "faults") < 0)
        return -1;
    st->admin_args = vs_json_object();
    for (size_t i = 0; i < scn_ynode_len(n); i++) {
        const char *k = scn_ynode_key_at(n, i);
        const scn_ynode_t *v = scn_ynode_at(n, i);
        double p;
        long long x;
        if (!strcmp(k, "delay")) {
            /* "MIN-MAX" milliseconds, or one number */
            const char *s;
            if (s_string(c, v, &s) < 0)
                return -1;
            long long lo, hi;
            char tail;
            int got = sscanf(s, "%lld-%lld%c", &lo, &hi, &tail);
            if (got == 1)
                hi = lo;
            if ((got != 1 && got != 2) || lo < 0 || hi < lo || hi > 60000)
                return s_fail(c, scn_ynode_line(v), "delay is MIN-MAX milliseconds (0 to 60000), got '%s'", s);
            vs_json_t *d = vs_json_set(st->admin_args, "delay_ms", vs_json_array());
            vs_json_push(d, vs_json_int(lo));
            vs_json_push(d, vs_json_int(hi));
        } else if (!strcmp(k, "seed")) {
            if (s_integer(c, v, 0, INT64_MAX, &x) < 0)
                return -1;
            vs_json_set_int(st->admin_args, "seed", x);
        } else {
            if (s_number(c, v, 0, 1, &p) < 0)
                return -1;
            vs_json_set(st->admin_args, k, vs_json_num(p));
        }
    }
    return 0;
}

static int s_partition(s_ctx_t *c, const scn_ynode_t *n, scn_step_t *st)
{
    static const char *const keys[] = { "isolate", NULL };
    if (scn_ynode_type(n) == SCN_Y_SCALAR && !strcmp(scn_ynode_str(n), "heal")) {
        st->admin_args = vs_json_object();
        vs_json_set_bool(st->admin_args, "heal", true);
        return 0;
    }
    if (s_want(c, n, SCN_Y_MAP, "heal or {isolate: AGENT}") < 0 || s_keys(c, n, keys, "partition") < 0)
        return -1;
    const scn_ynode_t *iso = scn_ynode_get(n, "isolate");
    if (!iso)
        return s_fail(c, scn_ynode_line(n), "isolate: AGENT (or a list of agents) is expected");
    st->admin_args = vs_json_object();
    vs_json_t *list = vs_json_set(st->admin_args, "isolate", vs_json_array());
    size_t count = scn_ynode_type(iso) == SCN_Y_SEQ ? scn_ynode_len(iso) : 1;
    for (size_t i = 0; i < count; i++) {
        const scn_ynode_t *x = scn_ynode_type(iso) == SCN_Y_SEQ ? scn_ynode_at(iso, i) : iso;
        size_t a = 0;
        bool broker = false;
        if (s_alias(c, x, &a, false, &broker) < 0)
            return -1;
        char key[64];
        snprintf(key, sizeof key, "%s:%s", c->scn->agents[a].account, c->scn->agents[a].region);
        vs_json_push(list, vs_json_str(key));
        st->agent = a;
    }
    return 0;
}

static int s_race(s_ctx_t *c, size_t idx, const scn_ynode_t *n, scn_step_t *st)
{
    static const char *const keys[] = { "as", "ec2", "name", NULL };
    if (s_want(c, n, SCN_Y_SEQ, "a list of calls {as, ec2, name} made at the same time") < 0)
        return -1;
    if (scn_ynode_len(n) < 2 || scn_ynode_len(n) > SCN_MAX_RACE)
        return s_fail(c, scn_ynode_line(n), "a race has 2 to %d calls", SCN_MAX_RACE);
    for (size_t i = 0; i < scn_ynode_len(n); i++) {
        const scn_ynode_t *m = scn_ynode_at(n, i);
        scn_call_t *call = &st->race[st->nrace++];
        if (s_want(c, m, SCN_Y_MAP, "a call {as, ec2, name}") < 0 || s_keys(c, m, keys, "a race call") < 0)
            return -1;
        const scn_ynode_t *ec2 = scn_ynode_get(m, "ec2");
        if (!ec2)
            return s_fail(c, scn_ynode_line(m), "a race call needs ec2: COMMAND");
        if (s_call(c, m, ec2, call) < 0)
            return -1;
        const scn_ynode_t *name = scn_ynode_get(m, "name");
        if (name && s_define(c, name, call->name) < 0)
            return -1;
    }
    (void)idx;
    return 0;
}

static int s_step(s_ctx_t *c, size_t idx, const scn_ynode_t *n, scn_step_t *st)
{
    static const char *const keys[] = { "ec2", "advance-clock", "sleep", "faults", "partition", "kill",
                                        "restart", "race", "as", "name", "note", "expect", NULL };
    s_field(c, idx, "steps");
    st->line = scn_ynode_line(n);
    if (s_want(c, n, SCN_Y_MAP, "a step (a mapping such as {ec2: create-vpc ...})") < 0 ||
        s_keys(c, n, keys, "a step") < 0)
        return -1;
    const char *kind = NULL;
    const scn_ynode_t *action = NULL;
    for (size_t k = 0; s_kinds[k]; k++) {
        const scn_ynode_t *x = scn_ynode_get(n, s_kinds[k]);
        if (!x)
            continue;
        if (kind)
            return s_fail(c, scn_ynode_line(x), "a step does one thing: both '%s' and '%s'", kind, s_kinds[k]);
        kind = s_kinds[k];
        action = x;
        st->kind = (scn_kind_t)k;
    }
    const scn_ynode_t *expect = scn_ynode_get(n, "expect"), *as = scn_ynode_get(n, "as"),
                      *name = scn_ynode_get(n, "name"), *note = scn_ynode_get(n, "note");
    if (!kind) {
        if (!expect)
            return s_fail(c, st->line, "a step needs one of ec2, advance-clock, sleep, faults, partition, kill, "
                                       "restart, race, or only an expect");
        st->kind = SCN_STEP_CHECK;
    }
    if (note) {
        const char *s;
        s_field(c, idx, "note");
        if (s_string(c, note, &s) < 0)
            return -1;
        st->note = s_dup(s);
    }
    s_field(c, idx, "as");
    if (as && st->kind != SCN_STEP_EC2 && st->kind != SCN_STEP_CHECK)
        return s_fail(c, scn_ynode_line(as), "only ec2 and expect-only steps act as an agent");
    if (as) {
        bool broker = false;
        if (s_alias(c, as, &st->agent, false, &broker) < 0)
            return -1;
    }
    if (name && st->kind != SCN_STEP_EC2) {
        s_field(c, idx, "name");
        return s_fail(c, scn_ynode_line(name), "only an ec2 step's output can be named");
    }
    if (kind)
        s_field(c, idx, kind);
    long long x;
    switch (st->kind) {
    case SCN_STEP_EC2:
        if (s_call(c, n, action, &st->call) < 0)
            return -1;
        st->agent = st->call.agent;
        if (name) {
            s_field(c, idx, "name");
            if (s_define(c, name, st->call.name) < 0)
                return -1;
        }
        break;
    case SCN_STEP_ADVANCE_CLOCK:
        if (s_integer(c, action, 0, S_MAX_ADVANCE_S, &x) < 0)
            return -1;
        st->seconds = x;
        break;
    case SCN_STEP_SLEEP:
        if (s_number(c, action, 0, S_MAX_SLEEP_S, &st->sleep_s) < 0)
            return -1;
        break;
    case SCN_STEP_FAULTS:
        if (s_faults(c, action, st) < 0)
            return -1;
        break;
    case SCN_STEP_PARTITION:
        if (s_partition(c, action, st) < 0)
            return -1;
        break;
    case SCN_STEP_KILL:
    case SCN_STEP_RESTART:
        if (s_alias(c, action, &st->agent, true, &st->broker) < 0)
            return -1;
        break;
    case SCN_STEP_RACE:
        if (s_race(c, idx, action, st) < 0)
            return -1;
        break;
    case SCN_STEP_CHECK:
        break;
    }
    if (expect && s_expect(c, idx, expect, st) < 0)
        return -1;
    if (st->kind == SCN_STEP_CHECK && !st->peering && !st->reach) {
        s_field(c, idx, "expect");
        return s_fail(c, scn_ynode_line(expect), "a step without an action checks peering or reachability");
    }
    return 0;
}

static scn_scenario_t *s_scenario(s_ctx_t *c, const scn_ynode_t *root)
{
    static const char *const keys[] = { "name", "description", "agents", "timeout", "steps", NULL };
    if (s_want(c, root, SCN_Y_MAP, "a scenario (a mapping with agents and steps)") < 0 ||
        s_keys(c, root, keys, "the scenario") < 0)
        return NULL;
    const char *s;
    const scn_ynode_t *x;
    if ((x = scn_ynode_get(root, "name"))) {
        s_field(c, 0, "name");
        if (s_string(c, x, &s) < 0)
            return NULL;
        c->scn->title = s_dup(s);
    } else {
        const char *slash = strrchr(c->path, '/');
        c->scn->title = s_dup(slash ? slash + 1 : c->path);
    }
    if ((x = scn_ynode_get(root, "description"))) {
        s_field(c, 0, "description");
        if (s_string(c, x, &s) < 0)
            return NULL;
    }
    c->scn->call_timeout_s = 10;
    if ((x = scn_ynode_get(root, "timeout"))) {
        s_field(c, 0, "timeout");
        if (s_number(c, x, 0.1, 300, &c->scn->call_timeout_s) < 0)
            return NULL;
    }
    if (!(x = scn_ynode_get(root, "agents"))) {
        s_field(c, 0, "agents");
        s_fail(c, scn_ynode_line(root), "the scenario declares no agents");
        return NULL;
    }
    if (s_agents(c, x) < 0)
        return NULL;
    s_field(c, 0, "steps");
    if (!(x = scn_ynode_get(root, "steps"))) {
        s_fail(c, scn_ynode_line(root), "the scenario has no steps");
        return NULL;
    }
    if (s_want(c, x, SCN_Y_SEQ, "a list of steps") < 0)
        return NULL;
    if (scn_ynode_len(x) == 0 || scn_ynode_len(x) > SCN_MAX_STEPS) {
        s_fail(c, scn_ynode_line(x), "1 to %d steps are expected", SCN_MAX_STEPS);
        return NULL;
    }
    c->scn->steps = calloc(scn_ynode_len(x), sizeof *c->scn->steps);
    for (size_t i = 0; i < scn_ynode_len(x); i++) {
        c->scn->nsteps = i + 1;
        if (s_step(c, i + 1, scn_ynode_at(x, i), &c->scn->steps[i]) < 0)
            return NULL;
    }
    return c->scn;
}

scn_scenario_t *scn_parse(const char *path, const char *text, size_t len, char **err)
{
    *err = NULL;
    s_ctx_t *c = calloc(1, sizeof *c);
    scn_scenario_t *scn = calloc(1, sizeof *scn);
    if (!c || !scn) {
        free(c);
        free(scn);
        *err = s_dup("out of memory");
        return NULL;
    }
    c->path = path;
    c->scn = scn;
    scn->path = s_dup(path);
    char yerr[300];
    scn_ynode_t *root = scn_yaml_load(text, len, yerr, sizeof yerr);
    if (!root) {
        /* yerr is "line N: what" */
        int line = 0, used = 0;
        if (sscanf(yerr, "line %d: %n", &line, &used) == 1 && used > 0)
            snprintf(c->err, sizeof c->err, "%s:%d: not valid YAML: %s", path, line, yerr + used);
        else
            snprintf(c->err, sizeof c->err, "%s: not valid YAML: %s", path, yerr);
    } else if (!s_scenario(c, root)) {
        /* c->err says why */
    } else {
        scn_yaml_free(&root);
        free(c);
        return scn;
    }
    scn_yaml_free(&root);
    *err = s_dup(c->err);
    free(c);
    scn_scenario_free(&scn);
    return NULL;
}

scn_scenario_t *scn_parse_file(const char *path, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        char m[600];
        snprintf(m, sizeof m, "%s: cannot read the scenario file: %s", path, strerror(errno));
        *err = s_dup(m);
        return NULL;
    }
    cli_buf_t b = CLI_BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= SCN_YAML_MAX_INPUT)
        cli_buf_putn(&b, chunk, n);
    bool bad = ferror(f);
    fclose(f);
    if (bad || b.oom) {
        cli_buf_release(&b);
        char m[600];
        snprintf(m, sizeof m, "%s: cannot read the scenario file", path);
        *err = s_dup(m);
        return NULL;
    }
    scn_scenario_t *s = scn_parse(path, cli_buf_str(&b), b.len, err);
    cli_buf_release(&b);
    return s;
}
