/* pcx_fsm: the VPC peering lifecycle table and its transition function. */
#include "pcx_fsm.h"

#include <string.h>

/* The errors the machine can answer with. */
typedef enum {
    E_NONE,
    E_NOT_FOUND,
    E_CANNOT_ACCEPT,
    E_CANNOT_REJECT,
    E_CANNOT_DELETE,
    E_REGION_ACCEPT,
    E_REGION_REJECT,
    E_MODIFY_REQUESTER_SIDE,
    E_MODIFY_ACCEPTER_SIDE,
    E_NOT_ACTIVE,
    E_STATE,
    E_INTERNAL
} s_err_t;

#define A(x) (1u << VS_PCX_ACTOR_##x)
#define REQ_VIEW (A(REQUESTER) | A(BOTH) | A(SAME_ACCOUNT_WRONG_REGION))
#define ACC_VIEW (A(ACCEPTER) | A(BOTH))
#define OWNERS (REQ_VIEW | A(ACCEPTER))

static const char *const s_actor_names[VS_PCX_ACTOR_COUNT] = {
    "REQUESTER", "ACCEPTER", "BOTH", "SAME_ACCOUNT_WRONG_REGION", "OTHER", "SYSTEM",
};

/* Per action: its name, the target word of its InvalidStateTransition
 * message, whether it is a system event, the error for a state without a
 * row, and (authorization) the error for each actor that may never do it. */
typedef struct {
    const char *name;
    vs_pcx_state_t target;
    bool system;
    s_err_t state_err;
    s_err_t deny[VS_PCX_ACTOR_COUNT];
} s_action_t;

#define S_USER(deny_req, deny_acc, deny_sawr) \
    false, E_STATE, { [VS_PCX_ACTOR_REQUESTER] = deny_req, [VS_PCX_ACTOR_ACCEPTER] = deny_acc, \
                      [VS_PCX_ACTOR_SAME_ACCOUNT_WRONG_REGION] = deny_sawr }
#define S_SYS true, E_STATE, { E_NONE }

static const s_action_t s_actions[VS_PCX_ACTION_COUNT] = {
    [VS_PCX_ACT_ACCEPT] = { "ACCEPT", VS_PCX_PROVISIONING,
                            S_USER(E_CANNOT_ACCEPT, E_NONE, E_REGION_ACCEPT) },
    [VS_PCX_ACT_REJECT] = { "REJECT", VS_PCX_REJECTED,
                            S_USER(E_CANNOT_REJECT, E_NONE, E_REGION_REJECT) },
    [VS_PCX_ACT_DELETE] = { "DELETE", VS_PCX_DELETING, S_USER(E_NONE, E_NONE, E_NONE) },
    [VS_PCX_ACT_MODIFY_REQUESTER_OPTIONS] = { "MODIFY_REQUESTER_OPTIONS", VS_PCX_ACTIVE,
                            S_USER(E_NONE, E_MODIFY_REQUESTER_SIDE, E_NONE) },
    [VS_PCX_ACT_MODIFY_ACCEPTER_OPTIONS] = { "MODIFY_ACCEPTER_OPTIONS", VS_PCX_ACTIVE,
                            S_USER(E_MODIFY_ACCEPTER_SIDE, E_NONE, E_MODIFY_ACCEPTER_SIDE) },
    [VS_PCX_ACT_VALIDATED_OK] = { "VALIDATED_OK", VS_PCX_PENDING_ACCEPTANCE, S_SYS },
    [VS_PCX_ACT_VALIDATION_FAILED] = { "VALIDATION_FAILED", VS_PCX_FAILED, S_SYS },
    [VS_PCX_ACT_ACCEPTER_CIDR_OVERLAP] = { "ACCEPTER_CIDR_OVERLAP", VS_PCX_FAILED, S_SYS },
    [VS_PCX_ACT_PROVISIONED] = { "PROVISIONED", VS_PCX_ACTIVE, S_SYS },
    [VS_PCX_ACT_EXPIRE] = { "EXPIRE", VS_PCX_EXPIRED, S_SYS },
    [VS_PCX_ACT_DELETE_DONE] = { "DELETE_DONE", VS_PCX_DELETED, S_SYS },
};

/* The allowed transitions: (state, action) -> next, for these actors;
 * another actor gets `deny`. */
typedef struct {
    vs_pcx_state_t from;
    vs_pcx_action_t action;
    unsigned actors;
    s_err_t deny;
    vs_pcx_state_t next_intra;   /* same Region */
    vs_pcx_state_t next_inter;   /* inter-Region */
} s_row_t;

