/* scn_run: plays a scenario and judges it (see scn_run.h). */
#define _GNU_SOURCE
#include "scn_run.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "argparse.h"
#include "buf.h"
#include "chaos_client.h"
#include "chaos_proc.h"
#include "paginate.h"
#include "proc.h"
#include "scn_cluster.h"
#include "scn_run_priv.h"
#include "scn_path.h"
#include "scn_vars.h"
#include "transport.h"

#define S_START_TIMEOUT_S 60.0
#define S_POLL_MS 100

typedef struct {
    scn_runner_t *r;
    size_t agent;
    const char *action;
} s_fetch_ctx_t;

/* A cli_fetch_fn: one page. The error stays in results[0]. */
static int s_fetch(void *vctx, const vs_json_t *input, vs_json_t **output)
{
    s_fetch_ctx_t *f = vctx;
    scn_result_t *res = scn__api(f->r, f->agent, f->action, input);
    if (res->outcome != CH_CALL_OK)
        return 1;
    *output = res->output;
    res->output = NULL;
    return 0;
}

/* The call's input document (the arguments with ${...} filled in, parsed
 * as `vpcsim ec2` parses them), or NULL with the failure noted. */
static vs_json_t *s_input(scn_runner_t *r, const scn_call_t *c, cli_paging_t *paging, char **text)
{
    char **argv = calloc(c->nargs + 1, sizeof *argv);
    bool ok = argv != NULL;
    for (size_t i = 1; ok && i < c->nargs; i++)
        ok = (argv[i - 1] = scn__expand(r, c->args[i])) != NULL;
    vs_json_t *input = NULL;
    if (ok) {
        vs_buf_t b = VS_BUF_INIT;
        vs_buf_printf(&b, "ec2 %s", c->args[0]);
        for (size_t i = 0; i + 1 < c->nargs; i++) {
            bool q = !strncmp(argv[i], "--", 2) || !strpbrk(argv[i], " '\"[]{},");
            vs_buf_printf(&b, q ? " %s" : " '%s'", argv[i]);
        }
        *text = vs_buf_take(&b);
        cli_call_t call;
        char *err = NULL;
        if (cli_argparse(c->cmd, (int)c->nargs - 1, argv, false, NULL, NULL, &call, &err) != 0) {
            char *m = err ? err : strdup("bad options");
            size_t len = strlen(m);
            while (len && m[len - 1] == '\n')
                m[--len] = '\0';
            const char *last = strrchr(m, '\n');
            scn__step_fail(r, "the options do not parse: %s", last ? last + 1 : m);
            free(m);
        } else {
            input = call.input;
            call.input = NULL;
            *paging = call.paging;
            call.paging.starting_token = NULL;
            free(paging->starting_token);
            paging->starting_token = NULL;
            cli_call_clear(&call);
            /* botocore fills absent idempotency tokens */
            for (const cli_opt_t *o = c->cmd->opts; o->name; o++) {
                if (cli_opt_token(o) && !vs_json_get(input, o->member)) {
                    char uuid[37];
                    cli_random_uuid(uuid);
                    vs_json_set_str(input, o->member, uuid);
                }
            }
        }
    }
    for (size_t i = 0; argv && i < c->nargs; i++)
        free(argv[i]);
    free(argv);
    if (!*text)
        *text = scn_call_text(c);
    return input;
}

/* --- steps ----------------------------------------------------------------------- */

/* s with its ${...} filled in where they can be, for display only. */
static char *s_display(scn_runner_t *r, const char *s)
{
    char err[300];
    char *v = scn_vars_expand(s, scn__lookup, r, err, sizeof err);
    return v ? v : strdup(s);
}

