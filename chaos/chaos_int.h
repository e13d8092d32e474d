/* chaos_int: what the parts of `vpcsim chaos run` share (chaos.c runs the
 * phases, chaos_plan.c makes the seeded plan, chaos_drive.c executes it,
 * chaos_check.c waits for convergence and judges the outcome).
 *
 * Two times matter. Real time (monotonic seconds since the run started)
 * orders the operations. Simulated time (the broker's clock, ms since the
 * epoch) decides expiry; the run only knows it within bounds, because an
 * advance-clock in flight may or may not have happened yet, so each
 * invocation is stamped with the earliest simulated time it can have
 * happened at and each completion with the latest.
 */
#ifndef CLI_CHAOS_INT_H
#define CLI_CHAOS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chaos_client.h"
#include "chaos_proc.h"
#include "history.h"
#include "json.h"

#define CH_MAX_ACCOUNTS 9
#define CH_MAX_REGIONS 8
#define CH_MAX_PARTIES (CH_MAX_ACCOUNTS * CH_MAX_REGIONS)
#define CH_MAX_CLIENTS 64
#define CH_MAX_OPERATIONS 100000
#define CH_VPCS_PER_PARTY 3
#define CH_CIDR_LEN 24
/* The peer VPC of requests that must fail: well formed, owned by nobody. */
#define CH_BOGUS_VPC "vpc-0bad0000000000000"
/* Views must stay the same this long to count as converged: longer than
 * the agents' longest resend backoff (8 s), so no message is still due. */
#define CH_STABLE_S 9.0
/* advance-clock steps this long (s) are sent with nothing else in flight. */
#define CH_BIG_JUMP_S 86400

/* --- options ------------------------------------------------------------------ */

typedef struct {
    uint64_t seed;
    int operations;
    int accounts, regions, clients;
    bool kill_agents, kill_broker, keep;
    bool print_history;               /* every operation to stderr at the end */
    bool faults;                      /* --faults given */
    double drop, duplicate, reorder;  /* probabilities */
    int delay_min_ms, delay_max_ms;   /* 0-0: no delay */
    double call_timeout_s;            /* one API call */
    double converge_timeout_s;        /* the convergence wait */
} ch_opts_t;

/* --- the plan (seeded, pure) ------------------------------------------------- */

typedef struct {
    char account[16];
    char region[32];
} ch_party_t;

typedef struct {
    int party;
    char cidr[CH_CIDR_LEN];   /* primary block */
    int twin;                 /* the VPC whose primary block this one repeats, or -1 */
} ch_vpc_plan_t;

typedef enum {
    CH_CREATE_PCX,
    CH_ACCEPT,
    CH_REJECT,
    CH_DELETE,
    CH_ASSOC_CIDR,
    CH_ADVANCE_CLOCK,
    CH_KIND_COUNT
} ch_kind_t;

typedef struct {
    ch_kind_t kind;
    int client;               /* which client issues it */
    int party;                /* the caller (account, Region) */
    int vpc, peer;            /* create: requester and accepter VPC (peer -1: a VPC that
                                 does not exist); assoc: the VPC */
    int peer_party;           /* create: the accepter's party */
    int reverse_of;           /* create: the create whose request this one reverses, or -1 */
    int target;               /* accept/reject/delete: the op index of the create whose
                                 pcx it acts on */
    int overlaps;             /* assoc: the VPC whose primary block it overlaps, or -1 */
    char cidr[CH_CIDR_LEN];   /* assoc: the block */
    int64_t seconds;          /* advance-clock */
    bool with_next;           /* sent together with the next op: a deliberate race */
} ch_op_t;

typedef enum { CH_EV_KILL_AGENT, CH_EV_KILL_BROKER } ch_ev_kind_t;

/* A process kill, before op `at` is sent; restarted after down_ms. */
typedef struct {
    ch_ev_kind_t kind;
    int at;
    int agent;
    int down_ms;
} ch_event_t;

typedef struct {
    ch_party_t parties[CH_MAX_PARTIES];
    int nparties;
    ch_vpc_plan_t *vpcs;
    int nvpcs;
    ch_op_t *ops;
    int nops;
    ch_event_t *events;
    int nevents;
} ch_plan_t;

/* Builds the plan of a run from the options alone (the seed decides
 * everything). 0, or -1 on OOM. */
int ch_plan_make(const ch_opts_t *o, ch_plan_t *p);
void ch_plan_free(ch_plan_t *p);
/* Do these two blocks overlap? Text in a.b.c.d/n form; false if malformed. */
bool ch_cidr_overlap(const char *a, const char *b);
const char *ch_kind_name(ch_kind_t k);

/* --- the run ------------------------------------------------------------------ */

typedef enum { CH_ST_WAITING, CH_ST_INFLIGHT, CH_ST_OK, CH_ST_FAIL, CH_ST_UNKNOWN,
               CH_ST_SKIPPED } ch_state_t;