static const s_row_t s_rows[] = {
    { VS_PCX_INITIATING_REQUEST, VS_PCX_ACT_VALIDATED_OK, A(SYSTEM), E_INTERNAL,
      VS_PCX_PENDING_ACCEPTANCE, VS_PCX_PENDING_ACCEPTANCE },
    { VS_PCX_INITIATING_REQUEST, VS_PCX_ACT_VALIDATION_FAILED, A(SYSTEM), E_INTERNAL,
      VS_PCX_FAILED, VS_PCX_FAILED },
    { VS_PCX_INITIATING_REQUEST, VS_PCX_ACT_EXPIRE, A(SYSTEM), E_INTERNAL,
      VS_PCX_EXPIRED, VS_PCX_EXPIRED },
    { VS_PCX_PENDING_ACCEPTANCE, VS_PCX_ACT_ACCEPT, ACC_VIEW, E_CANNOT_ACCEPT,
      VS_PCX_PROVISIONING, VS_PCX_PROVISIONING },
    { VS_PCX_PENDING_ACCEPTANCE, VS_PCX_ACT_REJECT, ACC_VIEW, E_CANNOT_REJECT,
      VS_PCX_REJECTED, VS_PCX_REJECTED },
    { VS_PCX_PENDING_ACCEPTANCE, VS_PCX_ACT_DELETE, REQ_VIEW, E_CANNOT_DELETE,
      VS_PCX_DELETED, VS_PCX_DELETING },
    { VS_PCX_PENDING_ACCEPTANCE, VS_PCX_ACT_ACCEPTER_CIDR_OVERLAP, A(SYSTEM), E_INTERNAL,
      VS_PCX_FAILED, VS_PCX_FAILED },
    { VS_PCX_PENDING_ACCEPTANCE, VS_PCX_ACT_EXPIRE, A(SYSTEM), E_INTERNAL,
      VS_PCX_EXPIRED, VS_PCX_EXPIRED },
    { VS_PCX_PROVISIONING, VS_PCX_ACT_PROVISIONED, A(SYSTEM), E_INTERNAL,
      VS_PCX_ACTIVE, VS_PCX_ACTIVE },
    { VS_PCX_ACTIVE, VS_PCX_ACT_DELETE, OWNERS, E_CANNOT_DELETE,
      VS_PCX_DELETED, VS_PCX_DELETING },
    { VS_PCX_ACTIVE, VS_PCX_ACT_MODIFY_REQUESTER_OPTIONS, REQ_VIEW, E_MODIFY_REQUESTER_SIDE,
      VS_PCX_ACTIVE, VS_PCX_ACTIVE },
    { VS_PCX_ACTIVE, VS_PCX_ACT_MODIFY_ACCEPTER_OPTIONS, ACC_VIEW, E_MODIFY_ACCEPTER_SIDE,
      VS_PCX_ACTIVE, VS_PCX_ACTIVE },
    { VS_PCX_DELETING, VS_PCX_ACT_DELETE_DONE, A(SYSTEM), E_INTERNAL,
      VS_PCX_DELETED, VS_PCX_DELETED },
};

const char *vs_pcx_actor_name(vs_pcx_actor_t a)
{
    return (unsigned)a < VS_PCX_ACTOR_COUNT ? s_actor_names[a] : "?";
}

const char *vs_pcx_action_name(vs_pcx_action_t a)
{
    return (unsigned)a < VS_PCX_ACTION_COUNT ? s_actions[a].name : "?";
}

bool vs_pcx_action_is_system(vs_pcx_action_t a)
{
    return (unsigned)a < VS_PCX_ACTION_COUNT && s_actions[a].system;
}

static const char *s_or(const char *s, const char *dflt) { return s ? s : dflt; }

static int s_error(s_err_t e, vs_pcx_state_t from, vs_pcx_action_t action,
                   const vs_pcx_fsm_ctx_t *ctx, vs_awserr_t *err)
{
    const char *id = s_or(ctx ? ctx->pcx_id : NULL, "?");
    const char *user = s_or(ctx ? ctx->caller_account : NULL, "?");
    const char *region = s_or(ctx ? ctx->caller_region : NULL, "?");
    const char *acc_region = s_or(ctx ? ctx->accepter_region : NULL, "?");
    const char *ONP = "OperationNotPermitted";
    switch (e) {
    case E_NOT_FOUND:
        return vs_awserr_set(err, "InvalidVpcPeeringConnectionID.NotFound",
                             "The vpcPeeringConnection ID '%s' does not exist", id);
    case E_CANNOT_ACCEPT:
        return vs_awserr_set(err, ONP, "User %s cannot accept peering %s", user, id);
    case E_CANNOT_REJECT:
        return vs_awserr_set(err, ONP, "User %s cannot reject peering %s", user, id);
    case E_CANNOT_DELETE:
        return vs_awserr_set(err, ONP, "User %s cannot delete peering %s", user, id);
    case E_REGION_ACCEPT:
    case E_REGION_REJECT:
        return vs_awserr_set(err, ONP,
                             "Incorrect region (%s) specified for this request. VPC peering "
                             "connection %s must be %s in region %s",
                             region, id,
                             e == E_REGION_ACCEPT ? "accepted" : "accepted or rejected",
                             acc_region);
    case E_MODIFY_REQUESTER_SIDE:
    case E_MODIFY_ACCEPTER_SIDE:
        return vs_awserr_set(err, ONP,
                             "User %s does not have permission to modify the %s side "
                             "peering options",
                             user, e == E_MODIFY_ACCEPTER_SIDE ? "accepter" : "requester");
    case E_NOT_ACTIVE:
        return vs_awserr_set(err, ONP,
                             "Peering %s is not active. Peering options can be added only "
                             "to active peerings.",
                             id);
    case E_STATE:
        return vs_awserr_set(err, "InvalidStateTransition",
                             "Invalid state transition for %s, attempted to transition "
                             "from %s to %s",
                             id, vs_pcx_state_name(from),
                             vs_pcx_state_name(s_actions[action].target));
    case E_NONE:
    case E_INTERNAL:
    default:
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    }
}

