/* sg_obj: the security group object kind - persistence of groups and
 * their rules - and the lookups every SG file needs: a group by ID, a
 * VPC's default group, the active same-Region connection that lets two
 * VPCs reference each other's groups. The API lives in ec2_sg.c and
 * sg_rules.c. */
#include <stdio.h>
#include <string.h>

#include "pcx_model.h"
#include "sg.h"

static const char *const s_peer_names[] = { "cidr4", "cidr6", "group", "prefix-list" };

static void s_destroy(vs_obj_t *o)
{
    vs_sg_t *g = (vs_sg_t *)o;
    free(g->in);
    free(g->out);
    free(g);
}

static vs_json_t *s_rules_doc(const vs_sg_rule_t *r, size_t n)
{
    vs_json_t *arr = vs_json_array();
    for (size_t i = 0; i < n; i++) {
        vs_json_t *d = vs_json_push(arr, vs_json_object());
        vs_json_set_str(d, "Id", r[i].rule_id);
        vs_json_set_int(d, "Proto", r[i].proto);
        vs_json_set_int(d, "From", r[i].from_port);
        vs_json_set_int(d, "To", r[i].to_port);
        vs_json_set_str(d, "Peer", s_peer_names[r[i].peer]);
        if (r[i].peer == VS_SG_PEER_CIDR4 || r[i].peer == VS_SG_PEER_CIDR6) {
            char buf[VS_CIDR_STRLEN];
            vs_cidr_format(&r[i].cidr, buf, sizeof buf);
            vs_json_set_str(d, "Cidr", buf);
        }
        vs_json_set_str(d, "GroupId", r[i].group_id);
        vs_json_set_str(d, "UserId", r[i].user_id);
        vs_json_set_str(d, "VpcId", r[i].vpc_id);
        vs_json_set_str(d, "PcxId", r[i].pcx_id);
        vs_json_set_str(d, "PrefixListId", r[i].prefix_list_id);
        vs_json_set_str(d, "Description", r[i].desc);
    }
    return arr;
}

static int s_to_doc(const vs_model_t *m, const vs_obj_t *o, vs_json_t *doc)
{
    const vs_sg_t *g = (const vs_sg_t *)o;
    vs_json_set_str(doc, "VpcId", g->vpc_id);
    vs_json_set_str(doc, "GroupName", g->name);
    vs_json_set_str(doc, "Description", g->desc);
    if (!vs_json_set(doc, "Ingress", s_rules_doc(g->in, g->nin)) ||
        !vs_json_set(doc, "Egress", s_rules_doc(g->out, g->nout)))
        return -1;
    return 0;
}

/* Copies a string member that must exist and fit. */
static bool s_copy(char *dst, size_t cap, const vs_json_t *d, const char *key)
{
    const char *s = vs_json_get_str(d, key);
    if (!s || strlen(s) >= cap)
        return false;
    snprintf(dst, cap, "%s", s);
    return true;
}

static int s_rule_from_doc(const vs_json_t *d, vs_sg_rule_t *r)
{
    memset(r, 0, sizeof *r);
    const char *peer = vs_json_get_str(d, "Peer");
    size_t k = 0;
    while (peer && k < sizeof s_peer_names / sizeof s_peer_names[0] && strcmp(peer, s_peer_names[k]))
        k++;
    if (!peer || k == sizeof s_peer_names / sizeof s_peer_names[0])
        return -1;
    r->peer = (vs_sg_peer_kind_t)k;
    int64_t proto = vs_json_get_int(d, "Proto", -2), from = vs_json_get_int(d, "From", -2),
            to = vs_json_get_int(d, "To", -2);
    if (proto < -1 || proto > 255 || from < -1 || from > 65535 || to < -1 || to > 65535)
        return -1;
    r->proto = (int)proto;
    r->from_port = (int)from;
    r->to_port = (int)to;
    if (!s_copy(r->rule_id, sizeof r->rule_id, d, "Id") ||
        !s_copy(r->group_id, sizeof r->group_id, d, "GroupId") ||
        !s_copy(r->user_id, sizeof r->user_id, d, "UserId") ||
        !s_copy(r->vpc_id, sizeof r->vpc_id, d, "VpcId") ||
        !s_copy(r->pcx_id, sizeof r->pcx_id, d, "PcxId") ||
        !s_copy(r->prefix_list_id, sizeof r->prefix_list_id, d, "PrefixListId") ||
        !s_copy(r->desc, sizeof r->desc, d, "Description"))
        return -1;
    if (r->peer == VS_SG_PEER_CIDR4 || r->peer == VS_SG_PEER_CIDR6) {
        if (vs_cidr_parse(vs_json_get_str(d, "Cidr"), VS_CIDR_STRICT, &r->cidr) != 0 ||
            r->cidr.addr.family != (r->peer == VS_SG_PEER_CIDR4 ? 4 : 6))
            return -1;
    }
    return 0;
}

