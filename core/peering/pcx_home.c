/* pcx_home: every decision the home of a peering connection makes (see
 * pcx_model.h and docs/peering-protocol.md): user operations judged by the
 * state machine plus the rules beyond it, lifecycle events, the accepter's
 * CIDRs, and validation that needs no other agent. pcx_proto.c carries the
 * messages that lead here. */
#include <stdio.h>

#include "idmap.h"
#include "pcx_model.h"

static bool s_counts_active(const vs_pcx_obj_t *x)
{
    return x->rec.state == VS_PCX_ACTIVE || x->rec.state == VS_PCX_PROVISIONING;
}

size_t vs_pcx__active_of(const vs_model_t *m, const char *vpc_id)
{
    vs_pcx_obj_t *const *list;
    size_t n = vs_pcx__of_vpc(m, vpc_id, &list), active = 0;
    for (size_t i = 0; i < n; i++)
        active += s_counts_active(list[i]);
    return active;
}

/* Rules of accept beyond the state machine (reference 4.2, 6.2, 6.5).
 * Every accept runs this over all the requester VPC's connections, so it
 * is one pass that also counts that VPC's active ones (the quota), and
 * the index's peer keys rule out the other pairs before any VPC ID is
 * compared (strcmp was ~5% of a requester agent when this took three
 * passes of string compares). */
static int s_accept_rules(const vs_model_t *m, const vs_pcx_obj_t *o, vs_awserr_t *err)
{
    const char *req_vpc = o->rec.requester.vpc_id, *acc_vpc = o->rec.accepter.vpc_id;
    vs_pcx_obj_t *const *list;
    const uint64_t *peer;
    size_t n = vs_pcx__of_vpc_keyed(m, req_vpc, &list, &peer), req_active = 0;
    uint64_t acc_key = vs_idmap_hash(acc_vpc);
    for (size_t i = 0; i < n; i++) {
        /* Any pcx joining the same pair involves our requester VPC, with
         * the accepter VPC at its other end. */
        const vs_pcx_obj_t *x = list[i];
        bool active = s_counts_active(x);
        req_active += active;
        /* x's own accept may be undecided at its home, another agent: the
         * two homes accepting at once would both succeed (found by
         * `vpcsim simulate`), so an accept forwarded from here blocks. */
        if (peer[i] == acc_key && x != o && (active || x->accept_inflight) &&
            vs_pcx_joins(&x->rec, req_vpc, acc_vpc))
            return vs_awserr_set(err, "VpcPeeringConnectionAlreadyExists",
                                 "The vpc peering connection identified by %s already exists.",
                                 o->rec.id);
    }
    size_t max = (size_t)vs_model__cfg(m)->max_active_pcx_per_vpc;
    bool acc_local = o->side == VS_PCX_SIDE_BOTH;
    if (req_active >= max || (acc_local && vs_pcx__active_of(m, acc_vpc) >= max))
        return vs_awserr_set(err, "ActiveVpcPeeringConnectionPerVpcLimitExceeded",
                             "You've reached the limit on the number of active VPC peering "
                             "connections you can have for the specified VPC.");
    return 0;
}

/* A lifecycle event already due (expiry at 168 h, provisioning -> active,
 * deleting -> deleted) happened before any operation that reaches the home
 * at or after its time, even if its timer has not run yet: the decision
 * must not depend on which of the two the event loop sees first. */
void vs_pcx__catch_up(vs_model_t *m, vs_pcx_obj_t *o)
{
    vs_pcx_action_t ev;
    uint64_t at;
    vs_awserr_t err;
    if (vs_pcx_next_event(&o->rec, &ev, &at) && at <= vs_model__now(m))
        vs_pcx__home_act(m, o, NULL, NULL, ev, NULL, NULL, &err);
}

