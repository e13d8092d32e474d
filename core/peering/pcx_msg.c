/* pcx_msg: the peering messages an agent sends (Request, State, Op, Cidrs,
 * Gone; the table of all of them is in pcx_proto.c) and the field codecs the
 * receiving side shares. Below the home's decisions (pcx_home.c), which
 * replicate every change through vs_pcx__home_changed(), and below the
 * receiving side (pcx_proto.c), which calls the home.
 */
#include <inttypes.h>
#include <stdio.h>

#include "pcx_model.h"

/* --- codecs shared with the receiving side (pcx_proto.c) ----------------------- */

static int s_vpc_arn(const vs_pcx_vpc_t *v, char out[VS_ARN_LEN])
{
    const char *part = vs_region_partition(v->region);
    return vs_arn_format(out, VS_ARN_LEN, part ? part : "aws", v->region, v->account, "vpc",
                         v->vpc_id);
}

/* Sends msg (consumed) to the agent holding end `to` of the record. */
uint64_t vs_pcx__msg_send(vs_model_t *m, const vs_pcx_vpc_t *to, vs_json_t *msg)
{
    char arn[VS_ARN_LEN];
    char *text = msg ? vs_json_dump(msg, 0) : NULL;
    vs_json_free(&msg);
    uint64_t id = 0;
    if (text && s_vpc_arn(to, arn) > 0)
        id = vs_model__emit_peer(m, arn, to->account, to->region, (const uint8_t *)text,
                                 strlen(text));
    free(text);
    return id;
}

vs_json_t *vs_pcx__msg_new(const char *type, const char *id)
{
    vs_json_t *j = vs_json_object();
    vs_json_set_str(j, "T", type);
    if (id)
        vs_json_set_str(j, "Id", id);
    return j;
}

void vs_pcx__msg_put_cidrs(vs_json_t *j, const vs_pcx_vpc_t *v)
{
    char buf[VS_CIDR_STRLEN];
    vs_json_t *a4 = vs_json_set(j, "Ipv4", vs_json_array());
    for (size_t i = 0; i < v->n_ipv4; i++)
        if (vs_cidr_format(&v->ipv4[i], buf, sizeof buf) > 0)
            vs_json_push(a4, vs_json_str(buf));
    vs_json_t *a6 = vs_json_set(j, "Ipv6", vs_json_array());
    for (size_t i = 0; i < v->n_ipv6; i++)
        if (vs_cidr_format(&v->ipv6[i], buf, sizeof buf) > 0)
            vs_json_push(a6, vs_json_str(buf));
}

/* Replaces the CIDR lists of v with those of message j. -1 if malformed. */
int vs_pcx__msg_get_cidrs(const vs_json_t *j, vs_pcx_vpc_t *v)
{
    vs_pcx_vpc_t tmp = *v;
    tmp.n_ipv4 = tmp.n_ipv6 = 0;
    const char *keys[2] = { "Ipv4", "Ipv6" };
    for (int k = 0; k < 2; k++) {
        const vs_json_t *a = vs_json_get(j, keys[k]);
        if (!a || vs_json_type(a) != VS_JSON_ARRAY)
            return -1;
        for (size_t i = 0; i < vs_json_len(a); i++) {
            vs_cidr_t c;
            const char *s = vs_json_as_str(vs_json_at(a, i));
            if (!s || vs_cidr_parse(s, VS_CIDR_STRICT, &c) != 0 ||
                (c.addr.family == 4) != (k == 0) || vs_pcx_vpc_add_cidr(&tmp, &c) != 0)
                return -1;
        }
    }
    *v = tmp;
    return 0;
}

void vs_pcx__msg_put_u64(vs_json_t *j, const char *key, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    vs_json_set_str(j, key, buf);
}

uint64_t vs_pcx__msg_get_u64(const vs_json_t *j, const char *key)
{
    const char *s = vs_json_get_str(j, key);
    return s ? strtoull(s, NULL, 10) : 0;
}

/* The accepter VPC's CIDR lists travel in Validated, Op and Cidrs, which
 * the network may reorder: the replica numbers them (CidrsSeq) and the
 * home never lets an older list replace a newer one. */
void vs_pcx__msg_put_seq(vs_model_t *m, vs_json_t *j, vs_pcx_obj_t *o)
{
    if (!o)
        return;
    o->cidrs_seq++;
    vs_model__touch(m, &o->base);
    vs_pcx__msg_put_u64(j, "CidrsSeq", o->cidrs_seq);
}

void vs_pcx__msg_put_opts(vs_json_t *j, const char *key, const vs_pcx_options_t *o)
{
    if (!o)
        return;
    vs_json_t *x = vs_json_set(j, key, vs_json_object());
    vs_json_set_bool(x, "Dns", o->allow_dns_resolution_from_remote_vpc);
    vs_json_set_bool(x, "ClToVpc", o->allow_egress_from_local_classic_link_to_remote_vpc);
    vs_json_set_bool(x, "VpcToCl", o->allow_egress_from_local_vpc_to_remote_classic_link);
}