static void s_step_ec2(scn_runner_t *r, const scn_step_t *st, char **text)
{
    const scn_call_t *c = &st->call;
    cli_paging_t paging = { 0 };
    vs_json_t *input = s_input(r, c, &paging, text);
    if (!input)
        return;
    s_fetch_ctx_t f = { r, c->agent, c->cmd->action };
    vs_json_t *out = NULL;
    int rc;
    if (c->cmd->result_key && !paging.manual) {
        char *err = NULL;
        rc = cli_paginate(c->cmd->result_key, input, &paging, s_fetch, &f, &out, &err);
        if (rc && err && r->results[0].outcome == CH_CALL_OK) {
            scn__step_fail(r, "pagination failed: %s", err);
            free(err);
            vs_json_free(&input);
            return;
        }
        free(err);
    } else {
        rc = s_fetch(&f, input, &out);
    }
    vs_json_free(&input);
    scn_result_t *res = &r->results[0];
    if (rc == 0) {
        if (st->error)
            scn__step_fail(r, "expected the error %s, but the call succeeded", st->error);
        scn__keep_output(r, c->name, out);
        scn__check_outputs(r, st, out);
    } else if (res->outcome == CH_CALL_FAIL) {
        if (!st->error)
            scn__step_fail(r, "An error occurred (%s): %s", res->code, res->message);
        else if (strcmp(st->error, res->code) != 0)
            scn__step_fail(r, "expected the error %s, got %s: %s", st->error, res->code, res->message);
    } else {
        scn__step_fail(r, "no answer from %s in %s within %gs (%s%s%s)", r->s->agents[c->agent].account,
               r->s->agents[c->agent].region, r->s->call_timeout_s, res->code, *res->message ? ": " : "",
               res->message);
    }
    vs_json_free(&out);
}

static void s_step_race(scn_runner_t *r, const scn_step_t *st, vs_buf_t *text)
{
    vs_json_t *inputs[SCN_MAX_RACE] = { NULL };
    bool ready = true;
    for (size_t i = 0; i < st->nrace; i++) {
        cli_paging_t paging = { 0 };
        char *t = NULL;
        inputs[i] = s_input(r, &st->race[i], &paging, &t);
        vs_buf_printf(text, "%s[%s] %s", i ? " || " : "race: ", r->s->agents[st->race[i].agent].alias, t);
        free(t);
        ready &= inputs[i] != NULL;
    }
    if (ready) {
        for (size_t i = 0; i < st->nrace; i++)
            scn__result_clear(&r->results[i]);
        /* Every call from its own socket, all sent before any answer. */
        for (size_t i = 0; i < st->nrace; i++) {
            const scn_agent_t *a = &r->s->agents[st->race[i].agent];
            char *json = vs_json_dump(inputs[i], 0);
            ch_client_api(r->client, i, a->account, a->region, st->race[i].cmd->action, json ? json : "{}",
                          r->s->call_timeout_s, i);
            free(json);
        }
        scn__wait_results(r, st->nrace);
        vs_buf_t got = VS_BUF_INIT;
        for (size_t i = 0; i < st->nrace; i++) {
            vs_buf_printf(&got, "%s%s", i ? ", " : "", scn__outcome_name(&r->results[i]));
            if (r->results[i].outcome == CH_CALL_OK)
                scn__keep_output(r, st->race[i].name, r->results[i].output);
        }
        vs_buf_printf(&r->info, "results: [%s]\n", vs_buf_str(&got));
        const scn_alt_t *won = NULL;
        for (size_t k = 0; k < st->nalts && !won; k++) {
            bool match = true;
            for (size_t i = 0; i < st->nrace; i++)
                match &= !strcmp(st->alts[k].results[i], scn__outcome_name(&r->results[i]));
            if (match)
                won = &st->alts[k];
        }
        if (st->nalts && !won) {
            scn__step_fail(r, "the results [%s] match none of the %zu expected outcomes", vs_buf_str(&got), st->nalts);
        } else if (won) {
            vs_buf_printf(&r->info, "outcome: the one at line %d\n", won->line);
            if (st->peering)
                scn__check_peering(r, st->peering, won->state);
        } else if (st->peering) {
            scn__check_peering(r, st->peering, NULL);
        }
        vs_buf_release(&got);
    }
    for (size_t i = 0; i < st->nrace; i++)
        vs_json_free(&inputs[i]);
}