static int s_rules_from_doc(const vs_json_t *arr, vs_sg_rule_t **out, size_t *n)
{
    if (vs_json_type(arr) != VS_JSON_ARRAY || vs_json_len(arr) > VS_SG_MAX_RULES * 4)
        return -1;
    for (size_t i = 0; i < vs_json_len(arr); i++) {
        vs_sg_rule_t r;
        if (s_rule_from_doc(vs_json_at(arr, i), &r) != 0 || VS_APPEND(*out, *n, &r) != 0)
            return -1;
    }
    return 0;
}

static vs_obj_t *s_from_doc(vs_model_t *m, const vs_json_t *doc)
{
    vs_sg_t *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    if (!s_copy(g->vpc_id, sizeof g->vpc_id, doc, "VpcId") ||
        !s_copy(g->name, sizeof g->name, doc, "GroupName") ||
        !s_copy(g->desc, sizeof g->desc, doc, "Description") ||
        s_rules_from_doc(vs_json_get(doc, "Ingress"), &g->in, &g->nin) != 0 ||
        s_rules_from_doc(vs_json_get(doc, "Egress"), &g->out, &g->nout) != 0) {
        s_destroy(&g->base);
        return NULL;
    }
    return &g->base;
}

const vs_kind_t vs_kind_sg = {
    .prefix = "sg",
    .name = "SecurityGroup",
    .to_doc = s_to_doc,
    .from_doc = s_from_doc,
    .destroy = s_destroy,
};

/* --- lookups -------------------------------------------------------------------- */

vs_sg_t *vs_sg__get(const vs_model_t *m, const char *sg_id)
{
    if (!sg_id)
        return NULL;
    vs_obj_t *o = vs_model__get(m, sg_id);
    return o && o->kind == &vs_kind_sg ? (vs_sg_t *)o : NULL;
}

const char *vs_sg__default_for_vpc(const vs_model_t *m, const char *vpc_id)
{
    vs_obj_t *o = vpc_id ? vs_model__get(m, vpc_id) : NULL;
    if (!o || o->kind != &vs_kind_vpc)
        return NULL;
    const vs_vpc_t *vpc = (const vs_vpc_t *)o;
    const vs_sg_t *g = vs_sg__get(m, vpc->default_sg_id);
    return g ? g->base.id : NULL;
}

const char *vs_sg__active_pcx(const vs_model_t *m, const char *vpc_a, const char *vpc_b)
{
    for (const vs_pcx_obj_t *o = vs_pcx__first(m); o; o = vs_pcx__next(o)) {
        const vs_pcx_t *p = &o->rec;
        /* Security group references never cross Regions (reference 7.3). */
        if (p->state != VS_PCX_ACTIVE || p->inter_region || o->hidden)
            continue;
        if ((!strcmp(p->requester.vpc_id, vpc_a) && !strcmp(p->accepter.vpc_id, vpc_b)) ||
            (!strcmp(p->requester.vpc_id, vpc_b) && !strcmp(p->accepter.vpc_id, vpc_a)))
            return p->id;
    }
    return NULL;
}
