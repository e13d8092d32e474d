/* insights: the Reachability Analyzer inside the agent model. Shared by
 * ec2_insights.c (paths, analyses, the API actions, the timeout) and
 * reach_proto.c (the messages that carry an analysis across agents, and
 * the agent's sealing keys). The packet walk itself is reach.h.
 *
 * An analysis whose destination lies in a VPC of another agent waits for
 * that agent: the source sends a Probe (to the peer VPC's ARN), the other
 * agent answers with a ProbeResult, and the analysis completes. Across
 * Regions both go sealed (reach_seal.h); the first contact between two
 * agents exchanges their public keys in clear (ReachKey). An analysis that
 * gets no answer within VS_NIA_TIMEOUT_MS fails.
 *
 * Layering: reach_proto.c (messages) sits below ec2_insights.c (analyses
 * and actions): it never changes an analysis's outcome itself but returns
 * a vs_insights_outcome_t that ec2_insights.c applies.
 */
#ifndef VS_INSIGHTS_H
#define VS_INSIGHTS_H

#include "network.h"
#include "reach.h"
#include "reach_seal.h"

#define VS_NIA_TIMEOUT_MS (30 * VS_SECOND_MS)

/* A path: what to analyse. */
typedef struct vs_nip {
    vs_obj_t base;                     /* nip-... */
    char source[VS_ID_LEN];            /* i-... or eni-... */
    char destination[VS_ID_LEN];       /* i-... or eni-...; "" = by address */
    bool has_src_ip, has_dst_ip;
    vs_ip_t src_ip, dst_ip;
    int proto;                         /* 6 or 17 */
    int port;                          /* -1: none */
    uint64_t created_ms;
    char client_token[65];
} vs_nip_t;

enum { VS_NIA_RUNNING, VS_NIA_SUCCEEDED, VS_NIA_FAILED };
enum { VS_NIA_WAIT_NONE, VS_NIA_WAIT_KEY, VS_NIA_WAIT_RESULT };

/* An analysis of a path. */
typedef struct vs_nia {
    vs_obj_t base;                     /* nia-... */
    char path_id[VS_ID_LEN];
    uint64_t start_ms;
    int status;                        /* VS_NIA_* */
    char status_msg[320];
    char warning[320];
    bool found;
    vs_json_t *fwd, *ret, *expl;       /* the result (numbered components) */
    /* While waiting for the agent that owns the peer VPC: */
    int wait;                          /* VS_NIA_WAIT_* */
    char peer_account[VS_ACCOUNT_LEN];
    char peer_region[VS_REGION_LEN];
    char peer_vpc[VS_ID_LEN];
    bool sealed;                       /* inter-Region: messages go sealed */
    vs_json_t *probe;                  /* the Probe body (plaintext, own store only) */
    vs_json_t *fwd_head, *ret_tail;    /* the source's side of the path */
    uint64_t msg_id;                   /* the Probe (or ReachKey) last sent */
} vs_nia_t;

extern const vs_kind_t vs_kind_nip;
extern const vs_kind_t vs_kind_nia;
extern const vs_kind_t vs_kind_reachkey;
extern const vs_module_t vs_module_insights;

/* --- reach_proto.c ------------------------------------------------------------------ */

/* Sends a's probe to the peer agent: in clear within a Region; sealed
 * across Regions, after a key exchange if the peer's key is unknown. Sets
 * a->wait and a->msg_id. */
void vs_insights__send_probe(vs_model_t *m, vs_nia_t *a);

/* What a peer message or an undeliverable notice means for a waiting
 * analysis: nothing (nia NULL), its completion with the destination's
 * verdict, or its failure. */
typedef struct vs_insights_outcome {
    vs_nia_t *nia;             /* borrowed; NULL: no analysis changes */
    bool complete;             /* true: complete with part; false: fail with msg */
    vs_reach_part_t part;      /* complete: owned by the outcome's receiver */
    char msg[320];             /* fail: the StatusMessage */
} vs_insights_outcome_t;

/* The module's peer handlers (return as vs_module_t.on_peer); *out is
 * zeroed first. */
int vs_insights__on_peer(vs_model_t *m, const char *from_account, const char *from_region,
                         const uint8_t *payload, size_t len, vs_insights_outcome_t *out);
void vs_insights__on_undeliverable(vs_model_t *m, uint64_t msg_id, bool no_such_agent,
                                   vs_insights_outcome_t *out);

#endif
