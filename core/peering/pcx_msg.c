/* pcx_msg: the peering messages an agent sends (Request, State, Op, Cidrs,
 * Gone;
 * the table of all of them is in pcx_proto.c), as typed values
 * (pcx_wire.h) encoded as protobuf, and the field helpers the receiving
 * side shares. Below the home's decisions (pcx_home.c), which
 * replicate every change through vs_pcx__home_changed(), and below the
 * receiving side (pcx_proto.c), which calls the home.
 */
#include <stdlib.h>
#include <string.h>

#include "pcx_model.h"

/* --- building and sending ---------------------------------------------------- */

static int s_vpc_arn(const vs_pcx_vpc_t *v, char out[VS_ARN_LEN])
{
    const char *part = vs_region_partition(v->region);
    return vs_arn_format(out, VS_ARN_LEN, part ? part : "aws", v->region, v->account, "vpc",
                         v->vpc_id);
}

uint64_t vs_pcx__msg_send(vs_model_t *m, const vs_pcx_vpc_t *to, const vs_pcx_msg_t *msg)
{
    char arn[VS_ARN_LEN];
    if (s_vpc_arn(to, arn) <= 0)
        return 0;
    /* A record with a few CIDRs encodes to a few hundred bytes; the model
     * copies the payload into its outbox. */
    uint8_t small[2048], *buf = small;
    long n = vs_pcx_wire_encode(msg, small, sizeof small);
    if (n > (long)sizeof small) {
        buf = malloc((size_t)n);
        if (!buf || vs_pcx_wire_encode(msg, buf, (size_t)n) != n)
            n = -1;
    }
    /* Any may share a message with its neighbours to the same agent: a
     * Request keeps the shared message's ID (o->request_msg_id), whose
     * Undeliverable fails every request in it (vs_pcx__on_undeliverable). */
    uint64_t id = n > 0 ? vs_model__emit_peer_bundled(m, arn, to->account, to->region, buf,
                                                      (size_t)n)
                        : 0;
    if (buf != small)
        free(buf);
    return id;
}

void vs_pcx__msg_put_cidrs(vs_pcx_msg_t *msg, const vs_pcx_vpc_t *v)
{
    msg->has_cidrs = true;
    msg->cidrs.n_ipv4 = v->n_ipv4;
    memcpy(msg->cidrs.ipv4, v->ipv4, v->n_ipv4 * sizeof v->ipv4[0]);
    msg->cidrs.n_ipv6 = v->n_ipv6;
    memcpy(msg->cidrs.ipv6, v->ipv6, v->n_ipv6 * sizeof v->ipv6[0]);
}

int vs_pcx__msg_get_cidrs(const vs_pcx_msg_t *msg, vs_pcx_vpc_t *v)
{
    if (!msg->has_cidrs)
        return -1;
    v->n_ipv4 = msg->cidrs.n_ipv4;
    memcpy(v->ipv4, msg->cidrs.ipv4, msg->cidrs.n_ipv4 * sizeof v->ipv4[0]);
    v->n_ipv6 = msg->cidrs.n_ipv6;
    memcpy(v->ipv6, msg->cidrs.ipv6, msg->cidrs.n_ipv6 * sizeof v->ipv6[0]);
    return 0;
}

/* The accepter VPC's CIDR lists travel in Validated, Op and Cidrs, which
 * the network may reorder: the replica numbers them (cidrs_seq) and the
 * home never lets an older list replace a newer one. */
void vs_pcx__msg_put_seq(vs_model_t *m, vs_pcx_msg_t *msg, vs_pcx_obj_t *o)
{
    if (!o)
        return;
    o->cidrs_seq++;
    vs_model__touch(m, &o->base);
    msg->cidrs_seq = o->cidrs_seq;
}

void vs_pcx__msg_with_record(vs_pcx_msg_t *msg, vs_pcx_msg_type_t type, const vs_pcx_t *rec)
{
    vs_pcx_msg_init(msg, type, rec->id);
    msg->has_rec = true;
    msg->rec = *rec;
}