static void s_admin(scn_runner_t *r, const char *op, int64_t seconds, const vs_json_t *args, vs_json_t **out)
{
    char *json = args ? vs_json_dump(args, 0) : NULL;
    char *err = NULL;
    vs_json_t *doc = NULL;
    int rc = cli_admin_call_keyed(scn_cluster_endpoint(r->cluster), scn_cluster_keys(r->cluster),
                                  r->s->call_timeout_s, false, op, seconds, json ? json : "", &doc, &err);
    free(json);
    if (rc) {
        char *m = err ? err : strdup("failed");
        size_t len = strlen(m);
        while (len && m[len - 1] == '\n')
            m[--len] = '\0';
        scn__step_fail(r, "admin %s: %s", op, m[0] == '\n' ? m + 1 : m);
        free(m);
    }
    if (out)
        *out = doc;
    else
        vs_json_free(&doc);
}

static void s_step(scn_runner_t *r, const scn_step_t *st, vs_buf_t *text)
{
    char err[600] = "";
    char *t = NULL;
    char *json = st->admin_args ? vs_json_dump(st->admin_args, 0) : NULL;
    vs_json_t *doc = NULL;
    switch (st->kind) {
    case SCN_STEP_EC2:
        s_step_ec2(r, st, &t);
        vs_buf_puts(text, t ? t : "ec2");
        free(t);
        break;
    case SCN_STEP_ADVANCE_CLOCK:
        vs_buf_printf(text, "admin advance-clock --seconds %lld", (long long)st->seconds);
        s_admin(r, "advance-clock", st->seconds, NULL, &doc);
        if (doc)
            scn__check_outputs(r, st, doc);
        vs_json_free(&doc);
        break;
    case SCN_STEP_SLEEP:
        vs_buf_printf(text, "sleep %gs", st->sleep_s);
        for (double until = cli_proc_now() + st->sleep_s; !scn__interrupted() && cli_proc_now() < until;)
            cli_proc_sleep_ms(20);
        break;
    case SCN_STEP_FAULTS:
        vs_buf_printf(text, "admin set-faults %s", json ? json : "");
        s_admin(r, "set-faults", 0, st->admin_args, NULL);
        break;
    case SCN_STEP_PARTITION:
        vs_buf_printf(text, "admin partition %s", json ? json : "");
        s_admin(r, "partition", 0, st->admin_args, NULL);
        break;
    case SCN_STEP_KILL:
        vs_buf_printf(text, "kill -9 %s", st->broker ? "broker" : r->s->agents[st->agent].alias);
        if (scn_cluster_kill(r->cluster, st->broker, st->agent, err, sizeof err) < 0)
            scn__step_fail(r, "%s", err);
        break;
    case SCN_STEP_RESTART:
        vs_buf_printf(text, "restart %s", st->broker ? "broker" : r->s->agents[st->agent].alias);
        if (scn_cluster_restart(r->cluster, st->broker, st->agent, S_START_TIMEOUT_S, err, sizeof err) < 0)
            scn__step_fail(r, "%s", err);
        break;
    case SCN_STEP_RACE:
        s_step_race(r, st, text);
        break;
    case SCN_STEP_CHECK:
        break;
    }
    free(json);
    if (st->kind != SCN_STEP_RACE && st->peering) {
        const scn_peering_exp_t *p = st->peering;
        char *id = s_display(r, p->id);
        vs_buf_printf(text, "%speering %s", st->kind == SCN_STEP_CHECK ? "expect " : "; expect ", id);
        for (size_t i = 0; i < p->nstates; i++)
            vs_buf_printf(text, "%s%s", i ? "|" : " ", p->states[i]);
        for (size_t i = 0; i < r->s->nagents; i++)
            if (p->per_agent[i])
                vs_buf_printf(text, " %s:%s", r->s->agents[i].alias, p->per_agent[i]);
        free(id);
        scn__check_peering(r, p, NULL);
    }
    if (st->reach) {
        const scn_reach_exp_t *x = st->reach;
        char *path = s_display(r, x->path);
        vs_buf_printf(text, "%sreachability %s%s%s", st->kind == SCN_STEP_CHECK && !st->peering ? "expect " : "; ",
                       path, x->found < 0 ? "" : x->found ? " found" : " not found",
                       x->explanation ? " " : "");
        vs_buf_puts(text, x->explanation ? x->explanation : "");
        free(path);
        scn__check_reach(r, st);
    }
}