bool vs_pcx__msg_get_opts(const vs_json_t *j, const char *key, vs_pcx_options_t *o)
{
    const vs_json_t *x = vs_json_get(j, key);
    if (!x || vs_json_type(x) != VS_JSON_OBJECT)
        return false;
    o->allow_dns_resolution_from_remote_vpc = vs_json_get_bool(x, "Dns", false);
    o->allow_egress_from_local_classic_link_to_remote_vpc = vs_json_get_bool(x, "ClToVpc", false);
    o->allow_egress_from_local_vpc_to_remote_classic_link = vs_json_get_bool(x, "VpcToCl", false);
    return true;
}

static const struct {
    const char *name;
    vs_pcx_action_t action;
} s_op_names[] = {
    { "Accept", VS_PCX_ACT_ACCEPT },
    { "Reject", VS_PCX_ACT_REJECT },
    { "Delete", VS_PCX_ACT_DELETE },
    { "ModifyRequester", VS_PCX_ACT_MODIFY_REQUESTER_OPTIONS },
    { "ModifyAccepter", VS_PCX_ACT_MODIFY_ACCEPTER_OPTIONS },
};

const char *vs_pcx__msg_op_name(vs_pcx_action_t a)
{
    for (size_t i = 0; i < sizeof s_op_names / sizeof s_op_names[0]; i++)
        if (s_op_names[i].action == a)
            return s_op_names[i].name;
    return "?";
}

int vs_pcx__msg_op_parse(const char *name, vs_pcx_action_t *out)
{
    for (size_t i = 0; name && i < sizeof s_op_names / sizeof s_op_names[0]; i++)
        if (!strcmp(s_op_names[i].name, name)) {
            *out = s_op_names[i].action;
            return 0;
        }
    return -1;
}


/* --- sending --------------------------------------------------------------------------- */

vs_json_t *vs_pcx__msg_with_record(const char *type, const vs_pcx_t *rec)
{
    vs_json_t *j = vs_pcx__msg_new(type, rec->id);
    vs_json_set(j, "Pcx", vs_pcx_to_doc(rec));
    return j;
}

void vs_pcx__send_request(vs_model_t *m, vs_pcx_obj_t *o)
{
    o->request_msg_id = vs_pcx__msg_send(m, &o->rec.accepter, vs_pcx__msg_with_record("Request", &o->rec));
    vs_model__touch(m, &o->base);
}

void vs_pcx__send_state(vs_model_t *m, vs_pcx_obj_t *o)
{
    vs_pcx__msg_send(m, &o->rec.accepter, vs_pcx__msg_with_record("State", &o->rec));
}

/* Addressed by account and Region only: the home that holds no record
 * knows no VPC of the sender, and the broker routes by the pair alone. */
void vs_pcx__send_gone(vs_model_t *m, const char *account, const char *region, const char *id)
{
    vs_json_t *j = vs_pcx__msg_new("Gone", id);
    char *text = vs_json_dump(j, 0);
    vs_json_free(&j);
    if (text)
        vs_model__emit_peer(m, NULL, account, region, (const uint8_t *)text, strlen(text));
    free(text);
}

void vs_pcx__send_op(vs_model_t *m, vs_pcx_obj_t *o, const vs_pcx_op_t *op,
                     const vs_pcx_options_t *req_opts, const vs_pcx_options_t *acc_opts)
{
    vs_json_t *j = vs_pcx__msg_new("Op", o->rec.id);
    vs_pcx__msg_put_u64(j, "OpId", op->op_id);
    vs_json_set_str(j, "Action", vs_pcx__msg_op_name(op->action));
    /* The accepter VPC as we know it now: the home checks overlap with it. */
    vs_pcx_vpc_t acc = o->rec.accepter;
    const vs_obj_t *x = vs_model__get(m, acc.vpc_id);
    if (x && x->kind == &vs_kind_vpc)
        vs_pcx__fill_vpc(m, (const vs_vpc_t *)x, &acc);
    vs_pcx__msg_put_cidrs(j, &acc);
    vs_pcx__msg_put_seq(m, j, o);
    vs_pcx__msg_put_opts(j, "RequesterOptions", req_opts);
    vs_pcx__msg_put_opts(j, "AccepterOptions", acc_opts);
    vs_pcx__msg_send(m, &o->rec.requester, j);
}

void vs_pcx__send_cidrs(vs_model_t *m, vs_pcx_obj_t *o, const vs_vpc_t *vpc)
{
    vs_pcx_vpc_t acc = o->rec.accepter;
    if (vs_pcx__fill_vpc(m, vpc, &acc) != 0)
        return;
    vs_json_t *j = vs_pcx__msg_new("Cidrs", o->rec.id);
    vs_pcx__msg_put_cidrs(j, &acc);
    vs_pcx__msg_put_seq(m, j, o);
    vs_pcx__msg_send(m, &o->rec.requester, j);
}

/* --- replication ----------------------------------------------------------------- */

void vs_pcx__home_changed(vs_model_t *m, vs_pcx_obj_t *o)
{
    vs_model__touch(m, &o->base);
    vs_pcx__recount(m, o);
    vs_pcx__arm_timers(m, o);
    if (o->side != VS_PCX_SIDE_BOTH)
        vs_pcx__send_state(m, o);
    vs_model__pcx_changed(m, o->rec.id);
}
