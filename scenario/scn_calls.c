/* scn_calls: what the runner (scn_run.c) and the judge (scn_check.c) share
 * to talk to the cluster: API calls waited for, their results, the
 * ${...} variables of earlier steps, the step's failure notes and the
 * interruption flag. Below both, so the judge never calls back into the
 * runner.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_run_priv.h"
#include "scn_vars.h"

#define S_POLL_MS 100

/* Set by SIGINT and SIGTERM during a run: the run stops waiting, skips
 * the remaining steps and still takes its cluster down (a compose project
 * would otherwise stay up). A signal handler can reach nothing else, hence
 * this one file-level variable. */
static volatile sig_atomic_t s_interrupted;

bool scn__interrupted(void)
{
    return s_interrupted != 0;
}

void scn__reset_interrupted(void)
{
    s_interrupted = 0;
}

void scn__on_signal(int sig)
{
    (void)sig;
    s_interrupted = 1;
}


void scn__result_clear(scn_result_t *r)
{
    vs_json_free(&r->output);
    memset(r, 0, sizeof *r);
}

void scn__call_done(void *ctx, uint64_t tag, const ch_call_result_t *cr)
{
    scn_runner_t *r = ctx;
    if (tag >= SCN_MAX_RACE)
        return;
    scn_result_t *res = &r->results[tag];
    res->done = true;
    res->outcome = cr->outcome;
    if (cr->outcome == CH_CALL_OK)
        res->output = vs_json_clone(cr->output);
    snprintf(res->code, sizeof res->code, "%s", cr->code ? cr->code : "");
    snprintf(res->message, sizeof res->message, "%s", cr->message ? cr->message : "");
}

void scn__step_fail(scn_runner_t *r, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    vs_buf_printf(&r->why, "%s\n", line);
    r->nwhy++;
}

const vs_json_t *scn__lookup(void *ctx, const char *name)
{
    scn_runner_t *r = ctx;
    for (size_t i = r->nvars; i-- > 0;)
        if (!strcmp(r->vars_name[i], name))
            return r->vars_doc[i];
    return NULL;
}

void scn__keep_output(scn_runner_t *r, const char *name, const vs_json_t *doc)
{
    if (!*name || !doc || r->nvars >= SCN_MAX_STEPS)
        return;
    r->vars_name[r->nvars] = name;
    r->vars_doc[r->nvars++] = vs_json_clone(doc);
}

char *scn__expand(scn_runner_t *r, const char *s)
{
    char err[600];
    char *v = scn_vars_expand(s, scn__lookup, r, err, sizeof err);
    if (!v)
        scn__step_fail(r, "%s", err);
    return v;
}

/* --- calls ----------------------------------------------------------------------- */

/* Waits for the calls in results[0..n) to finish. */
void scn__wait_results(scn_runner_t *r, size_t n)
{
    for (;;) {
        bool all = true;
        for (size_t i = 0; i < n; i++)
            all &= r->results[i].done;
        if (all)
            return;
        if (s_interrupted) {
            for (size_t i = 0; i < n; i++) {
                if (!r->results[i].done) {
                    r->results[i].done = true;
                    r->results[i].outcome = CH_CALL_UNKNOWN;
                    snprintf(r->results[i].code, sizeof r->results[i].code, "interrupted");
                }
            }
            return;
        }
        ch_client_poll(r->client, S_POLL_MS);
    }
}

/* One API call as agent, waited for; the outcome in results[0]. */
scn_result_t *scn__api(scn_runner_t *r, size_t agent, const char *action, const vs_json_t *input)
{
    scn__result_clear(&r->results[0]);
    char *json = vs_json_dump(input, 0);
    const scn_agent_t *a = &r->s->agents[agent];
    ch_client_api(r->client, 0, a->account, a->region, action, json ? json : "{}", r->s->call_timeout_s, 0);
    free(json);
    scn__wait_results(r, 1);
    return &r->results[0];
}