void vs_pcx__send_request(vs_model_t *m, vs_pcx_obj_t *o)
{
    vs_pcx_msg_t msg;
    vs_pcx__msg_with_record(&msg, VS_PCX_MSG_REQUEST, &o->rec);
    o->request_msg_id = vs_pcx__msg_send(m, &o->rec.accepter, &msg);
    vs_model__touch(m, &o->base);
}

void vs_pcx__send_state(vs_model_t *m, vs_pcx_obj_t *o)
{
    vs_pcx_msg_t msg;
    vs_pcx__msg_with_record(&msg, VS_PCX_MSG_STATE, &o->rec);
    vs_pcx__msg_send(m, &o->rec.accepter, &msg);
}

void vs_pcx__send_op(vs_model_t *m, vs_pcx_obj_t *o, const vs_pcx_op_t *op,
                     const vs_pcx_options_t *req_opts, const vs_pcx_options_t *acc_opts)
{
    vs_pcx_msg_t msg;
    vs_pcx_msg_init(&msg, VS_PCX_MSG_OP, o->rec.id);
    msg.op_id = op->op_id;
    msg.has_action = true;
    msg.action = op->action;
    /* The accepter VPC as we know it now: the home checks overlap with it. */
    vs_pcx_vpc_t acc = o->rec.accepter;
    const vs_obj_t *x = vs_model__get(m, acc.vpc_id);
    if (x && x->kind == &vs_kind_vpc)
        vs_pcx__fill_vpc(m, (const vs_vpc_t *)x, &acc);
    vs_pcx__msg_put_cidrs(&msg, &acc);
    vs_pcx__msg_put_seq(m, &msg, o);
    if (req_opts) {
        msg.has_req_opts = true;
        msg.req_opts = *req_opts;
    }
    if (acc_opts) {
        msg.has_acc_opts = true;
        msg.acc_opts = *acc_opts;
    }
    vs_pcx__msg_send(m, &o->rec.requester, &msg);
}

void vs_pcx__send_cidrs(vs_model_t *m, vs_pcx_obj_t *o, const vs_vpc_t *vpc)
{
    vs_pcx_vpc_t acc = o->rec.accepter;
    if (vs_pcx__fill_vpc(m, vpc, &acc) != 0)
        return;
    vs_pcx_msg_t msg;
    vs_pcx_msg_init(&msg, VS_PCX_MSG_CIDRS, o->rec.id);
    vs_pcx__msg_put_cidrs(&msg, &acc);
    vs_pcx__msg_put_seq(m, &msg, o);
    vs_pcx__msg_send(m, &o->rec.requester, &msg);
}

/* --- replication ----------------------------------------------------------------- */

void vs_pcx__home_changed(vs_model_t *m, vs_pcx_obj_t *o)
{
    vs_model__touch(m, &o->base);
    vs_pcx__recount(m, o);
    vs_pcx__arm_timers(m, o);
    if (o->side != VS_PCX_SIDE_BOTH && !o->state_held)
        vs_pcx__send_state(m, o);
    vs_model__pcx_changed(m, o->rec.id);
}

void vs_pcx__send_gone(vs_model_t *m, const char *account, const char *region, const char *id)
{
    /* About 10 KiB: on the heap, as the receiving side does. */
    vs_pcx_msg_t *msg = malloc(sizeof *msg);
    if (!msg)
        return;
    vs_pcx_msg_init(msg, VS_PCX_MSG_GONE, id);
    uint8_t buf[256];
    long n = vs_pcx_wire_encode(msg, buf, sizeof buf);
    /* By account and Region: no record here names a VPC to address. */
    if (n > 0 && n <= (long)sizeof buf)
        vs_model__emit_peer(m, NULL, account, region, buf, (size_t)n);
    free(msg);
}
