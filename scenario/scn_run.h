/* scn_run: plays a parsed scenario on a fresh cluster (scn_cluster.h) and
 * judges every expectation.
 *
 * Each step is printed as it finishes, with the agent (alias, account,
 * Region), the command with its ${...} filled in, and ✔ or ✘ followed by
 * what differed; a summary follows. With json the same goes to stderr and
 * a report document to stdout:
 *
 *   {"Scenario": "...", "File": "...", "Mode": "local"|"compose", "Keys": true,
 *    "Steps": [{"Step": 1, "Line": 7, "Agent": "a", "AccountId": "...",
 *               "Region": "...", "Command": "ec2 create-vpc ...",
 *               "Passed": true, "Failures": [], "Seconds": 0.012}, ...],
 *    "StepsPassed": N, "StepsFailed": M, "Passed": true}
 *
 * The cluster has a keyring (scn_cluster.h) unless no_keys: every call
 * then authenticates, as its agent's account or as the admin.
 *
 * ec2 calls go to the agents in-process (the CLI's option parsing and
 * pagination, chaos_client.h's asynchronous client, several calls at once
 * in a race). An ec2 step without `expect.error` must succeed.
 */
#ifndef SCN_RUN_H
#define SCN_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "json.h"
#include "scn_model.h"

typedef struct {
    bool compose;              /* docker-compose instead of local processes */
    bool keep;                 /* keep the folder (local) or the project (compose) */
    bool no_keys;              /* an open cluster; by default a keyring in the folder */
    bool json;                 /* the report on stdout */
    const vs_json_t *faults;   /* set-faults arguments applied before step 1, or NULL */
} scn_run_opts_t;

/* Returns the exit status: 0 every expectation held, 1 one did not, 255
 * the cluster could not be started, 130 interrupted (SIGINT or SIGTERM:
 * the remaining steps are skipped and the cluster is still taken down). */
int scn_run(const scn_scenario_t *s, const scn_run_opts_t *o);

#endif
