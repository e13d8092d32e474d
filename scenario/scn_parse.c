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
#include "scn_parse_priv.h"
#include "scn_path.h"
#include "scn_vars.h"
#include "scn_yaml.h"

#define S_MAX_WORDS 128
#define S_MAX_ADVANCE_S (10LL * 365 * 86400)
#define S_MAX_SLEEP_S 60.0

static int s_define(scn_pctx_t *c, const scn_ynode_t *n, char *out)
{
    const char *name;
    if (scn__string(c, n, &name) < 0)
        return -1;
    size_t len = strlen(name);
    if (len == 0 || len >= SCN_NAME_MAX)
        return scn__fail(c, scn_ynode_line(n), "a name of 1 to %d characters is expected", SCN_NAME_MAX - 1);
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-')
            return scn__fail(c, scn_ynode_line(n), "'%s': names use letters, digits, '_' and '-'", name);
    for (size_t i = 0; i < c->nnames; i++)
        if (!strcmp(c->names[i], name))
            return scn__fail(c, scn_ynode_line(n), "the name '%s' is already used by an earlier step", name);
    snprintf(c->names[c->nnames++], SCN_NAME_MAX, "%s", name);
    snprintf(out, SCN_NAME_MAX, "%s", name);
    return 0;
}

/* --- agents ----------------------------------------------------------------- */

static int s_agents(scn_pctx_t *c, const scn_ynode_t *n)
{
    static const char *const keys[] = { "account", "region", "options", NULL };
    scn__field(c, 0, "agents");
    if (scn__want(c, n, SCN_Y_MAP, "a mapping of agent names to {account, region, options}") < 0)
        return -1;
    if (scn_ynode_len(n) == 0)
        return scn__fail(c, scn_ynode_line(n), "at least one agent is needed");
    if (scn_ynode_len(n) > SCN_MAX_AGENTS)
        return scn__fail(c, scn_ynode_line(n), "at most %d agents", SCN_MAX_AGENTS);
    for (size_t i = 0; i < scn_ynode_len(n); i++) {
        const char *alias = scn_ynode_key_at(n, i);
        const scn_ynode_t *a = scn_ynode_at(n, i);
        scn_agent_t *ag = &c->scn->agents[c->scn->nagents++];
        char f[100];
        snprintf(f, sizeof f, "agents.%.60s", alias);
        scn__field(c, 0, f);
        if (strlen(alias) >= SCN_NAME_MAX || !strcmp(alias, "broker"))
            return scn__fail(c, scn_ynode_key_line(n, i), "'%s' cannot name an agent", alias);
        snprintf(ag->alias, sizeof ag->alias, "%s", alias);
        if (scn__want(c, a, SCN_Y_MAP, "a mapping {account, region, options}") < 0 || scn__keys(c, a, keys, f) < 0)
            return -1;
        const scn_ynode_t *acct = scn_ynode_get(a, "account"), *reg = scn_ynode_get(a, "region");
        if (!acct || !reg)
            return scn__fail(c, scn_ynode_line(a), "an agent needs both account and region");
        const char *s;
        snprintf(f, sizeof f, "agents.%.60s.account", alias);
        scn__field(c, 0, f);
        if (scn__string(c, acct, &s) < 0)
            return -1;
        bool digits = strlen(s) == 12;
        for (size_t k = 0; digits && k < 12; k++)
            digits = isdigit((unsigned char)s[k]);
        if (!digits)
            return scn__fail(c, scn_ynode_line(acct), "an account id is 12 digits, got '%s'", s);
        snprintf(ag->account, sizeof ag->account, "%s", s);
        snprintf(f, sizeof f, "agents.%.60s.region", alias);
        scn__field(c, 0, f);
        if (scn__string(c, reg, &s) < 0)
            return -1;
        if (!vs_region_known(s))
            return scn__fail(c, scn_ynode_line(reg), "unknown Region '%s'", s);
        snprintf(ag->region, sizeof ag->region, "%s", s);
        for (size_t k = 0; k + 1 < c->scn->nagents; k++)
            if (!strcmp(c->scn->agents[k].account, ag->account) && !strcmp(c->scn->agents[k].region, ag->region))
                return scn__fail(c, scn_ynode_line(a), "agents '%s' and '%s' are the same account and Region",
                              c->scn->agents[k].alias, alias);
        const scn_ynode_t *opts = scn_ynode_get(a, "options");
        if (opts) {
            snprintf(f, sizeof f, "agents.%.60s.options", alias);
            scn__field(c, 0, f);
            if (scn__want(c, opts, SCN_Y_SEQ, "a list of vpcsim-agent options") < 0)
                return -1;
            ag->options = calloc(scn_ynode_len(opts) * 2 + 1, sizeof *ag->options);
            for (size_t k = 0; k < scn_ynode_len(opts); k++) {
                const scn_ynode_t *o = scn_ynode_at(opts, k);
                if (scn__string(c, o, &s) < 0)
                    return -1;
                if (strncmp(s, "--", 2) != 0)
                    return scn__fail(c, scn_ynode_line(o), "agent options start with '--', got '%s'", s);
                /* "--max-outstanding-pcx 3" is one item, two arguments. */
                char *words[2];
                char werr[100];
                int nw = scn_split_words(s, words, 2, werr, sizeof werr);
                if (nw < 1)
                    return scn__fail(c, scn_ynode_line(o), "'%s': %s", s, nw < 0 ? werr : "empty option");
                for (int w = 0; w < nw; w++)
                    ag->options[ag->noptions++] = words[w];
            }
        }
    }
    return 0;
}