int vs_pcx__home_act(vs_model_t *m, vs_pcx_obj_t *o, const char *account, const char *region,
                     vs_pcx_action_t action, const vs_pcx_options_t *req_opts,
                     const vs_pcx_options_t *acc_opts, vs_awserr_t *err)
{
    if (account)
        vs_pcx__catch_up(m, o);
    vs_pcx_actor_t actor = account ? vs_pcx_fsm_actor(&o->rec, account, region)
                                   : VS_PCX_ACTOR_SYSTEM;
    vs_pcx_fsm_ctx_t ctx = { .pcx_id = o->rec.id, .caller_account = account,
                             .caller_region = region, .accepter_region = o->rec.accepter.region };
    vs_pcx_state_t next;
    if (vs_pcx_fsm_step(o->rec.state, actor, action, o->rec.inter_region, &ctx, &next, err) != 0)
        return -1;
    if (action == VS_PCX_ACT_MODIFY_ACCEPTER_OPTIONS && req_opts &&
        vs_pcx_fsm_step(o->rec.state, actor, VS_PCX_ACT_MODIFY_REQUESTER_OPTIONS,
                        o->rec.inter_region, &ctx, &next, err) != 0)
        return -1;
    if (action == VS_PCX_ACT_MODIFY_REQUESTER_OPTIONS && acc_opts &&
        vs_pcx_fsm_step(o->rec.state, actor, VS_PCX_ACT_MODIFY_ACCEPTER_OPTIONS,
                        o->rec.inter_region, &ctx, &next, err) != 0)
        return -1;
    if (action == VS_PCX_ACT_ACCEPT && s_accept_rules(m, o, err) != 0)
        return -1;
    if (action == VS_PCX_ACT_MODIFY_REQUESTER_OPTIONS ||
        action == VS_PCX_ACT_MODIFY_ACCEPTER_OPTIONS) {
        if (req_opts)
            o->rec.requester.options = *req_opts;
        if (acc_opts)
            o->rec.accepter.options = *acc_opts;
        o->rec.version++;
    } else {
        vs_pcx_set_state(&o->rec, next, vs_pcx_actor_side(actor), vs_model__now(m));
    }
    vs_pcx__home_changed(m, o);
    return 0;
}

/* The accepter's CIDRs as its agent reports them; an overlap fails a
 * request that is not yet accepted (reference 6.1). */
void vs_pcx__home_accepter_cidrs(vs_model_t *m, vs_pcx_obj_t *o, const vs_pcx_vpc_t *acc)
{
    vs_pcx_vpc_t cur = o->rec.accepter;
    cur.n_ipv4 = acc->n_ipv4;
    cur.n_ipv6 = acc->n_ipv6;
    memcpy(cur.ipv4, acc->ipv4, sizeof cur.ipv4);
    memcpy(cur.ipv6, acc->ipv6, sizeof cur.ipv6);
    bool overlap = vs_pcx_vpcs_overlap(&o->rec.requester, &cur);
    vs_awserr_t err;
    if (overlap && o->rec.state == VS_PCX_INITIATING_REQUEST) {
        vs_pcx__home_act(m, o, NULL, NULL, VS_PCX_ACT_VALIDATION_FAILED, NULL, NULL, &err);
    } else if (overlap && o->rec.state == VS_PCX_PENDING_ACCEPTANCE) {
        vs_pcx__home_act(m, o, NULL, NULL, VS_PCX_ACT_ACCEPTER_CIDR_OVERLAP, NULL, NULL, &err);
    } else if (vs_pcx__live(o)) {
        o->rec.accepter = cur;
        o->rec.version++;
        vs_pcx__home_changed(m, o);
    }
}

/* --- local validation --------------------------------------------------------------- */

void vs_pcx__schedule_validate(vs_model_t *m, vs_pcx_obj_t *o)
{
    vs_model__timer_arm(m, "pcx-validate", o->base.id, vs_model__now(m));
}

void vs_pcx__on_validate_timer(vs_model_t *m, const char *id)
{
    vs_pcx_obj_t *o = vs_pcx__get(m, id);
    if (!o || !vs_pcx_obj_is_home(o) || o->rec.state != VS_PCX_INITIATING_REQUEST)
        return;
    bool ok = vs_pcx_regions_peerable(o->rec.requester.region, o->rec.accepter.region,
                                      vs_model__cfg(m)->modern_rules, NULL, 0);
    const vs_vpc_t *peer = NULL;
    if (ok && o->side == VS_PCX_SIDE_BOTH) {
        vs_obj_t *x = vs_model__get(m, o->rec.accepter.vpc_id);
        peer = x && x->kind == &vs_kind_vpc ? (const vs_vpc_t *)x : NULL;
        vs_pcx_vpc_t acc;
        ok = peer && vs_pcx__fill_vpc(m, peer, &acc) == 0 &&
             !vs_pcx_vpcs_overlap(&o->rec.requester, &acc);
        if (ok) {
            acc.options = o->rec.accepter.options;
            o->rec.accepter = acc;
        }
    }
    vs_awserr_t err;
    vs_pcx__home_act(m, o, NULL, NULL,
                     ok && peer ? VS_PCX_ACT_VALIDATED_OK : VS_PCX_ACT_VALIDATION_FAILED,
                     NULL, NULL, &err);
}

