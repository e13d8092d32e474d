/* pcx_proto: the peering protocol between agents, the receiving side: each
 * message is checked and handed to the home's decisions (pcx_home.c) or
 * applied to the replica. Sending is pcx_msg.c. Messages are typed
 * (pcx_wire.h, proto/peer.proto's PcxMessage) and carried as the payload of
 * PeerMessage, reliably (outbox + ack + dedup in the runtime); their older
 * JSON form (pcx_msgjson.h) is still read. Fields, by their JSON names:
 *
 *   home -> accepter agent   Request  {Pcx}                validate, hold a replica
 *   accepter agent -> home   Validated{Id, Ok, Ipv4, Ipv6, CidrsSeq}
 *   home -> replica          State    {Pcx}                every new version (the
 *                                                          OpResult's stands for one)
 *   replica -> home          Op       {Id, OpId, Action, Ipv4, Ipv6, CidrsSeq, options}
 *   home -> replica          OpResult {Id, OpId, Action, Ok, Code, Message, Pcx}
 *   replica -> home          Cidrs    {Id, Ipv4, Ipv6, CidrsSeq} accepter VPC changed
 *   home -> accepter agent   Gone     {Id}                 the home holds no record
 *
 * The home answers any message that shows the replica is behind with its
 * current State, or with Gone when it has forgotten the pcx altogether, so
 * both views converge whatever the delivery order.
 * docs/peering-protocol.md has the ordering argument.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "pcx_model.h"
#include "pcx_msgjson.h"

/* --- cidr ordering at the home ----------------------------------------------- */

/* Home: is the list in j newer than the last one applied? (A message
 * without a number, from an older agent, is taken as it comes.) */
static bool s_newer_cidrs(const vs_pcx_obj_t *o, const vs_pcx_msg_t *j)
{
    uint64_t seq = j->cidrs_seq;
    return seq == 0 || seq > o->cidrs_seq;
}

/* Home: the list in j is now part of the record. */
static void s_took_cidrs(vs_model_t *m, vs_pcx_obj_t *o, const vs_pcx_msg_t *j)
{
    uint64_t seq = j->cidrs_seq;
    if (seq > o->cidrs_seq) {
        o->cidrs_seq = seq;
        vs_model__touch(m, &o->base);
    }
}

/* --- receiving ---------------------------------------------------------------------- */

static bool s_from(const vs_pcx_vpc_t *v, const char *account, const char *region)
{
    return !strcmp(v->account, account) && !strcmp(v->region, region);
}

static bool s_is_me(const vs_model_t *m, const vs_pcx_vpc_t *v)
{
    return s_from(v, vs_model_account(m), vs_model_region(m));
}

/* Accepter agent: validate a new request and hold a replica. */
static int s_on_request(vs_model_t *m, const vs_pcx_t *rec)
{
    vs_pcx_msg_t ans;
    vs_pcx_msg_init(&ans, VS_PCX_MSG_VALIDATED, rec->id);
    vs_pcx_obj_t *o = vs_pcx__get(m, rec->id);
    vs_pcx_vpc_t acc = rec->accepter;
    bool ok;
    if (o) {
        /* A repeated request: answer as before. */
        ok = true;
        acc = o->rec.accepter;
    } else {
        vs_obj_t *x = vs_model__get(m, rec->accepter.vpc_id);
        ok = s_is_me(m, &rec->accepter) && x && x->kind == &vs_kind_vpc &&
             vs_pcx_regions_peerable(rec->requester.region, rec->accepter.region,
                                     vs_model__cfg(m)->modern_rules, NULL, 0) &&
             vs_pcx__fill_vpc(m, (const vs_vpc_t *)x, &acc) == 0 &&
             !vs_pcx_vpcs_overlap(&rec->requester, &acc);
        if (ok) {
            vs_pcx_t r = *rec;
            acc.options = rec->accepter.options;
            r.accepter = acc;
            o = vs_pcx__create(m, &r, VS_PCX_SIDE_ACCEPTER);
            if (o)
                vs_pcx__arm_timers(m, o);
            ok = o != NULL;
        }
    }
    ans.ok = ok;
    vs_pcx__msg_put_cidrs(&ans, &acc);
    vs_pcx__msg_put_seq(m, &ans, ok ? o : NULL);
    vs_pcx__msg_send(m, &rec->requester, &ans);
    return 1;
}

