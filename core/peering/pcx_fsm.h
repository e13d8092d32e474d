/* pcx_fsm: the VPC peering connection lifecycle as one transition table.
 *
 * Pure and sans-IO: given a state, WHO acts (the actor, resolved from the
 * caller's account and Region by vs_pcx_fsm_actor) and WHAT they do (an
 * API action or a system event), vs_pcx_fsm_step() returns the next state,
 * or the exact AWS error the API call must fail with (reference 4.2). The
 * home agent of a pcx runs every change through it; vs_pcx_fsm_apply()
 * does resolve + step + vs_pcx_set_state() in one call.
 *
 *                 CreateVpcPeeringConnection (REQUESTER)
 *                               |
 *                               v
 *                    +--------------------+  VALIDATION_FAILED
 *                    | initiating-request |------------------------------> failed
 *                    +--------------------+  EXPIRE (168 h) -------------> expired
 *                               | VALIDATED_OK
 *                               v
 *                    +--------------------+  REJECT (ACCEPTER) ----------> rejected
 *     DELETE   +-----| pending-acceptance |  ACCEPTER_CIDR_OVERLAP ------> failed
 *  (REQUESTER) |     +--------------------+  EXPIRE (168 h) -------------> expired
 *              |                | ACCEPT (ACCEPTER)
 *              |                v
 *              |          provisioning --PROVISIONED--> active --MODIFY_*--> active
 *              |                                          |
 *              |                 DELETE (either owner)    |
 *              +--------------------+---------------------+
 *                   intra-Region    |    inter-Region
 *                 +-----------------+-----------------+
 *                 v                                   v
 *              deleted <-------DELETE_DONE-------- deleting
 *
 * Terminal states (failed, rejected, expired, deleted) accept no action;
 * they age out of view (pcx_rules.h, vs_pcx_visible_until).
 *
 * Allowed transitions (everything else is an error):
 *   initiating-request  VALIDATED_OK           SYSTEM            -> pending-acceptance
 *   initiating-request  VALIDATION_FAILED      SYSTEM            -> failed
 *   initiating-request  EXPIRE                 SYSTEM            -> expired
 *   pending-acceptance  ACCEPT                 ACCEPTER, BOTH    -> provisioning
 *   pending-acceptance  REJECT                 ACCEPTER, BOTH    -> rejected
 *   pending-acceptance  DELETE                 REQUESTER, BOTH,
 *                                              SAME_ACCT_WRONG_R -> deleted | deleting (inter-Region)
 *   pending-acceptance  ACCEPTER_CIDR_OVERLAP  SYSTEM            -> failed
 *   pending-acceptance  EXPIRE                 SYSTEM            -> expired
 *   provisioning        PROVISIONED            SYSTEM            -> active
 *   active              DELETE                 any owner         -> deleted | deleting (inter-Region)
 *   active              MODIFY_REQUESTER_OPTS  REQUESTER, BOTH,
 *                                              SAME_ACCT_WRONG_R -> active
 *   active              MODIFY_ACCEPTER_OPTS   ACCEPTER, BOTH    -> active
 *   deleting            DELETE_DONE            SYSTEM            -> deleted
 *
 * Order of checks for an API action (one rule for all, [INF] where AWS is
 * silent): 1. the caller must see the pcx (OTHER -> NotFound);
 * 2. authorization: may this actor ever do this action, from this Region
 * (e.g. the requester accepting -> "User R cannot accept peering pcx-x",
 * whatever the state); 3. the state (no row -> InvalidStateTransition, or
 * "is not active" for modify); 4. the row's actors (the accepter deleting a
 * pending request -> OperationNotPermitted).
 *
 * Error texts (AWS's where known, reference 4.1/4.2):
 *   InvalidVpcPeeringConnectionID.NotFound  The vpcPeeringConnection ID 'pcx-x' does not exist
 *   OperationNotPermitted  User ACCT cannot accept peering pcx-x                       [OBS]
 *   OperationNotPermitted  User ACCT cannot reject peering pcx-x                       [EMU]
 *   OperationNotPermitted  User ACCT cannot delete peering pcx-x                       [INF]
 *   OperationNotPermitted  Incorrect region (R) specified for this request. VPC peering
 *                          connection pcx-x must be accepted in region AR             [OBS]
 *   OperationNotPermitted  ... must be accepted or rejected in region AR  (reject)    [EMU]
 *   OperationNotPermitted  User ACCT does not have permission to modify the accepter
 *                          side peering options                                       [OBS]
 *                          (requester side: same text with "requester")            [INF]
 *   OperationNotPermitted  Peering pcx-x is not active. Peering options can be added
 *                          only to active peerings.                                   [OBS]
 *   InvalidStateTransition Invalid state transition for pcx-x, attempted to transition
 *                          from STATE to TARGET, TARGET = "deleting" for DELETE (even
 *                          intra-Region, as observed) [OBS], "provisioning" for ACCEPT
 *                          and "rejected" for REJECT [INF], the event's target state
 *                          for system events.
 *   InternalError          An internal error has occurred  (a system event by a user
 *                          actor or an API action by SYSTEM: a programming error)
 */
