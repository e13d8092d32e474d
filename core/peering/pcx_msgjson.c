/* pcx_msgjson: the JSON form of the peering messages. See pcx_msgjson.h. */
#include "pcx_msgjson.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcx_doc.h"

/* --- reading ------------------------------------------------------------------ */

static uint64_t s_u64(const vs_json_t *j, const char *key)
{
    const char *s = vs_json_get_str(j, key);
    return s ? strtoull(s, NULL, 10) : 0;
}

/* Both lists present and every block strict, of its family, no duplicate. */
static bool s_cidrs(const vs_json_t *j, vs_pcx_vpc_t *v)
{
    const char *keys[2] = { "Ipv4", "Ipv6" };
    memset(v, 0, sizeof *v);
    for (int k = 0; k < 2; k++) {
        const vs_json_t *a = vs_json_get(j, keys[k]);
        if (!a || vs_json_type(a) != VS_JSON_ARRAY)
            return false;
        for (size_t i = 0; i < vs_json_len(a); i++) {
            vs_cidr_t c;
            const char *s = vs_json_as_str(vs_json_at(a, i));
            if (!s || vs_cidr_parse(s, VS_CIDR_STRICT, &c) != 0 ||
                (c.addr.family == 4) != (k == 0) || vs_pcx_vpc_add_cidr(v, &c) != 0)
                return false;
        }
    }
    return true;
}

static bool s_opts(const vs_json_t *j, const char *key, vs_pcx_options_t *o)
{
    const vs_json_t *x = vs_json_get(j, key);
    if (!x || vs_json_type(x) != VS_JSON_OBJECT)
        return false;
    o->allow_dns_resolution_from_remote_vpc = vs_json_get_bool(x, "Dns", false);
    o->allow_egress_from_local_classic_link_to_remote_vpc = vs_json_get_bool(x, "ClToVpc", false);
    o->allow_egress_from_local_vpc_to_remote_classic_link = vs_json_get_bool(x, "VpcToCl", false);
    return true;
}

int vs_pcx_msgjson_read(const vs_json_t *j, vs_pcx_msg_t *out)
{
    vs_pcx_msg_type_t type;
    if (!j || vs_pcx_msg_type_parse(vs_json_get_str(j, "T"), &type) != 0)
        return -1;
    vs_pcx_msg_init(out, type, vs_json_get_str(j, "Id"));
    const vs_json_t *doc = vs_json_get(j, "Pcx");
    out->has_rec = doc && vs_pcx_from_doc(doc, &out->rec, NULL, 0) == 0;
    out->ok = vs_json_get_bool(j, "Ok", false);
    out->has_cidrs = s_cidrs(j, &out->cidrs);
    if (!out->has_cidrs)
        memset(&out->cidrs, 0, sizeof out->cidrs);
    out->cidrs_seq = s_u64(j, "CidrsSeq");
    out->op_id = s_u64(j, "OpId");
    out->has_action = vs_pcx_msg_action_parse(vs_json_get_str(j, "Action"), &out->action) == 0;
    out->has_req_opts = s_opts(j, "RequesterOptions", &out->req_opts);
    out->has_acc_opts = s_opts(j, "AccepterOptions", &out->acc_opts);
    const char *code = vs_json_get_str(j, "Code"), *text = vs_json_get_str(j, "Message");
    if (code && *code) {
        out->has_code = true;
        snprintf(out->code, sizeof out->code, "%s", code);
        snprintf(out->message, sizeof out->message, "%s", text ? text : "");
    }
    return 0;
}

/* --- writing ------------------------------------------------------------------- */

static void s_put_u64(vs_json_t *j, const char *key, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    vs_json_set_str(j, key, buf);
}

static void s_put_list(vs_json_t *j, const char *key, const vs_cidr_t *list, size_t n)
{
    char buf[VS_CIDR_STRLEN];
    vs_json_t *a = vs_json_set(j, key, vs_json_array());
    for (size_t i = 0; a && i < n; i++)
        if (vs_cidr_format(&list[i], buf, sizeof buf) > 0)
            vs_json_push(a, vs_json_str(buf));
}

static void s_put_opts(vs_json_t *j, const char *key, const vs_pcx_options_t *o)
{
    vs_json_t *x = vs_json_set(j, key, vs_json_object());
    if (!x)
        return;
    vs_json_set_bool(x, "Dns", o->allow_dns_resolution_from_remote_vpc);
    vs_json_set_bool(x, "ClToVpc", o->allow_egress_from_local_classic_link_to_remote_vpc);
    vs_json_set_bool(x, "VpcToCl", o->allow_egress_from_local_vpc_to_remote_classic_link);
}

vs_json_t *vs_pcx_msgjson_write(const vs_pcx_msg_t *msg)
{
    vs_json_t *j = vs_json_object();
    if (!j)
        return NULL;
    vs_json_set_str(j, "T", vs_pcx_msg_type_name(msg->type));
    if (msg->id[0])
        vs_json_set_str(j, "Id", msg->id);
    if (msg->has_rec)
        vs_json_set(j, "Pcx", vs_pcx_to_doc(&msg->rec));
    if (msg->type == VS_PCX_MSG_VALIDATED || msg->type == VS_PCX_MSG_OP_RESULT)
        vs_json_set_bool(j, "Ok", msg->ok);
    if (msg->has_cidrs) {
        s_put_list(j, "Ipv4", msg->cidrs.ipv4, msg->cidrs.n_ipv4);
        s_put_list(j, "Ipv6", msg->cidrs.ipv6, msg->cidrs.n_ipv6);
    }
    if (msg->cidrs_seq)
        s_put_u64(j, "CidrsSeq", msg->cidrs_seq);
    if (msg->type == VS_PCX_MSG_OP || msg->type == VS_PCX_MSG_OP_RESULT)
        s_put_u64(j, "OpId", msg->op_id);
    if (msg->has_action)
        vs_json_set_str(j, "Action", vs_pcx_msg_action_name(msg->action));
    if (msg->has_req_opts)
        s_put_opts(j, "RequesterOptions", &msg->req_opts);
    if (msg->has_acc_opts)
        s_put_opts(j, "AccepterOptions", &msg->acc_opts);
    if (msg->has_code) {
        vs_json_set_str(j, "Code", msg->code);
        vs_json_set_str(j, "Message", msg->message);
    }
    return j;
}

char *vs_pcx_msgjson_render(const uint8_t *payload, size_t len)
{
    vs_pcx_msg_t *msg = malloc(sizeof *msg);
    if (!msg)
        return NULL;
    int rc;
    if (vs_pcx_wire_is_typed(payload, len)) {
        rc = vs_pcx_wire_decode(payload, len, msg, NULL, 0);
    } else {
        vs_json_t *j = vs_json_parse((const char *)payload, len, NULL, 0);
        rc = vs_pcx_msgjson_read(j, msg);
        vs_json_free(&j);
    }
    char *text = NULL;
    if (rc == 0) {
        vs_json_t *j = vs_pcx_msgjson_write(msg);
        text = j ? vs_json_dump(j, 0) : NULL;
        vs_json_free(&j);
    }
    free(msg);
    return text;
}