/* Home: the accepter agent's answer to our Request. */
static int s_on_validated(vs_model_t *m, vs_pcx_obj_t *o, const vs_pcx_msg_t *j)
{
    if (o->rec.state != VS_PCX_INITIATING_REQUEST) {
        vs_pcx__send_state(m, o);     /* the replica is behind: resync */
        return 1;
    }
    vs_pcx_vpc_t acc = o->rec.accepter;
    vs_awserr_t err;
    /* A newer list (Cidrs) may have overtaken this answer: keep it. */
    bool newer = s_newer_cidrs(o, j);
    if (j->ok && (!newer || vs_pcx__msg_get_cidrs(j, &acc) == 0) &&
        !vs_pcx_vpcs_overlap(&o->rec.requester, &acc)) {
        if (newer)
            s_took_cidrs(m, o, j);
        o->rec.accepter = acc;
        vs_pcx__home_act(m, o, NULL, NULL, VS_PCX_ACT_VALIDATED_OK, NULL, NULL, &err);
    } else {
        vs_pcx__home_act(m, o, NULL, NULL, VS_PCX_ACT_VALIDATION_FAILED, NULL, NULL, &err);
    }
    return 1;
}

/* Replica: a newer record came (State, or the OpResult that stands for
 * one). An overlapping CIDR may have been added while the request
 * travelled. */
static void s_replica_applied(vs_model_t *m, vs_pcx_obj_t *o)
{
    if (o->rec.state == VS_PCX_PENDING_ACCEPTANCE) {
        vs_obj_t *x = vs_model__get(m, o->rec.accepter.vpc_id);
        vs_pcx_vpc_t acc = o->rec.accepter;
        if (x && x->kind == &vs_kind_vpc && vs_pcx__fill_vpc(m, (const vs_vpc_t *)x, &acc) == 0 &&
            vs_pcx_vpcs_overlap(&o->rec.requester, &acc))
            vs_pcx__send_cidrs(m, o, (const vs_vpc_t *)x);
    }
}

/* Replica: a record from the home. */
static int s_on_state(vs_model_t *m, vs_pcx_obj_t *o, const vs_pcx_t *rec)
{
    if (!o) {
        /* Only a Request makes a replica (s_on_request): the home leaves
         * initiating-request only on our Validated, sent after we made the
         * view. A State for a pcx we do not hold is a late or resent record
         * of a view that aged out and whose tombstone is gone (advance-clock
         * crosses the windows and the 7 days in a moment, faster than a
         * dropped message is resent), or of a request that failed before
         * we validated it: a view made from it would be stuck forever in a
         * past state (found by `vpcsim chaos run --seed 6 --kill-broker
         * --kill-agents`). */
        return 1;
    } else if (vs_pcx__replica_apply(m, o, rec)) {
        s_replica_applied(m, o);
    }
    return 1;
}

/* Replica: the home holds no record of this pcx at all. A home forgets a
 * connection only 7 days after its own view aged out, and it makes the
 * record before any message about it, so this replica outlived the
 * connection: a Request the network held back (or that waited for this
 * agent to come back) while advance-clock expired, hid and purged the
 * request at the home made it after the home's last State had come and
 * been ignored. No State will ever come again, so the view goes now, as
 * the home's did, and stays a tombstone (found by `vpcsim chaos run --seed
 * 11 --operations 10000 --kill-agents`). */
static int s_on_gone(vs_model_t *m, vs_pcx_obj_t *o)
{
    if (o->hidden)
        return 1;
    vs_awserr_t err;
    vs_awserr_set(&err, "InvalidVpcPeeringConnectionID.NotFound",
                  "The vpcPeeringConnection ID '%s' does not exist", o->rec.id);
    for (size_t i = 0; i < o->nops; i++)
        if (o->ops[i].token != 0)
            vs_model__reply(m, o->ops[i].token, NULL, &err);
    o->nops = 0;
    o->hidden = true;
    o->accept_inflight = false;
    vs_model__touch(m, &o->base);
    vs_pcx__recount(m, o);
    vs_pcx__arm_timers(m, o);
    vs_model__pcx_changed(m, o->rec.id);
    return 1;
}

/* Home: an operation from the accepter side. The caller is the stamped
 * sender, never a field of the message. */
