/* history: a record of the operations clients ran against VPC peering
 * connections, and a checker that decides whether each connection's
 * history is linearizable against the AWS state machine (pcx_fsm.h).
 *
 * As in Jepsen, an operation is invoked, then completes with ok (and the
 * state it returned), fail (and the error code) or unknown (the client
 * never heard back: a crash, a timeout). An unknown operation may have
 * taken effect at any point after its invocation, or never. Operations
 * overlapping in time may be ordered any way; one that completed before
 * another was invoked comes first ("real time").
 *
 * The checker runs per pcx, a Wing & Gong search with memoization over
 * (set of linearized operations, abstract state). The abstract state is the
 * pcx state plus one flag: an overlapping CIDR block was added to the
 * accepter VPC while the request was outstanding (after which the request
 * may fail and can no longer be accepted). Between client operations the
 * system events of the state machine may happen (validation, provisioning,
 * expiry at created + 168 h, deleting -> deleted). The search is bounded:
 * past `max_nodes` states the verdict is "too complex", never a hang.
 *
 * Also checked: the final views. After settling, each view's state must be
 * the end state of some linearization, transient states (initiating,
 * provisioning, deleting) must be gone, and a request past its expiry
 * time can no longer be outstanding.
 *
 * Deterministic: explanations name operations by index and times relative
 * to the first operation, never by pointer.
 */
#ifndef VS_HISTORY_H
#define VS_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ids.h"
#include "pcx.h"

typedef enum {
    VS_HOP_CREATE,   /* CreateVpcPeeringConnection (the pcx id is known once it answers) */
    VS_HOP_ACCEPT,
    VS_HOP_REJECT,
    VS_HOP_DELETE,
    VS_HOP_CIDR,     /* AssociateVpcCidrBlock on a VPC of the pcx */
    VS_HOP_CLOCK,    /* the clock moved forward (shown in explanations only) */
    VS_HOP_KIND_COUNT
} vs_hop_kind_t;

typedef enum {
    VS_HOUT_PENDING,  /* not completed yet: checked as unknown */
    VS_HOUT_OK,
    VS_HOUT_FAIL,
    VS_HOUT_UNKNOWN
} vs_hout_t;

/* What the recorder knew, at create time, about whether the request can
 * pass validation (peer VPC exists there, Regions peerable, no overlap). */
typedef enum {
    VS_HVALID_ANY,   /* no idea: validation may go either way */
    VS_HVALID_YES,   /* must validate, unless an overlapping block is added to the accepter */
    VS_HVALID_NO     /* must fail validation */
} vs_hvalid_t;

typedef enum { VS_HCHECK_OK, VS_HCHECK_VIOLATION, VS_HCHECK_TOO_COMPLEX } vs_hcheck_t;

/* Default bound of the search, in distinct states per pcx. */
#define VS_HISTORY_MAX_NODES 200000
/* Operations per pcx the checker accepts; more is "too complex". */
#define VS_HISTORY_MAX_PCX_OPS 256

typedef struct vs_history vs_history_t;

vs_history_t *vs_history_new(void);
void vs_history_destroy(vs_history_t **h);

/* --- recording ------------------------------------------------------------------ */

/* Declares a pcx and its two ends (strings copied). Calling it again for
 * the same id does nothing. 0 ok, -1 on OOM or bad arguments. */
int vs_history_pcx(vs_history_t *h, const char *pcx_id, const char *req_account,
                   const char *req_region, const char *req_vpc, const char *acc_account,
                   const char *acc_region, const char *acc_vpc, vs_hvalid_t valid);

/* An invocation by `client`, acting as account in region at now_ms.
 * pcx_id: the target of accept/reject/delete (NULL for create, cidr and
 * clock). detail: free text for explanations (the VPC pair of a create,
 * the block of a cidr change, the amount of a clock step; may be NULL).
 * Returns the op index (>= 0), or -1 on OOM. */
int vs_history_invoke(vs_history_t *h, int client, vs_hop_kind_t kind, const char *pcx_id,
                      const char *account, const char *region, uint64_t now_ms,
                      const char *detail);
/* A cidr change: the VPC it changes, and each VPC whose blocks the new
 * block overlaps (call once per VPC). */
void vs_history_cidr_vpc(vs_history_t *h, int op, const char *vpc_id);
void vs_history_cidr_overlaps(vs_history_t *h, int op, const char *vpc_id);
/* A create's answer named this pcx. */
void vs_history_set_pcx(vs_history_t *h, int op, const char *pcx_id);
/* Completion. value: OK -> the state the call returned (NULL if it
 * returns none), FAIL -> the error code; ignored for UNKNOWN. Completing
 * an op twice keeps the first completion. */
void vs_history_complete(vs_history_t *h, int op, vs_hout_t outcome, uint64_t now_ms,
                         const char *value);

/* The views at the end: each side's state as its agent holds it (NULL:
 * that side holds no view, nothing to check). */
void vs_history_final(vs_history_t *h, const char *pcx_id, const char *req_state,
                      const char *acc_state);
/* The end of the run. `settled`: every message was delivered and the
 * transient states had time to finish, so the final-view rules apply. */
void vs_history_end(vs_history_t *h, uint64_t now_ms, bool settled);

/* --- reading ---------------------------------------------------------------------- */

size_t vs_history_ops(const vs_history_t *h);
size_t vs_history_pcx_count(const vs_history_t *h);
const char *vs_history_pcx_id(const vs_history_t *h, size_t i);   /* declaration order */
vs_hout_t vs_history_outcome(const vs_history_t *h, int op);

/* The lines of one pcx's history (malloc'd; caller frees), or of every
 * operation if pcx_id is NULL. */
char *vs_history_format(const vs_history_t *h, const char *pcx_id);

/* --- checking -------------------------------------------------------------------- */

/* One pcx. *why (malloc'd, caller frees; may be NULL) explains a
 * violation or why the search gave up. max_nodes 0 = the default. */
vs_hcheck_t vs_history_check_pcx(const vs_history_t *h, const char *pcx_id, size_t max_nodes,
                                 char **why);

typedef struct {
    size_t checked;            /* pcxs checked */
    size_t violations;         /* pcxs not linearizable */
    size_t too_complex;        /* pcxs the search gave up on */
    char first_pcx[VS_ID_LEN]; /* the first violating pcx ("" if none) */
    char *explanation;         /* every violation and give-up, malloc'd; NULL if none */
} vs_history_verdict_t;

/* Every declared pcx, in declaration order. Returns VIOLATION if any pcx
 * violates, else TOO_COMPLEX if any was too complex, else OK. Free the
 * explanation with vs_history_verdict_free. */
vs_hcheck_t vs_history_check(const vs_history_t *h, size_t max_nodes, vs_history_verdict_t *out);
void vs_history_verdict_free(vs_history_verdict_t *v);

const char *vs_hop_kind_name(vs_hop_kind_t k);   /* "create", ...; "?" */

#endif