#ifndef VS_PCX_FSM_H
#define VS_PCX_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "awserr.h"
#include "pcx.h"

/* Who acts, as seen from the pcx. */
typedef enum {
    VS_PCX_ACTOR_REQUESTER,   /* requester account, in the requester Region */
    VS_PCX_ACTOR_ACCEPTER,    /* accepter account, in the accepter Region */
    VS_PCX_ACTOR_BOTH,        /* same account and same Region: owns both ends */
    VS_PCX_ACTOR_SAME_ACCOUNT_WRONG_REGION, /* inter-Region pcx within one account,
                                 caller in the requester Region: requester there,
                                 but accept/reject must happen in the accepter Region */
    VS_PCX_ACTOR_OTHER,       /* cannot see the pcx: third account, or an owner in a
                                 Region where it has no view */
    VS_PCX_ACTOR_SYSTEM,      /* timers and agent-to-agent events */
    VS_PCX_ACTOR_COUNT
} vs_pcx_actor_t;

/* What happens. ModifyVpcPeeringConnectionOptions is one action per side
 * it touches (a call setting both sides steps twice, both must pass). The
 * last six are system events (actor SYSTEM only). */
typedef enum {
    VS_PCX_ACT_ACCEPT,
    VS_PCX_ACT_REJECT,
    VS_PCX_ACT_DELETE,
    VS_PCX_ACT_MODIFY_REQUESTER_OPTIONS,
    VS_PCX_ACT_MODIFY_ACCEPTER_OPTIONS,
    VS_PCX_ACT_VALIDATED_OK,           /* accepter agent found its VPC, no overlap */
    VS_PCX_ACT_VALIDATION_FAILED,      /* bad peer VPC/owner/Region, overlap, partition */
    VS_PCX_ACT_ACCEPTER_CIDR_OVERLAP,  /* accepter added an overlapping CIDR (6.1) */
    VS_PCX_ACT_PROVISIONED,            /* provisioning delay elapsed */
    VS_PCX_ACT_EXPIRE,                 /* created + 168 h reached */
    VS_PCX_ACT_DELETE_DONE,            /* inter-Region deleting delay elapsed */
    VS_PCX_ACTION_COUNT
} vs_pcx_action_t;

const char *vs_pcx_actor_name(vs_pcx_actor_t a);    /* "REQUESTER", ... ; "?" */
const char *vs_pcx_action_name(vs_pcx_action_t a);  /* "ACCEPT", ... ; "?" */
bool vs_pcx_action_is_system(vs_pcx_action_t a);

/* Strings the error messages need (borrowed). */
typedef struct {
    const char *pcx_id;
    const char *caller_account;   /* "User <caller_account> cannot ..." */
    const char *caller_region;    /* "Incorrect region (<caller_region>) ..." */
    const char *accepter_region;  /* "... must be accepted in region <accepter_region>" */
} vs_pcx_fsm_ctx_t;

/* The transition function. 0: *next is the new state (equal to `state` for
 * MODIFY_*). -1: err holds the AWS error (code + exact message), *next is
 * untouched. `inter_region` picks deleted vs deleting on DELETE. */
int vs_pcx_fsm_step(vs_pcx_state_t state, vs_pcx_actor_t actor, vs_pcx_action_t action,
                    bool inter_region, const vs_pcx_fsm_ctx_t *ctx, vs_pcx_state_t *next,
                    vs_awserr_t *err);

/* The actor a caller (account acting in region) is for this pcx. */
vs_pcx_actor_t vs_pcx_fsm_actor(const vs_pcx_t *p, const char *account, const char *region);
/* The side an actor acts for: REQUESTER (also SAME_ACCOUNT_WRONG_REGION),
 * ACCEPTER, BOTH, or NONE (OTHER, SYSTEM). It is also the view the caller
 * sees, for vs_pcx_visible_until(). */
vs_pcx_side_t vs_pcx_actor_side(vs_pcx_actor_t a);

/* Resolve the caller's actor, step, and on success move the record with
 * vs_pcx_set_state() (version bumped, message and deleting side set). For
 * MODIFY_* nothing in the record changes: the caller then stores the new
 * options and bumps p->version itself. account/region NULL means SYSTEM.
 * Returns 0 or -1 with err set (record untouched). */
int vs_pcx_fsm_apply(vs_pcx_t *p, const char *account, const char *region,
                     vs_pcx_action_t action, uint64_t now_ms, vs_awserr_t *err);

#endif