static bool s_acts_as_agent(const scn_step_t *st)
{
    return st->kind == SCN_STEP_EC2 || st->kind == SCN_STEP_CHECK ||
           ((st->kind == SCN_STEP_KILL || st->kind == SCN_STEP_RESTART) && !st->broker);
}

static int s_play(const scn_scenario_t *s, const scn_run_opts_t *o)
{
    scn_runner_t *r = calloc(1, sizeof *r);
    if (!r)
        return 255;
    r->s = s;
    r->o = o;
    r->out = o->json ? stderr : stdout;
    char dir[] = "/tmp/vpcsim-scenario.XXXXXX";
    if (!mkdtemp(dir)) {
        fprintf(stderr, "vpcsim scenario: cannot create a temporary folder: %s\n", strerror(errno));
        free(r);
        return 255;
    }
    fprintf(r->out, "Scenario %s (%s): %zu agents, %zu steps, %s\n", s->title, s->path, s->nagents, s->nsteps,
            o->compose ? "in docker-compose" : "on local processes");
    char err[1024];
    double t0 = cli_proc_now();
    r->cluster = scn_cluster_start(s, dir, o->compose, !o->no_keys, o->compose ? 180 : S_START_TIMEOUT_S, err,
                                   sizeof err);
    if (!r->cluster) {
        fprintf(stderr, "vpcsim scenario: the cluster did not start: %s\n", err);
        if (!o->keep)
            ch_rmtree(dir);
        free(r);
        return 255;
    }
    const char *keys = scn_cluster_keys(r->cluster);
    fprintf(r->out, "cluster up in %.1fs, broker %s, %s%s\n", cli_proc_now() - t0, scn_cluster_endpoint(r->cluster),
            keys ? "keyring " : "open (no keys)", keys ? keys : "");
    /* With a keyring each call goes as its agent's account (client key),
     * admin steps with the admin key. */
    r->client = ch_client_new(scn_cluster_endpoint(r->cluster), keys, SCN_MAX_RACE, scn__call_done, r, err, sizeof err);
    if (!r->client) {
        fprintf(stderr, "vpcsim scenario: %s\n", err);
        scn_cluster_destroy(&r->cluster, o->keep);
        free(r);
        return 255;
    }
    if (o->faults) {
        s_admin(r, "set-faults", 0, o->faults, NULL);
        char *f = vs_json_dump(o->faults, 0);
        fprintf(r->out, "%s faults: %s\n", r->nwhy ? "✘" : "✔", f ? f : "");
        free(f);
        if (r->nwhy)
            fputs(vs_buf_str(&r->why), r->out);
    }
    bool faults_failed = r->nwhy > 0;
    vs_json_t *report = vs_json_object();
    vs_json_set_str(report, "Scenario", s->title);
    vs_json_set_str(report, "File", s->path);
    vs_json_set_str(report, "Mode", o->compose ? "compose" : "local");
    vs_json_set_bool(report, "Keys", keys != NULL);
    vs_json_t *steps = vs_json_set(report, "Steps", vs_json_array());
    size_t passed = 0, failed = 0;
    vs_buf_t summary = VS_BUF_INIT;
    for (size_t i = 0; i < s->nsteps && !scn__interrupted(); i++) {
        const scn_step_t *st = &s->steps[i];
        vs_buf_release(&r->why);
        vs_buf_release(&r->info);
        r->nwhy = 0;
        vs_buf_t text = VS_BUF_INIT;
        double t = cli_proc_now();
        s_step(r, st, &text);
        double secs = cli_proc_now() - t;
        bool ok = r->nwhy == 0;
        const scn_agent_t *a = &s->agents[st->agent];
        char who[128] = "";
        if (s_acts_as_agent(st))
            snprintf(who, sizeof who, "%s (%s %s) ", a->alias, a->account, a->region);
        fprintf(r->out, "%s %zu  %s%s%s%s\n", ok ? "✔" : "✘", i + 1, who, vs_buf_str(&text),
                st->note ? "   # " : "", st->note ? st->note : "");
        vs_json_t *js = vs_json_push(steps, vs_json_object());
        vs_json_set_int(js, "Step", (int64_t)i + 1);
        vs_json_set_int(js, "Line", st->line);
        if (*who) {
            vs_json_set_str(js, "Agent", a->alias);
            vs_json_set_str(js, "AccountId", a->account);
            vs_json_set_str(js, "Region", a->region);
        }
        vs_json_set_str(js, "Command", vs_buf_str(&text));
        vs_json_set_bool(js, "Passed", ok);
        vs_json_t *il = vs_json_set(js, "Notes", vs_json_array());
        for (const char *p = vs_buf_str(&r->info); *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            vs_json_push(il, vs_json_strn(p, len));
            fprintf(r->out, "      %.*s\n", (int)len, p);
            p += len + (nl ? 1 : 0);
        }
        vs_json_t *fl = vs_json_set(js, "Failures", vs_json_array());
        const char *p = vs_buf_str(&r->why);
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            vs_json_push(fl, vs_json_strn(p, len));
            fprintf(r->out, "      %.*s\n", (int)len, p);
            if (failed == 0 && p == vs_buf_str(&r->why))
                vs_buf_printf(&summary, "step %zu (line %d): %.*s", i + 1, st->line, (int)len, p);
            p += len + (nl ? 1 : 0);
        }
        vs_json_set(js, "Seconds", vs_json_num((double)(int64_t)(secs * 1000) / 1000.0));
        ok ? passed++ : failed++;
        vs_buf_release(&text);
        fflush(r->out);
    }
    if (scn__interrupted()) {
        fprintf(r->out, "interrupted after %zu of %zu steps\n", passed + failed, s->nsteps);
        vs_json_set_bool(report, "Interrupted", true);
    }
    bool all = failed == 0 && !faults_failed && !scn__interrupted();
    fprintf(r->out, "\n%s: %zu of %zu steps passed%s%s%s\n", all ? "PASSED" : "FAILED", passed, s->nsteps,
            failed ? "; first failure: " : "", vs_buf_str(&summary), faults_failed ? "; the faults were not set" : "");
    vs_json_set_int(report, "StepsPassed", (int64_t)passed);
    vs_json_set_int(report, "StepsFailed", (int64_t)failed);
    vs_json_set_bool(report, "Passed", all);
    if (o->json) {
        char *text = vs_json_dump(report, 4);
        if (text)
            printf("%s\n", text);
        free(text);
    }
    vs_json_free(&report);
    vs_buf_release(&summary);
    vs_buf_release(&r->why);
    vs_buf_release(&r->info);
    ch_client_destroy(&r->client);
    scn_cluster_destroy(&r->cluster, o->keep);
    if (o->keep)
        fprintf(stderr, "vpcsim scenario: kept %s%s\n", dir,
                o->compose ? "" : " (start it again: vpcsim cluster up --config DIR/cluster.json)");
    else
        ch_rmtree(dir);
    for (size_t i = 0; i < SCN_MAX_RACE; i++)
        scn__result_clear(&r->results[i]);
    for (size_t i = 0; i < r->nvars; i++)
        vs_json_free(&r->vars_doc[i]);
    free(r->pcx);
    free(r);
    return scn__interrupted() ? 130 : all ? 0 : 1;
}

int scn_run(const scn_scenario_t *s, const scn_run_opts_t *o)
{
    scn__reset_interrupted();
    struct sigaction sa = { .sa_handler = scn__on_signal }, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    int rc = s_play(s, o);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return rc;
}