static int s_alias(scn_pctx_t *c, const scn_ynode_t *n, size_t *out, bool allow_broker, bool *broker)
{
    const char *s;
    if (scn__string(c, n, &s) < 0)
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
    vs_buf_t b = VS_BUF_INIT;
    for (size_t i = 0; i < c->scn->nagents; i++)
        vs_buf_printf(&b, "%s%s", i ? ", " : "", c->scn->agents[i].alias);
    scn__fail(c, scn_ynode_line(n), "unknown agent '%s' (agents: %s%s)", s, vs_buf_str(&b),
           allow_broker ? ", or broker" : "");
    vs_buf_release(&b);
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
        vs_buf_t w = VS_BUF_INIT;
        vs_buf_puts(&w, "");
        while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
            if (*p == '\'' || *p == '"') {
                char q = *p++;
                while (*p && *p != q) {
                    if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
                        p++;
                    vs_buf_putc(&w, *p++);
                }
                if (!*p) {
                    vs_buf_release(&w);
                    snprintf(err, errlen, "unterminated %c quote", q);
                    goto fail;
                }
                p++;
            } else if (*p == '\\' && p[1]) {
                vs_buf_putc(&w, p[1]);
                p += 2;
            } else {
                vs_buf_putc(&w, *p++);
            }
        }
        words[n++] = vs_buf_take(&w);
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
    vs_buf_t b = VS_BUF_INIT;
    vs_buf_puts(&b, "");
    for (const char *p = s; *p;) {
        if (p[0] == '$' && p[1] == '{') {
            const char *close = strchr(p, '}');
            vs_buf_putc(&b, '0');
            p = close ? close + 1 : p + strlen(p);
        } else {
            vs_buf_putc(&b, *p++);
        }
    }
    return vs_buf_take(&b);
}