static int s_on_op(vs_model_t *m, vs_pcx_obj_t *o, const char *from_account,
                   const char *from_region, const vs_pcx_msg_t *j)
{
    if (!j->has_action)
        return -1;
    vs_pcx_action_t action = j->action;
    /* Every change below goes to the replica in the OpResult, which carries
     * the record as it ends up: a State of the same (or an older) version
     * before it would tell the replica nothing more. */
    uint64_t version = o->rec.version;
    o->state_held = true;
    vs_pcx__catch_up(m, o);       /* before the CIDRs below touch the record */
    vs_awserr_t err = { "", "" };
    vs_pcx_vpc_t acc = o->rec.accepter, saved = o->rec.accepter;
    bool new_cidrs = false;
    if (action == VS_PCX_ACT_ACCEPT && o->rec.state == VS_PCX_PENDING_ACCEPTANCE &&
        s_newer_cidrs(o, j) && vs_pcx__msg_get_cidrs(j, &acc) == 0) {
        if (vs_pcx_vpcs_overlap(&o->rec.requester, &acc)) {
            /* The accepter added an overlapping block before accepting: the
             * request fails, and so the accept below is refused. */
            s_took_cidrs(m, o, j);
            vs_pcx__home_accepter_cidrs(m, o, &acc);
        } else {
            new_cidrs = true;
        }
    }
    vs_pcx_options_t ro = j->req_opts, ao = j->acc_opts;
    bool has_r = j->has_req_opts, has_a = j->has_acc_opts;
    /* Accepted with the accepter's CIDRs of the moment it accepted; they
     * must be in the record before the transition replicates it. */
    if (new_cidrs)
        o->rec.accepter = acc;
    int rc = vs_pcx__home_act(m, o, from_account, from_region, action, has_r ? &ro : NULL,
                              has_a ? &ao : NULL, &err);
    if (rc != 0 && new_cidrs)
        o->rec.accepter = saved;
    else if (new_cidrs)
        s_took_cidrs(m, o, j);
    o->state_held = false;
    vs_pcx_msg_t *ans = vs_model__scratch_take(m, sizeof *ans);
    if (!ans) {
        if (o->rec.version != version)
            vs_pcx__send_state(m, o);   /* the change must still reach the replica */
        return 1;       /* the replica's resend of the Op asks again */
    }
    vs_pcx__msg_with_record(ans, VS_PCX_MSG_OP_RESULT, &o->rec);
    ans->op_id = j->op_id;
    ans->has_action = true;
    ans->action = action;
    ans->ok = rc == 0;
    if (rc != 0) {
        ans->has_code = true;
        snprintf(ans->code, sizeof ans->code, "%s", err.code[0] ? err.code : "InternalError");
        snprintf(ans->message, sizeof ans->message, "%s", err.message);
    }
    vs_pcx__msg_send(m, &o->rec.accepter, ans);
    vs_model__scratch_give(m, ans);
    return 1;
}

/* Replica: the home's decision on an operation we forwarded. */
static int s_on_op_result(vs_model_t *m, vs_pcx_obj_t *o, const vs_pcx_t *rec,
                          const vs_pcx_msg_t *j)
{
    if (vs_pcx__replica_apply(m, o, rec))
        s_replica_applied(m, o);
    vs_pcx_op_t op;
    bool waiting = vs_pcx__op_take(o, j->op_id, &op);
    bool answers_accept = waiting ? op.action == VS_PCX_ACT_ACCEPT
                                  : j->has_action && j->action == VS_PCX_ACT_ACCEPT;
    /* The CIDR guard of an accept ends with the home's answer to it. The
     * waiting calls are in memory only, the guard is persisted: after a
     * restart the answer names its action, so the guard cannot outlive
     * it (unless another accept still waits). */
    bool other_accept = false;
    for (size_t i = 0; i < o->nops; i++)
        other_accept |= o->ops[i].action == VS_PCX_ACT_ACCEPT;
    if (answers_accept && o->accept_inflight && !other_accept) {
        o->accept_inflight = false;
        vs_model__touch(m, &o->base);
    }
    if (!waiting || op.token == 0)
        return 1;       /* no call waits (restart, cascade): the state is applied anyway */
    if (!j->ok) {
        vs_awserr_t err;
        vs_awserr_set(&err, j->has_code ? j->code : "InternalError", "%s",
                      j->has_code ? j->message : "");
        vs_model__reply(m, op.token, NULL, &err);
        return 1;
    }
    if (op.action == VS_PCX_ACT_ACCEPT) {
        /* The record right after the accept (provisioning), even if a
         * newer one (active) overtook this answer; with this view's tags. */
        vs_model__reply_text(m, op.token, vs_pcx__wrap_text(rec, &o->base.tags));
        return 1;
    }
    vs_json_t *out = op.action == VS_PCX_ACT_REJECT || op.action == VS_PCX_ACT_DELETE
                         ? vs_pcx__return_true()
                         : vs_pcx__modify_output(o, op.modify_requester, op.modify_accepter);
    vs_model__reply(m, op.token, out, NULL);
    vs_json_free(&out);
    return 1;
}

/* The message in payload, typed or in its older JSON form. -1 if it is
 * not a peering message (another module's, or garbage). */
