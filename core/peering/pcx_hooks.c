/* pcx_hooks: how VPC changes interact with peering (reference 5.5, 6.1):
 * deleting a VPC that has peering connections, and adding or removing
 * CIDR blocks of a peered VPC. */
#include <stdio.h>

#include "pcx_model.h"

int vs_pcx__vpc_delete_check(vs_model_t *m, const vs_vpc_t *vpc, vs_awserr_t *err)
{
    bool cascade = vs_model__cfg(m)->cascade_vpc_delete;
    vs_pcx_obj_t *const *list;
    size_t n = vs_pcx__of_vpc(m, vpc->base.id, &list);
    for (size_t i = 0; i < n; i++) {
        vs_pcx_obj_t *o = list[i];
        if (o->hidden || !vs_pcx__live(o))
            continue;
        bool outstanding = o->rec.state == VS_PCX_INITIATING_REQUEST ||
                           o->rec.state == VS_PCX_PENDING_ACCEPTANCE;
        bool is_accepter = !strcmp(o->rec.accepter.vpc_id, vpc->base.id) &&
                           o->side != VS_PCX_SIDE_BOTH;
        /* API behaviour: any live peering blocks the deletion. Console
         * behaviour (--cascade-vpc-delete): the VPC's connections go with
         * it, except an incoming request, which must be rejected first,
         * and connections in a transient state (being validated,
         * provisioning, deleting), which no delete can stop: the VPC
         * would go while the connection carried on without it. */
        bool transient = o->rec.state == VS_PCX_INITIATING_REQUEST ||
                         o->rec.state == VS_PCX_PROVISIONING || o->rec.state == VS_PCX_DELETING;
        if (!cascade || (outstanding && is_accepter) || transient)
            return vs_awserr_set(err, "DependencyViolation",
                                 "The vpc '%s' has dependencies and cannot be deleted.",
                                 vpc->base.id);
    }
    return 0;
}

void vs_pcx__vpc_deleting(vs_model_t *m, vs_vpc_t *vpc)
{
    vs_pcx_obj_t *const *list;
    size_t n = vs_pcx__of_vpc(m, vpc->base.id, &list);
    for (size_t i = 0; i < n; i++) {
        vs_pcx_obj_t *o = list[i];
        if (o->hidden || !vs_pcx__live(o))
            continue;
        vs_awserr_t err;
        if (vs_pcx_obj_is_home(o)) {
            vs_pcx__home_act(m, o, vs_model_account(m), vs_model_region(m), VS_PCX_ACT_DELETE,
                             NULL, NULL, &err);
        } else {
            /* No API call waits for this one: token 0 means "no reply". */
            vs_pcx_op_t *op = vs_pcx__op_add(m, o, VS_PCX_ACT_DELETE);
            op->token = 0;
            vs_pcx__send_op(m, o, op, NULL, NULL);
        }
    }
}

int vs_pcx__cidr_change_allowed(vs_model_t *m, const vs_vpc_t *vpc, const vs_cidr_t *cidr,
                                bool adding, vs_awserr_t *err)
{
    if (!adding)
        return 0;
    char text[VS_CIDR_STRLEN];
    vs_cidr_format(cidr, text, sizeof text);
    vs_pcx_obj_t *const *list;
    size_t n = vs_pcx__of_vpc(m, vpc->base.id, &list);
    for (size_t i = 0; i < n; i++) {
        vs_pcx_obj_t *o = list[i];
        if (o->hidden || !vs_pcx__live(o))
            continue;
        vs_pcx_cidr_add_t eff = vs_pcx_cidr_add_effect(&o->rec, vpc->base.id, cidr);
        bool ours_accepting = o->accept_inflight &&
                              !strcmp(o->rec.accepter.vpc_id, vpc->base.id) &&
                              vs_pcx_cidr_sets_overlap(cidr, 1, o->rec.requester.ipv4,
                                                       o->rec.requester.n_ipv4);
        if (eff == VS_PCX_CIDR_ADD_BLOCKED)
            /* UG-cidr: the requester must wait for the accept, or delete the
             * request first [INF: error code]. */
            return vs_awserr_set(err, "OperationNotPermitted",
                                 "The CIDR '%s' cannot be added to %s while its VPC peering "
                                 "connection request %s is pending acceptance.",
                                 text, vpc->base.id, o->rec.id);
        if (eff == VS_PCX_CIDR_ADD_OVERLAP || ours_accepting)
            return vs_awserr_set(err, "InvalidVpc.Range",
                                 "The CIDR '%s' overlaps with a CIDR block of the peer VPC of "
                                 "VPC peering connection %s.", text, o->rec.id);
    }
    return 0;
}

void vs_pcx__vpc_cidr_changed(vs_model_t *m, vs_vpc_t *vpc, const vs_cidr_t *cidr, bool added)
{
    vs_pcx_obj_t *const *list;
    size_t n = vs_pcx__of_vpc(m, vpc->base.id, &list);
    for (size_t i = 0; i < n; i++) {
        vs_pcx_obj_t *o = list[i];
        if (o->hidden || !vs_pcx__live(o))
            continue;
        bool requester = !strcmp(o->rec.requester.vpc_id, vpc->base.id);
        if (vs_pcx_obj_is_home(o) && (requester || o->side == VS_PCX_SIDE_BOTH)) {
            /* The home updates the record itself (both ends if it has both). */
            vs_pcx_vpc_t *end = requester ? &o->rec.requester : &o->rec.accepter;
            vs_pcx_vpc_t fresh;
            if (vs_pcx__fill_vpc(m, vpc, &fresh) != 0)
                continue;
            fresh.options = end->options;
            vs_pcx_vpc_t other = requester ? o->rec.accepter : o->rec.requester;
            bool unaccepted = o->rec.state == VS_PCX_PENDING_ACCEPTANCE ||
                              o->rec.state == VS_PCX_INITIATING_REQUEST;
            vs_awserr_t err;
            if (!requester && unaccepted && vs_pcx_vpcs_overlap(&fresh, &other)) {
                vs_pcx__home_act(m, o, NULL, NULL,
                                 o->rec.state == VS_PCX_PENDING_ACCEPTANCE
                                     ? VS_PCX_ACT_ACCEPTER_CIDR_OVERLAP
                                     : VS_PCX_ACT_VALIDATION_FAILED,
                                 NULL, NULL, &err);
                continue;
            }
            if (!requester && o->rec.accepter.n_ipv4 == 0)
                continue;       /* not validated yet: nothing known to update */
            *end = fresh;
            o->rec.version++;
            vs_pcx__home_changed(m, o);
        } else if (!requester) {
            /* The replica reports; the home decides (and fails a request
             * that now overlaps). */
            vs_pcx__send_cidrs(m, o, vpc);
        }
    }
}
