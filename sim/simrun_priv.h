/* simrun_priv: the state of one schedule, shared by simrun_view.c (what is
 * read of the cluster), simrun_check.c (invariants and the checks at the
 * end) and simrun.c (cluster, workload), each using only those before it. */
#ifndef VS_SIMRUN_PRIV_H
#define VS_SIMRUN_PRIV_H

#include "history_priv.h"
#include "pcx_model.h"
#include "simrun.h"

typedef struct {
    int agent;
    char id[VS_ID_LEN];
    vs_cidr_t primary;
    bool own16;                /* primary is 10.(10+k).0.0/16, its own range */
} sim_vpc_t;

/* A pcx some create returned, and the last (state, version) seen of each
 * view ([0] the home/requester, [1] the replica/accepter). */
typedef struct {
    char id[VS_ID_LEN];
    int req_agent, acc_agent;  /* acc_agent == req_agent: one view (same account and Region) */
    int req_vpc;               /* index in vpcs */
    char acc_vpc[VS_ID_LEN];
    uint64_t created_ms;
    bool seen[2];
    int st[2];
    uint64_t ver[2];
} sim_pcx_t;

/* An operation of the workload as the driver knows it. */
typedef struct {
    int hop;                   /* index in the history */
    vs_hop_kind_t kind;
    int pcx;                   /* index in pcx, -1 if none */
    int vpc;                   /* cidr: index in vpcs */
    vs_cidr_t block;           /* cidr */
    uint64_t call;             /* simnet call id */
    uint64_t t_inv;
    uint64_t t_wire;           /* vs_simnet_wire_now at the invocation */
    bool new_pcx;              /* create: it made this pcx */
    char acc_account[VS_ACCOUNT_LEN];  /* create: the peer */
    char acc_region[VS_REGION_LEN];
    char acc_vpc[VS_ID_LEN];
    vs_hvalid_t valid;         /* create: must the request validate? */
} sim_op_t;

typedef struct sim {
    const vs_simrun_opts_t *o;
    vs_simnet_t *net;
    vs_rng_t rng;
    vs_history_t *h;
    sim_vpc_t vpcs[VS_SIMRUN_MAX_VPCS];
    size_t nvpc;
    sim_pcx_t *pcx;
    size_t npcx;
    sim_op_t *ops;
    size_t nops;
    int busy[VS_SIMRUN_MAX_CLIENTS];   /* op index + 1 of the client's pending call, 0 idle */
    vs_simrun_result_t *r;
    vs_hbuf_t report;
    char (*reported)[160];             /* invariant violations already counted */
    size_t nreported;
    char (*blamed)[VS_ID_LEN];         /* pcxs whose history goes into the report */
    size_t nblamed;
} sim_t;

/* simrun_view.c */
void vs_simrun__trace(sim_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The pcx object `id` in agent a's model (visible or not), NULL if none. */
vs_pcx_obj_t *vs_simrun__obj(sim_t *s, int agent, const char *id);
/* The VPC as its agent holds it now (ground truth), NULL if none. */
const vs_vpc_t *vs_simrun__vpc(sim_t *s, int agent, const char *vpc_id);
/* Agent index owning VPC id, -1 if no VPC of the cluster has it. */
int vs_simrun__vpc_agent(const sim_t *s, const char *vpc_id);

/* simrun_check.c */
/* After every step: invariants, and (when tracing) the views' changes. */
void vs_simrun__observe(sim_t *s);
/* After settling: views, acknowledged operations, linearizability. */
void vs_simrun__final_checks(sim_t *s, bool settled);

#endif