static int s_read(const uint8_t *payload, size_t len, vs_pcx_msg_t *msg)
{
    if (vs_pcx_wire_is_typed(payload, len))
        return vs_pcx_wire_decode(payload, len, msg, NULL, 0);
    vs_json_t *j = vs_json_parse((const char *)payload, len, NULL, 0);
    int rc = vs_pcx_msgjson_read(j, msg);
    vs_json_free(&j);
    return rc;
}

static int s_dispatch(vs_model_t *m, const char *from_account, const char *from_region,
                      const vs_pcx_msg_t *j)
{
    int rc = -1;
    vs_pcx_msg_type_t type = j->type;
    bool has_rec = j->has_rec;
    const vs_pcx_t *rec = &j->rec;
    vs_pcx_obj_t *o = vs_pcx__get(m, has_rec ? rec->id : j->id);

    /* Who may speak about a connection is decided by the stamped sender
     * against what we already hold, never by the record in the message:
     * a third agent could put its own account in a forged record's
     * requester (issue 15). */
    bool home_speaks = has_rec && s_from(&rec->requester, from_account, from_region) &&
                       (!o || s_from(&o->rec.requester, from_account, from_region));
    if (type == VS_PCX_MSG_REQUEST) {
        /* From the requester's agent, about a VPC of ours. */
        if (home_speaks)
            rc = s_on_request(m, rec);
    } else if (type == VS_PCX_MSG_STATE || type == VS_PCX_MSG_OP_RESULT) {
        if (home_speaks && (!o || !vs_pcx_obj_is_home(o)))
            rc = type == VS_PCX_MSG_STATE ? s_on_state(m, o, rec)
                                          : (o ? s_on_op_result(m, o, rec, j) : 1);
    } else if (type == VS_PCX_MSG_GONE) {
        /* Only the home of the pcx we hold can say it has forgotten it. */
        if (o && !vs_pcx_obj_is_home(o) && s_from(&o->rec.requester, from_account, from_region))
            rc = s_on_gone(m, o);
    } else if (!o) {
        /* Validated, Op, Cidrs about a pcx we hold no record of: the
         * sender's view outlived ours (s_on_gone). The sender cannot be
         * checked against a record we no longer have; a stranger learns
         * only that an ID is unknown here, and one message brings one. */
        if (vs_id_valid(j->id, "pcx")) {
            vs_pcx__send_gone(m, from_account, from_region, j->id);
            rc = 1;
        }
    } else if (vs_pcx_obj_is_home(o) && o->side != VS_PCX_SIDE_BOTH &&
               s_from(&o->rec.accepter, from_account, from_region)) {
        /* Validated, Op, Cidrs: from the accepter's agent to us, the home. */
        if (type == VS_PCX_MSG_VALIDATED) {
            rc = s_on_validated(m, o, j);
        } else if (type == VS_PCX_MSG_OP) {
            rc = s_on_op(m, o, from_account, from_region, j);
        } else {
            vs_pcx_vpc_t acc = o->rec.accepter;
            if (!s_newer_cidrs(o, j)) {
                rc = 1;             /* overtaken by a newer list: nothing to learn */
            } else if (vs_pcx__msg_get_cidrs(j, &acc) == 0) {
                s_took_cidrs(m, o, j);
                vs_pcx__home_accepter_cidrs(m, o, &acc);
                rc = 1;
            }
        }
    }
    return rc;
}

int vs_pcx__on_peer(vs_model_t *m, const char *from_account, const char *from_region,
                    const uint8_t *payload, size_t len)
{
    /* About 10 KiB, and the handlers below need their own stack: the
     * model's scratch, reused from message to message. */
    vs_pcx_msg_t *msg = vs_model__scratch_take(m, sizeof *msg);
    if (!msg)
        return -1;
    int rc = 0;
    if (s_read(payload, len, msg) == 0)
        rc = s_dispatch(m, from_account, from_region, msg);
    vs_model__scratch_give(m, msg);
    return rc;
}

void vs_pcx__on_undeliverable(vs_model_t *m, uint64_t msg_id, bool no_such_agent)
{
    if (!no_such_agent)
        return;         /* offline: the outbox keeps trying until it returns */
    /* Every request that went in that message (a bundle holds several;
     * peer_bundle.h). */
    vs_pcx_obj_t *next;
    for (vs_pcx_obj_t *o = vs_pcx__first(m); o; o = next) {
        next = vs_pcx__next(o);
        if (o->request_msg_id != msg_id || !vs_pcx_obj_is_home(o))
            continue;
        /* Nobody owns that account/Region: as AWS, the request fails. */
        vs_awserr_t err;
        if (o->rec.state == VS_PCX_INITIATING_REQUEST)
            vs_pcx__home_act(m, o, NULL, NULL, VS_PCX_ACT_VALIDATION_FAILED, NULL, NULL, &err);
    }
}