int vs_pcx_fsm_step(vs_pcx_state_t state, vs_pcx_actor_t actor, vs_pcx_action_t action,
                    bool inter_region, const vs_pcx_fsm_ctx_t *ctx, vs_pcx_state_t *next,
                    vs_awserr_t *err)
{
    if ((unsigned)state >= VS_PCX_STATE_COUNT || (unsigned)actor >= VS_PCX_ACTOR_COUNT ||
        (unsigned)action >= VS_PCX_ACTION_COUNT)
        return s_error(E_INTERNAL, state, action, ctx, err);
    const s_action_t *act = &s_actions[action];

    /* 1. Who may take part at all: system events come only from SYSTEM,
     * API actions never do; a caller without a view sees nothing. */
    if (act->system != (actor == VS_PCX_ACTOR_SYSTEM))
        return s_error(E_INTERNAL, state, action, ctx, err);
    if (actor == VS_PCX_ACTOR_OTHER)
        return s_error(E_NOT_FOUND, state, action, ctx, err);

    /* 2. Authorization that does not depend on the state. */
    if (act->deny[actor] != E_NONE)
        return s_error(act->deny[actor], state, action, ctx, err);

    /* 3. The state. */
    const s_row_t *row = NULL;
    for (size_t i = 0; i < sizeof s_rows / sizeof s_rows[0]; i++) {
        if (s_rows[i].from == state && s_rows[i].action == action) {
            row = &s_rows[i];
            break;
        }
    }
    if (!row) {
        bool modify = action == VS_PCX_ACT_MODIFY_REQUESTER_OPTIONS ||
                      action == VS_PCX_ACT_MODIFY_ACCEPTER_OPTIONS;
        return s_error(modify ? E_NOT_ACTIVE : act->state_err, state, action, ctx, err);
    }

    /* 4. Who may do it in this state. */
    if (!(row->actors & (1u << actor)))
        return s_error(row->deny, state, action, ctx, err);

    if (next)
        *next = inter_region ? row->next_inter : row->next_intra;
    return 0;
}

static bool s_eq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

vs_pcx_actor_t vs_pcx_fsm_actor(const vs_pcx_t *p, const char *account, const char *region)
{
    bool req = s_eq(account, p->requester.account) && s_eq(region, p->requester.region);
    bool acc = s_eq(account, p->accepter.account) && s_eq(region, p->accepter.region);
    if (req && acc)
        return VS_PCX_ACTOR_BOTH;
    if (acc)
        return VS_PCX_ACTOR_ACCEPTER;
    if (req)
        return s_eq(account, p->accepter.account) ? VS_PCX_ACTOR_SAME_ACCOUNT_WRONG_REGION
                                                  : VS_PCX_ACTOR_REQUESTER;
    return VS_PCX_ACTOR_OTHER;
}

vs_pcx_side_t vs_pcx_actor_side(vs_pcx_actor_t a)
{
    switch (a) {
    case VS_PCX_ACTOR_REQUESTER:
    case VS_PCX_ACTOR_SAME_ACCOUNT_WRONG_REGION:
        return VS_PCX_SIDE_REQUESTER;
    case VS_PCX_ACTOR_ACCEPTER:
        return VS_PCX_SIDE_ACCEPTER;
    case VS_PCX_ACTOR_BOTH:
        return VS_PCX_SIDE_BOTH;
    default:
        return VS_PCX_SIDE_NONE;
    }
}

int vs_pcx_fsm_apply(vs_pcx_t *p, const char *account, const char *region,
                     vs_pcx_action_t action, uint64_t now_ms, vs_awserr_t *err)
{
    vs_pcx_actor_t actor = (!account && !region) ? VS_PCX_ACTOR_SYSTEM
                                                 : vs_pcx_fsm_actor(p, account, region);
    vs_pcx_fsm_ctx_t ctx = { p->id, account, region, p->accepter.region };
    vs_pcx_state_t next = p->state;   /* GCC -O2 cannot see the step sets it */
    if (vs_pcx_fsm_step(p->state, actor, action, p->inter_region, &ctx, &next, err) < 0)
        return -1;
    if (action == VS_PCX_ACT_MODIFY_REQUESTER_OPTIONS ||
        action == VS_PCX_ACT_MODIFY_ACCEPTER_OPTIONS)
        return 0;
    vs_pcx_set_state(p, next, vs_pcx_actor_side(actor), now_ms);
    return 0;
}