/* What happened to one planned op. */
typedef struct {
    ch_state_t st;
    double t_inv, t_ret;            /* real seconds since the run started */
    uint64_t sim_inv, sim_ret;      /* simulated ms: earliest invoke, latest return */
    char pcx[32];                   /* the pcx acted on / created */
    char value[64];                 /* OK: returned Status.Code; FAIL: error code */
    char detail[160];               /* FAIL: message; UNKNOWN: why */
    int hop;                        /* index in the history, -1 if not recorded */
    vs_hvalid_t valid;              /* create: may the request validate, as known at invoke */
} ch_rec_t;

typedef struct {
    char id[32];
    bool ok;                        /* created and acknowledged */
} ch_vpc_rec_t;

typedef struct {
    uint64_t ok, fail, unknown, skipped;
    uint64_t agent_kills, broker_kills;
} ch_counts_t;

typedef struct ch_run {
    ch_opts_t opt;
    ch_plan_t plan;
    ch_rec_t *recs;                 /* one per plan op */
    ch_vpc_rec_t *vpcs;             /* one per plan VPC */
    ch_cluster_t *cluster;
    ch_client_t *client;
    vs_history_t *hist;
    ch_counts_t counts;
    double t0;                      /* monotonic seconds at start */
    /* simulated clock estimate */
    uint64_t sim_base_ms;           /* the broker's clock at t_base */
    double t_base;
    int64_t sim_pending_ms;         /* advances in flight (may have happened) */
    /* faults counters (describe-faults), for the progress bar and the
     * report: the broker counts from its start, so the counts of brokers
     * that were killed are kept in f_base[] */
    uint64_t f_dropped, f_duplicated, f_delayed, f_reordered;
    uint64_t f_base[4];
    bool faults_counted;
    bool big_jump_inflight;         /* a CH_BIG_JUMP_S step is in flight */
    bool clock_resync;              /* ask the broker for its clock again */
    /* ch_call_sync's one call */
    uint64_t sync_seq;
    bool sync_done;
    ch_call_outcome_t sync_outcome;
    vs_json_t *sync_out;
    char sync_code[96];
    /* process restarts due (real seconds since start; 0 = none) */
    double broker_up_at;
    double *agent_up_at;
    bool faults_set;                /* set-faults was applied (re-applied after a broker restart) */
    /* progress */
    bool tty;
    int last_decile;
    double last_draw;
    volatile int *interrupted;      /* set by SIGINT/SIGTERM */
} ch_run_t;

/* Tags of calls that are not plan operations (plan ops use their index). */
#define CH_TAG_VPC    (1ull << 60)    /* | VPC index */
#define CH_TAG_SYNC   (2ull << 60)    /* | sequence */
#define CH_TAG_FAULTS (3ull << 60)
#define CH_TAG_CLOCK  (4ull << 60)
#define CH_TAG_KIND(t) ((t) & (15ull << 60))

double ch_mono(void);                              /* monotonic seconds (chaos_clock.c) */
double ch_now(const ch_run_t *r);                  /* real seconds since start */
uint64_t ch_sim_low(const ch_run_t *r);            /* earliest possible simulated ms now */
uint64_t ch_sim_high(const ch_run_t *r);           /* latest possible simulated ms now */

/* Sends one call and waits for it (other calls keep being served): a
 * synchronous call over the run's async client. Returns the outcome; on OK
 * *out (if given) is a clone of the output the caller frees. */
ch_call_outcome_t ch_call_sync(ch_run_t *r, const char *account, const char *region,
                               const char *action, const char *input, const char *admin_op,
                               int64_t seconds, double timeout_s, vs_json_t **out, char *code,
                               size_t codelen);

/* The client's callback (chaos_drive.c); ctx is the run. */
void ch_on_call_done(void *ctx, uint64_t tag, const ch_call_result_t *res);
/* Takes the broker's clock document as the new simulated time base. */
void ch_adopt_clock(ch_run_t *r, const vs_json_t *clock_doc);
/* Declares the pcx that create op `op` made to the history. */
void ch_declare_pcx(ch_run_t *r, int op, const char *pcx, vs_hvalid_t valid);
/* The set-faults arguments of the options (malloc'd JSON; chaos.c). */
char *ch_faults_args(const ch_opts_t *o);

/* chaos_drive.c: creates the VPCs (0, or -1 with err), then runs the plan's
 * operations with faults and kills, recording the history. */
int ch_create_vpcs(ch_run_t *r, char *err, size_t errlen);
void ch_drive(ch_run_t *r);
/* Updates the progress line on stderr (throttled unless force). */
void ch_progress(ch_run_t *r, bool force);

/* chaos_check.c: the verdict. */
typedef struct {
    uint64_t lost_acknowledged;
    uint64_t diverged_views;
    uint64_t invariant_violations;
    uint64_t linearizability_violations;
    uint64_t too_complex;
    uint64_t pcx_count;
    double convergence_seconds;
    bool converged;
    vs_json_t *problems;            /* [{"Kind", "PcxId"/"VpcId", "Detail"}] */
    char **bad_pcx;                 /* pcxs whose history goes to stderr */
    size_t nbad;
} ch_verdict_t;

/* Heals (faults off, partitions healed, every process running and online),
 * waits for convergence and runs every check. -1 with err if the cluster
 * could not be brought back at all. */
int ch_check(ch_run_t *r, ch_verdict_t *v, char *err, size_t errlen);
void ch_verdict_free(ch_verdict_t *v);

#endif
