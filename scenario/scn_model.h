/* scn_model: a scenario file, parsed and checked (scn_parse.h makes it,
 * scn_run.h plays it). A scenario names its agents (one per account and
 * Region, with their vpcsim-agent options) by an alias, then lists steps,
 * each of one kind, with an optional expectation:
 *
 *   agents:
 *     a: {account: "111111111111", region: us-east-1}
 *     b: {account: "222222222222", region: eu-west-1, options: [--modern-rules]}
 *   steps:
 *     - as: a                               # who calls (default: the first agent)
 *       ec2: create-vpc --cidr-block 10.1.0.0/16
 *       name: vpc_a                         # later steps use ${vpc_a.Vpc.VpcId}
 *       expect: {output: {Vpc.CidrBlock: 10.1.0.0/16}}
 *
 * Every string a step uses may hold ${NAME.PATH} (scn_path.h), NAME being
 * an earlier step's name; the parser checks the names, the runner
 * substitutes the values. Everything here is owned by the scenario and
 * freed by scn_scenario_free.
 */
#ifndef SCN_MODEL_H
#define SCN_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdtable.h"
#include "json.h"

#define SCN_MAX_AGENTS 64
#define SCN_MAX_STEPS 2000
#define SCN_MAX_RACE 8
#define SCN_MAX_WITHIN_S 600.0
#define SCN_NAME_MAX 64

typedef struct {
    char alias[SCN_NAME_MAX];
    char account[16];
    char region[32];
    char **options;            /* vpcsim-agent options, e.g. "--modern-rules" */
    size_t noptions;
} scn_agent_t;

typedef enum {
    SCN_STEP_EC2,
    SCN_STEP_ADVANCE_CLOCK,
    SCN_STEP_SLEEP,
    SCN_STEP_FAULTS,
    SCN_STEP_PARTITION,
    SCN_STEP_KILL,
    SCN_STEP_RESTART,
    SCN_STEP_RACE,
    SCN_STEP_CHECK             /* no action: only the expectation */
} scn_kind_t;

/* One ec2 call: the subcommand and its arguments, as on the command line
 * (unexpanded: they may hold ${...}). */
typedef struct {
    size_t agent;
    const cli_cmd_t *cmd;
    char **args;
    size_t nargs;
    char name[SCN_NAME_MAX];   /* "" or the name its output is kept under */
    int line;
} scn_call_t;

typedef struct {
    char *path;
    vs_json_t *want;           /* the expected value; NULL: absent (~) */
    int line;
} scn_output_exp_t;

#define SCN_MAX_STATES 8
/* A peering connection's state in every view (each agent that sees or saw
 * it), all the same, waiting up to `within` seconds. No state: the views
 * only have to agree. "gone": no longer visible (NotFound), which agrees
 * with any state (visibility windows differ per side). per_agent: the
 * state one agent's view must show (`state: {req: rejected, acc: gone}`);
 * then each view is checked on its own, with no agreement asked. */
typedef struct {
    char *id;
    char *states[SCN_MAX_STATES];
    size_t nstates;
    char *per_agent[SCN_MAX_AGENTS];
    double within;
    int line;
} scn_peering_exp_t;

/* Start a Reachability Analyzer analysis of `path` (a nip- id) as the
 * step's agent and check its verdict and explanation code. */
typedef struct {
    char *path;
    int found;                 /* -1 not stated, 0 false, 1 true */
    char *explanation;         /* NULL: not stated; must be among the codes */
    double within;
    int line;
} scn_reach_exp_t;

/* One outcome of a race: each call's result ("ok", an error code, or
 * "unknown" for a call that got no answer within the timeout), in the
 * race's order, and the state the connection must end in. */
typedef struct {
    char *results[SCN_MAX_RACE];
    size_t nresults;
    char *state;               /* NULL: not stated */
    int line;
} scn_alt_t;

typedef struct {
    scn_kind_t kind;
    int line;
    size_t agent;              /* who acts (ec2, check) or the target (kill, restart, partition) */
    bool broker;               /* kill/restart: the broker */
    scn_call_t call;           /* SCN_STEP_EC2 */
    scn_call_t race[SCN_MAX_RACE];
    size_t nrace;
    int64_t seconds;           /* advance-clock */
    double sleep_s;
    vs_json_t *admin_args;     /* faults/partition: the broker's arguments */
    char *note;                /* shown with the step */
    /* expectations */
    char *error;               /* the call must fail with this code */
    scn_output_exp_t *outputs;
    size_t noutputs;
    scn_peering_exp_t *peering;
    scn_reach_exp_t *reach;
    scn_alt_t *alts;           /* race: exactly one of them holds */
    size_t nalts;
} scn_step_t;

typedef struct {
    char *path;                /* the file */
    char *title;               /* `name:`, or the file name */
    scn_agent_t agents[SCN_MAX_AGENTS];
    size_t nagents;
    double call_timeout_s;     /* one API call (`timeout:`, default 10) */
    scn_step_t *steps;
    size_t nsteps;
} scn_scenario_t;

void scn_scenario_free(scn_scenario_t **s);

/* "ec2 create-vpc --cidr-block 10.1.0.0/16", malloc'd, for display. */
char *scn_call_text(const scn_call_t *c);

#endif
