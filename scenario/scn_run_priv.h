/* scn_run_priv: what the scenario runner's files share, each using only
 * those before it: scn_calls.c (API calls, results, variables, failure
 * notes), scn_check.c (the judge: outputs, peering views, reachability
 * verdicts), scn_run.c (the cluster, the steps). Not for other modules. */
#ifndef SCN_RUN_PRIV_H
#define SCN_RUN_PRIV_H

#include <stdbool.h>
#include <stdio.h>

#include "buf.h"
#include "chaos_client.h"
#include "json.h"
#include "scn_cluster.h"
#include "scn_model.h"
#include "scn_run.h"

typedef struct {
    bool done;
    ch_call_outcome_t outcome;
    vs_json_t *output;         /* OK: owned */
    char code[128];
    char message[512];
} scn_result_t;

typedef struct {
    char id[64];
    bool seen[SCN_MAX_AGENTS]; /* agents that have shown this pcx: its views */
} scn_pcx_t;

typedef struct {
    const scn_scenario_t *s;
    const scn_run_opts_t *o;
    scn_cluster_t *cluster;
    ch_client_t *client;
    FILE *out;                 /* progress: stdout, or stderr with --output json */
    const char *vars_name[SCN_MAX_STEPS];
    vs_json_t *vars_doc[SCN_MAX_STEPS];
    size_t nvars;
    scn_pcx_t *pcx;
    size_t npcx, cappcx;
    scn_result_t results[SCN_MAX_RACE];
    vs_buf_t why;             /* the current step's failures, one per line */
    vs_buf_t info;            /* what else it found out (a race's results), one per line */
    size_t nwhy;
} scn_runner_t;

/* scn_calls.c */
/* Adds one line to the current step's failures. */
void scn__step_fail(scn_runner_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s with its ${...} filled in, malloc'd; NULL (failure noted) if one cannot be. */
char *scn__expand(scn_runner_t *r, const char *s);
/* One API call as agent, waited for; the outcome in r->results[0] (borrowed). */
scn_result_t *scn__api(scn_runner_t *r, size_t agent, const char *action, const vs_json_t *input);
/* "ok", the error code, or "unknown". */
const char *scn__outcome_name(const scn_result_t *res);
/* Did SIGINT or SIGTERM ask the run to stop? */
bool scn__interrupted(void);
void scn__reset_interrupted(void);
/* The SIGINT/SIGTERM handler that sets it. */
void scn__on_signal(int sig);
/* The chaos client's callback: a call's outcome into results[tag]. */
void scn__call_done(void *ctx, uint64_t tag, const ch_call_result_t *cr);
/* Waits for the calls in results[0..n) to finish (or the run to stop). */
void scn__wait_results(scn_runner_t *r, size_t n);
void scn__result_clear(scn_result_t *res);
/* An earlier step's output by name (borrowed), for ${NAME.PATH}. */
const vs_json_t *scn__lookup(void *ctx, const char *name);
/* Keeps a step's output under its name for later steps. */
void scn__keep_output(scn_runner_t *r, const char *name, const vs_json_t *doc);

/* scn_check.c */

/* The expectations; each failure is noted with scn__step_fail. */
void scn__check_outputs(scn_runner_t *r, const scn_step_t *st, const vs_json_t *doc);
/* forced: the one state an outcome of a race asks for, or NULL. */
void scn__check_peering(scn_runner_t *r, const scn_peering_exp_t *p, const char *forced);
void scn__check_reach(scn_runner_t *r, const scn_step_t *st);

#endif
