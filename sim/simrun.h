/* simrun: one schedule of the deterministic simulation behind
 * `vpcsim simulate` (FoundationDB-style). From (seed, schedule) it builds a
 * simnet cluster (accounts x Regions, two VPCs each, a few with
 * overlapping CIDRs), drives a race-heavy workload from several clients
 * (create, accept, reject, delete, associate-vpc-cidr-block, clock steps
 * up to past 168 h) while the network drops, duplicates, delays and
 * reorders messages and agents crash, then heals the network, settles and
 * checks:
 *   LostAcknowledged     an operation answered ok did not happen or did not stay;
 *   DivergedViews        after settling, a pcx's requester and accepter views
 *                        differ in state or version;
 *   InvariantViolations  at any step: an active (or provisioning) pcx joins
 *                        overlapping VPCs, two join the same VPC pair, a view
 *                        went back to an older version; or the network did
 *                        not settle;
 *   Linearizability      per pcx, history.h's checker over the recorded history
 *                        and the final views.
 * The same (seed, schedule, options) gives the same result and trace byte for
 * byte: everything random comes from the seed, nothing from the wall clock.
 */
#ifndef VS_SIMRUN_H
#define VS_SIMRUN_H

#include <stdbool.h>
#include <stdint.h>

#include "ids.h"
#include "simnet.h"

#define VS_SIMRUN_MAX_VPCS 16
#define VS_SIMRUN_MAX_CLIENTS 16

typedef struct vs_simrun_opts {
    int accounts;              /* 1..4 (default 3) */
    int regions;               /* 1..3 (default 2) */
    int vpcs_per_agent;        /* 1..4 (default 2); at most VS_SIMRUN_MAX_VPCS in all */
    int operations;            /* client operations per schedule (default 50) */
    int clients;               /* concurrent clients, 1..VS_SIMRUN_MAX_CLIENTS (default 6) */
    vs_simnet_faults_t faults; /* while the workload runs; healed before settling */
    double crash;              /* per operation: probability an agent is killed -9 and restarted */
    bool planted_bug;          /* replicas apply older versions (test_bug_stale_replica) */
    /* A readable trace of every message, call, reply, state change and
     * history entry, one line per call (NULL: none). */
    void (*trace)(void *ctx, const char *line);
    void *trace_ctx;
} vs_simrun_opts_t;

/* Defaults: 3 accounts x 2 Regions x 2 VPCs, 50 operations, 6 clients,
 * drop 2 %, duplicate 2 %, delay 0-50 ms, crash 1 %. */
void vs_simrun_defaults(vs_simrun_opts_t *o);

typedef struct vs_simrun_result {
    uint64_t operations;       /* API calls made by clients */
    uint64_t acknowledged;     /* ... answered ok */
    uint64_t unknown;          /* ... whose outcome the client never learned */
    uint64_t lost_acknowledged, diverged_views, invariant_violations;
    uint64_t linearizability_violations;   /* pcxs */
    uint64_t too_complex;      /* pcxs the checker gave up on (not a failure) */
    bool passed;
    char failing_pcx[VS_ID_LEN];   /* the first pcx a check failed on, "" if none */
    char *report;              /* every failure, readable, with the failing pcxs'
                                  histories (malloc'd; NULL when passed) */
} vs_simrun_result_t;

/* Runs one schedule. 0 (result filled, passed or not), -1 on bad options
 * or OOM (reason in result->report when possible). */
int vs_simrun_run(uint64_t seed, uint64_t schedule, const vs_simrun_opts_t *o,
                  vs_simrun_result_t *result);
void vs_simrun_result_free(vs_simrun_result_t *r);

#endif