static int s_call(scn_pctx_t *c, const scn_ynode_t *step, const scn_ynode_t *ec2, scn_call_t *call)
{
    call->line = scn_ynode_line(ec2);
    char *words[S_MAX_WORDS];
    int nw = 0;
    char werr[120];
    if (scn_ynode_type(ec2) == SCN_Y_SCALAR) {
        nw = scn_split_words(scn_ynode_str(ec2), words, S_MAX_WORDS, werr, sizeof werr);
        if (nw < 0)
            return scn__fail(c, call->line, "%s", werr);
    } else if (scn_ynode_type(ec2) == SCN_Y_SEQ) {
        if (scn_ynode_len(ec2) > S_MAX_WORDS)
            return scn__fail(c, call->line, "more than %d words", S_MAX_WORDS);
        for (size_t i = 0; i < scn_ynode_len(ec2); i++) {
            const char *s;
            if (scn__string(c, scn_ynode_at(ec2, i), &s) < 0) {
                for (int k = 0; k < nw; k++)
                    free(words[k]);
                return -1;
            }
            words[nw++] = scn__dup(s);
        }
    } else {
        return scn__fail(c, call->line, "expected a command line (\"create-vpc --cidr-block ...\") or a list of words, "
                                     "got %s", scn__type_name(ec2));
    }
    call->args = calloc((size_t)nw + 1, sizeof *call->args);
    for (int i = 0; i < nw; i++)
        call->args[i] = words[i];
    call->nargs = (size_t)nw;
    if (nw == 0)
        return scn__fail(c, call->line, "an ec2 subcommand is expected, such as create-vpc");
    call->cmd = cli_cmdtable_find(call->args[0]);
    if (!call->cmd)
        return scn__fail(c, call->line, "unknown ec2 command '%s' (see `vpcsim ec2 help`)", call->args[0]);
    for (size_t i = 1; i < call->nargs; i++)
        if (scn__refs(c, call->args[i], call->line) < 0)
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
        return scn__fail(c, call->line, "%s: %s", call->args[0], line);
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

/* --- steps -------------------------------------------------------------------- */

static const char *const s_kinds[] = { "ec2", "advance-clock", "sleep", "faults", "partition",
                                       "kill", "restart", "race", NULL };

static int s_faults(scn_pctx_t *c, const scn_ynode_t *n, scn_step_t *st)
{
    static const char *const keys[] = { "drop", "duplicate", "reorder", "delay", "seed", NULL };
    if (scn_ynode_type(n) == SCN_Y_SCALAR && !strcmp(scn_ynode_str(n), "clear")) {
        st->admin_args = vs_json_object();
        vs_json_set_bool(st->admin_args, "clear", true);
        return 0;
    }
    if (scn__want(c, n, SCN_Y_MAP, "clear or a mapping {drop, duplicate, reorder, delay, seed}") < 0 ||
        scn__keys(c, n, keys, "faults") < 0)
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
            if (scn__string(c, v, &s) < 0)
                return -1;
            long long lo, hi;
            char tail;
            int got = sscanf(s, "%lld-%lld%c", &lo, &hi, &tail);
            if (got == 1)
                hi = lo;
            if ((got != 1 && got != 2) || lo < 0 || hi < lo || hi > 60000)
                return scn__fail(c, scn_ynode_line(v), "delay is MIN-MAX milliseconds (0 to 60000), got '%s'", s);
            vs_json_t *d = vs_json_set(st->admin_args, "delay_ms", vs_json_array());
            vs_json_push(d, vs_json_int(lo));
            vs_json_push(d, vs_json_int(hi));
        } else if (!strcmp(k, "seed")) {
            if (scn__integer(c, v, 0, INT64_MAX, &x) < 0)
                return -1;
            vs_json_set_int(st->admin_args, "seed", x);
        } else {
            if (scn__number(c, v, 0, 1, &p) < 0)
                return -1;
            vs_json_set(st->admin_args, k, vs_json_num(p));
        }
    }
    return 0;
}

static int s_partition(scn_pctx_t *c, const scn_ynode_t *n, scn_step_t *st)
{
    static const char *const keys[] = { "isolate", NULL };
    if (scn_ynode_type(n) == SCN_Y_SCALAR && !strcmp(scn_ynode_str(n), "heal")) {
        st->admin_args = vs_json_object();
        vs_json_set_bool(st->admin_args, "heal", true);
        return 0;
    }
    if (scn__want(c, n, SCN_Y_MAP, "heal or {isolate: AGENT}") < 0 || scn__keys(c, n, keys, "partition") < 0)
        return -1;
    const scn_ynode_t *iso = scn_ynode_get(n, "isolate");
    if (!iso)
        return scn__fail(c, scn_ynode_line(n), "isolate: AGENT (or a list of agents) is expected");
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

static int s_race(scn_pctx_t *c, size_t idx, const scn_ynode_t *n, scn_step_t *st)
{
    static const char *const keys[] = { "as", "ec2", "name", NULL };
    if (scn__want(c, n, SCN_Y_SEQ, "a list of calls {as, ec2, name} made at the same time") < 0)
        return -1;
    if (scn_ynode_len(n) < 2 || scn_ynode_len(n) > SCN_MAX_RACE)
        return scn__fail(c, scn_ynode_line(n), "a race has 2 to %d calls", SCN_MAX_RACE);
    for (size_t i = 0; i < scn_ynode_len(n); i++) {
        const scn_ynode_t *m = scn_ynode_at(n, i);
        scn_call_t *call = &st->race[st->nrace++];
        if (scn__want(c, m, SCN_Y_MAP, "a call {as, ec2, name}") < 0 || scn__keys(c, m, keys, "a race call") < 0)
            return -1;
        const scn_ynode_t *ec2 = scn_ynode_get(m, "ec2");
        if (!ec2)
            return scn__fail(c, scn_ynode_line(m), "a race call needs ec2: COMMAND");
        if (s_call(c, m, ec2, call) < 0)
            return -1;
        const scn_ynode_t *name = scn_ynode_get(m, "name");
        if (name && s_define(c, name, call->name) < 0)
            return -1;
    }
    (void)idx;
    return 0;
}

static int s_step(scn_pctx_t *c, size_t idx, const scn_ynode_t *n, scn_step_t *st)
{
    static const char *const keys[] = { "ec2", "advance-clock", "sleep", "faults", "partition", "kill",
                                        "restart", "race", "as", "name", "note", "expect", NULL };
    scn__field(c, idx, "steps");
    st->line = scn_ynode_line(n);
    if (scn__want(c, n, SCN_Y_MAP, "a step (a mapping such as {ec2: create-vpc ...})") < 0 ||
        scn__keys(c, n, keys, "a step") < 0)
        return -1;
    const char *kind = NULL;
    const scn_ynode_t *action = NULL;
    for (size_t k = 0; s_kinds[k]; k++) {
        const scn_ynode_t *x = scn_ynode_get(n, s_kinds[k]);
        if (!x)
            continue;
        if (kind)
            return scn__fail(c, scn_ynode_line(x), "a step does one thing: both '%s' and '%s'", kind, s_kinds[k]);
        kind = s_kinds[k];
        action = x;
        st->kind = (scn_kind_t)k;
    }
    const scn_ynode_t *expect = scn_ynode_get(n, "expect"), *as = scn_ynode_get(n, "as"),
                      *name = scn_ynode_get(n, "name"), *note = scn_ynode_get(n, "note");
    if (!kind) {
        if (!expect)
            return scn__fail(c, st->line, "a step needs one of ec2, advance-clock, sleep, faults, partition, kill, "
                                       "restart, race, or only an expect");
        st->kind = SCN_STEP_CHECK;
    }
    if (note) {
        const char *s;
        scn__field(c, idx, "note");
        if (scn__string(c, note, &s) < 0)
            return -1;
        st->note = scn__dup(s);
    }
    scn__field(c, idx, "as");
    if (as && st->kind != SCN_STEP_EC2 && st->kind != SCN_STEP_CHECK)
        return scn__fail(c, scn_ynode_line(as), "only ec2 and expect-only steps act as an agent");
    if (as) {
        bool broker = false;
        if (s_alias(c, as, &st->agent, false, &broker) < 0)
            return -1;
    }
    if (name && st->kind != SCN_STEP_EC2) {
        scn__field(c, idx, "name");
        return scn__fail(c, scn_ynode_line(name), "only an ec2 step's output can be named");
    }
    if (kind)
        scn__field(c, idx, kind);
    long long x;
    switch (st->kind) {
    case SCN_STEP_EC2:
        if (s_call(c, n, action, &st->call) < 0)
            return -1;
        st->agent = st->call.agent;
        if (name) {
            scn__field(c, idx, "name");
            if (s_define(c, name, st->call.name) < 0)
                return -1;
        }
        break;
    case SCN_STEP_ADVANCE_CLOCK:
        if (scn__integer(c, action, 0, S_MAX_ADVANCE_S, &x) < 0)
            return -1;
        st->seconds = x;
        break;
    case SCN_STEP_SLEEP:
        if (scn__number(c, action, 0, S_MAX_SLEEP_S, &st->sleep_s) < 0)
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
    if (expect && scn__expect(c, idx, expect, st) < 0)
        return -1;
    if (st->kind == SCN_STEP_CHECK && !st->peering && !st->reach) {
        scn__field(c, idx, "expect");
        return scn__fail(c, scn_ynode_line(expect), "a step without an action checks peering or reachability");
    }
    return 0;
}

static scn_scenario_t *s_scenario(scn_pctx_t *c, const scn_ynode_t *root)
{
    static const char *const keys[] = { "name", "description", "agents", "timeout", "steps", NULL };
    if (scn__want(c, root, SCN_Y_MAP, "a scenario (a mapping with agents and steps)") < 0 ||
        scn__keys(c, root, keys, "the scenario") < 0)
        return NULL;
    const char *s;
    const scn_ynode_t *x;
    if ((x = scn_ynode_get(root, "name"))) {
        scn__field(c, 0, "name");
        if (scn__string(c, x, &s) < 0)
            return NULL;
        c->scn->title = scn__dup(s);
    } else {
        const char *slash = strrchr(c->path, '/');
        c->scn->title = scn__dup(slash ? slash + 1 : c->path);
    }
    if ((x = scn_ynode_get(root, "description"))) {
        scn__field(c, 0, "description");
        if (scn__string(c, x, &s) < 0)
            return NULL;
    }
    c->scn->call_timeout_s = 10;
    if ((x = scn_ynode_get(root, "timeout"))) {
        scn__field(c, 0, "timeout");
        if (scn__number(c, x, 0.1, 300, &c->scn->call_timeout_s) < 0)
            return NULL;
    }
    if (!(x = scn_ynode_get(root, "agents"))) {
        scn__field(c, 0, "agents");
        scn__fail(c, scn_ynode_line(root), "the scenario declares no agents");
        return NULL;
    }
    if (s_agents(c, x) < 0)
        return NULL;
    scn__field(c, 0, "steps");
    if (!(x = scn_ynode_get(root, "steps"))) {
        scn__fail(c, scn_ynode_line(root), "the scenario has no steps");
        return NULL;
    }
    if (scn__want(c, x, SCN_Y_SEQ, "a list of steps") < 0)
        return NULL;
    if (scn_ynode_len(x) == 0 || scn_ynode_len(x) > SCN_MAX_STEPS) {
        scn__fail(c, scn_ynode_line(x), "1 to %d steps are expected", SCN_MAX_STEPS);
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
    scn_pctx_t *c = calloc(1, sizeof *c);
    scn_scenario_t *scn = calloc(1, sizeof *scn);
    if (!c || !scn) {
        free(c);
        free(scn);
        *err = scn__dup("out of memory");
        return NULL;
    }
    c->path = path;
    c->scn = scn;
    scn->path = scn__dup(path);
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
    *err = scn__dup(c->err);
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
        *err = scn__dup(m);
        return NULL;
    }
    vs_buf_t b = VS_BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= SCN_YAML_MAX_INPUT)
        vs_buf_putn(&b, chunk, n);
    bool bad = ferror(f);
    fclose(f);
    if (bad || b.oom) {
        vs_buf_release(&b);
        char m[600];
        snprintf(m, sizeof m, "%s: cannot read the scenario file", path);
        *err = scn__dup(m);
        return NULL;
    }
    scn_scenario_t *s = scn_parse(path, vs_buf_str(&b), b.len, err);
    vs_buf_release(&b);
    return s;
}
