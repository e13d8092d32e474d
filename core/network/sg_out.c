/* sg_out: how security group rules look from outside - IpPermissions of
 * DescribeSecurityGroups, SecurityGroupRules of Authorize*, and
 * DescribeStaleSecurityGroups, whose rules reference a peer VPC's group
 * across a pcx that is no longer active. */
#include <stdio.h>

#include "page.h"
#include "params.h"
#include "sg.h"
#include "sg_dir.h"

/* --- small helpers ------------------------------------------------------------ */

const char *vs_sg__proto_name(int proto, char buf[VS_SG_PROTO_LEN])
{
    switch (proto) {
    case VS_SG_TCP: return "tcp";
    case VS_SG_UDP: return "udp";
    case VS_SG_ICMP: return "icmp";
    case VS_SG_ICMPV6: return "icmpv6";
    default: snprintf(buf, VS_SG_PROTO_LEN, "%d", proto); return buf;
    }
}

bool vs_sg__proto_has_ports(int proto)
{
    return proto == VS_SG_TCP || proto == VS_SG_UDP || proto == VS_SG_ICMP ||
           proto == VS_SG_ICMPV6;
}

void vs_sg__new_rule_id(vs_model_t *m, vs_sg_rule_t *r)
{
    vs_model__new_id(m, "sgr", r->rule_id);
}

static bool s_is_peer_ref(const vs_sg_t *g, const vs_sg_rule_t *r)
{
    return r->peer == VS_SG_PEER_GROUP && r->vpc_id[0] && strcmp(r->vpc_id, g->vpc_id);
}

void vs_sg__ref_status(const vs_model_t *m, const vs_sg_t *g, const vs_sg_rule_t *r,
                       const char **pcx_id, const char **peering_status)
{
    *pcx_id = *peering_status = NULL;
    if (!s_is_peer_ref(g, r))
        return;
    /* A new pcx between the same VPCs revives the reference; show it. */
    const char *cur = vs_sg__active_pcx(m, g->vpc_id, r->vpc_id);
    *pcx_id = cur ? cur : r->pcx_id;
    *peering_status = cur ? "active" : "deleted";
}

/* --- IpPermissions ---------------------------------------------------------------- */

/* A UserIdGroupPair: {Description?, UserId, GroupName?, GroupId, VpcId?,
 * VpcPeeringConnectionId?, PeeringStatus?}. GroupName is printed only for
 * stale references, as EC2 prints it there (reference 7.3's example). */
static vs_json_t *s_pair(const vs_model_t *m, const vs_sg_t *g, const vs_sg_rule_t *r,
                         bool with_name)
{
    const char *pcx, *status;
    vs_sg__ref_status(m, g, r, &pcx, &status);
    vs_json_t *p = vs_json_object();
    if (r->desc[0])
        vs_json_set_str(p, "Description", r->desc);
    vs_json_set_str(p, "UserId", r->user_id);
    /* Our own group, or the name the peer's directory last gave it. */
    const vs_sg_t *ref = with_name ? vs_sg__get(m, r->group_id) : NULL;
    const char *name = ref ? ref->name
                     : with_name && r->vpc_id[0] ? vs_sgdir__name(m, r->vpc_id, r->group_id) : NULL;
    if (name)
        vs_json_set_str(p, "GroupName", name);
    vs_json_set_str(p, "GroupId", r->group_id);
    if (pcx) {
        vs_json_set_str(p, "VpcId", r->vpc_id);
        vs_json_set_str(p, "VpcPeeringConnectionId", pcx);
        vs_json_set_str(p, "PeeringStatus", status);
    }
    return p;
}

static void s_perm_ports(vs_json_t *p, const vs_sg_rule_t *r)
{
    if (!vs_sg__proto_has_ports(r->proto))
        return;
    vs_json_set_int(p, "FromPort", r->from_port);
    vs_json_set_int(p, "ToPort", r->to_port);
}

static bool s_same_perm(const vs_sg_rule_t *a, const vs_sg_rule_t *b)
{
    return a->proto == b->proto && a->from_port == b->from_port && a->to_port == b->to_port;
}

/* Adds rule r to the permission p of the DescribeSecurityGroups shape. */
static void s_perm_add(const vs_model_t *m, const vs_sg_t *g, vs_json_t *p, const vs_sg_rule_t *r)
{
    char buf[VS_CIDR_STRLEN];
    vs_json_t *e;
    switch (r->peer) {
    case VS_SG_PEER_GROUP:
        vs_json_push((vs_json_t *)vs_json_get(p, "UserIdGroupPairs"), s_pair(m, g, r, false));
        break;
    case VS_SG_PEER_CIDR4:
    case VS_SG_PEER_CIDR6:
        e = vs_json_push((vs_json_t *)vs_json_get(p, r->peer == VS_SG_PEER_CIDR4 ? "IpRanges"
                                                                                 : "Ipv6Ranges"),
                         vs_json_object());
        if (r->desc[0])
            vs_json_set_str(e, "Description", r->desc);
        vs_cidr_format(&r->cidr, buf, sizeof buf);
        vs_json_set_str(e, r->peer == VS_SG_PEER_CIDR4 ? "CidrIp" : "CidrIpv6", buf);
        break;
    case VS_SG_PEER_PREFIX_LIST:
        e = vs_json_push((vs_json_t *)vs_json_get(p, "PrefixListIds"), vs_json_object());
        if (r->desc[0])
            vs_json_set_str(e, "Description", r->desc);
        vs_json_set_str(e, "PrefixListId", r->prefix_list_id);
        break;
    }
}

/* EC2 shows one IpPermission per (protocol, ports), with every peer of
 * those rules in its lists; permissions in order of their first rule. */
vs_json_t *vs_sg__perms_output(const vs_model_t *m, const vs_sg_t *g, bool egress)
{
    const vs_sg_rule_t *rules = egress ? g->out : g->in;
    size_t n = egress ? g->nout : g->nin;
    vs_json_t *arr = vs_json_array();
    char pbuf[VS_SG_PROTO_LEN];
    for (size_t i = 0; i < n; i++) {
        size_t first = 0;
        while (first < i && !s_same_perm(&rules[first], &rules[i]))
            first++;
        if (first < i)
            continue;    /* already printed with its permission */
        vs_json_t *p = vs_json_push(arr, vs_json_object());
        vs_json_set_str(p, "IpProtocol", vs_sg__proto_name(rules[i].proto, pbuf));
        s_perm_ports(p, &rules[i]);
        vs_json_set(p, "UserIdGroupPairs", vs_json_array());
        vs_json_set(p, "IpRanges", vs_json_array());
        vs_json_set(p, "Ipv6Ranges", vs_json_array());
        vs_json_set(p, "PrefixListIds", vs_json_array());
        for (size_t j = i; j < n; j++)
            if (s_same_perm(&rules[j], &rules[i]))
                s_perm_add(m, g, p, &rules[j]);
    }
    return arr;
}

/* --- SecurityGroupRule -------------------------------------------------------------- */

vs_json_t *vs_sg__rule_output(const vs_model_t *m, const vs_sg_t *g, const vs_sg_rule_t *r,
                              bool egress)
{
    char buf[VS_CIDR_STRLEN], arn[VS_ARN_LEN];
    vs_json_t *d = vs_json_object();
    vs_json_set_str(d, "SecurityGroupRuleId", r->rule_id);
    vs_json_set_str(d, "GroupId", g->base.id);
    vs_json_set_str(d, "GroupOwnerId", vs_model_account(m));
    vs_json_set_bool(d, "IsEgress", egress);
    vs_json_set_str(d, "IpProtocol", vs_sg__proto_name(r->proto, buf));
    vs_json_set_int(d, "FromPort", r->from_port);
    vs_json_set_int(d, "ToPort", r->to_port);
    switch (r->peer) {
    case VS_SG_PEER_CIDR4:
    case VS_SG_PEER_CIDR6:
        vs_cidr_format(&r->cidr, buf, sizeof buf);
        vs_json_set_str(d, r->peer == VS_SG_PEER_CIDR4 ? "CidrIpv4" : "CidrIpv6", buf);
        break;
    case VS_SG_PEER_PREFIX_LIST:
        vs_json_set_str(d, "PrefixListId", r->prefix_list_id);
        break;
    case VS_SG_PEER_GROUP: {
        const char *pcx, *status;
        vs_sg__ref_status(m, g, r, &pcx, &status);
        vs_json_t *ref = vs_json_set(d, "ReferencedGroupInfo", vs_json_object());
        vs_json_set_str(ref, "GroupId", r->group_id);
        if (status)
            vs_json_set_str(ref, "PeeringStatus", status);
        vs_json_set_str(ref, "UserId", r->user_id);
        if (pcx) {
            vs_json_set_str(ref, "VpcId", r->vpc_id);
            vs_json_set_str(ref, "VpcPeeringConnectionId", pcx);
        }
        break;
    }
    }
    if (r->desc[0])
        vs_json_set_str(d, "Description", r->desc);
    if (vs_model__arn(m, "security-group-rule", r->rule_id, arn) > 0)
        vs_json_set_str(d, "SecurityGroupRuleArn", arn);
    return d;
}

/* --- DescribeStaleSecurityGroups -------------------------------------------------------- */

/* StaleIpPermission: {FromPort?, IpProtocol, ToPort?, UserIdGroupPairs},
 * one per (protocol, ports) as in IpPermissions. IpRanges and
 * PrefixListIds never go stale, so they are left out, as EC2 does. */
static vs_json_t *s_stale_perms(const vs_model_t *m, const vs_sg_t *g, bool egress)
{
    const vs_sg_rule_t *rules = egress ? g->out : g->in;
    size_t n = egress ? g->nout : g->nin;
    vs_json_t *arr = vs_json_array();
    char pbuf[VS_SG_PROTO_LEN];
    for (size_t i = 0; i < n; i++) {
        if (!vs_sg__rule_stale(m, g, &rules[i]))
            continue;
        size_t first = 0;
        while (first < i && !(s_same_perm(&rules[first], &rules[i]) &&
                              vs_sg__rule_stale(m, g, &rules[first])))
            first++;
        if (first < i)
            continue;
        vs_json_t *p = vs_json_push(arr, vs_json_object());
        bool ports = vs_sg__proto_has_ports(rules[i].proto);
        if (ports)
            vs_json_set_int(p, "FromPort", rules[i].from_port);
        vs_json_set_str(p, "IpProtocol", vs_sg__proto_name(rules[i].proto, pbuf));
        if (ports)
            vs_json_set_int(p, "ToPort", rules[i].to_port);
        vs_json_t *pairs = vs_json_set(p, "UserIdGroupPairs", vs_json_array());
        for (size_t j = i; j < n; j++)
            if (s_same_perm(&rules[j], &rules[i]) && vs_sg__rule_stale(m, g, &rules[j]))
                vs_json_push(pairs, s_pair(m, g, &rules[j], true));
    }
    return arr;
}

static bool s_has_stale(const vs_model_t *m, const vs_sg_t *g)
{
    for (size_t i = 0; i < g->nin; i++)
        if (vs_sg__rule_stale(m, g, &g->in[i]))
            return true;
    for (size_t i = 0; i < g->nout; i++)
        if (vs_sg__rule_stale(m, g, &g->out[i]))
            return true;
    return false;
}

int vs_sg__describe_stale(vs_model_t *m, const char *caller, const vs_json_t *in,
                          vs_json_t **out, vs_awserr_t *err)
{
    const char *vpc_id;
    vs_page_t page;
    bool present = false;
    int64_t max = 0;
    if (vs_param_str(in, "VpcId", true, &vpc_id, err) != 0 ||
        vs_param_int(in, "MaxResults", &present, &max, err) != 0)
        return -1;
    /* This call takes 5..255 results per page (EC2's model), fewer than
     * the other Describe* calls. */
    if (present && (max < 5 || max > 255))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value ( %lld ) for parameter maxResults is invalid. Parameter must "
                             "be between 5 and 255.", (long long)max);
    vs_json_t *in2 = vs_json_clone(in);
    if (!in2)
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    vs_json_remove(in2, "MaxResults");
    int rc = vs_page_parse(in2, &page, err);
    vs_json_free(&in2);
    if (rc != 0 || !vs_model__resolve(m, caller, &vs_kind_vpc, vpc_id, err))
        return -1;
    if (present)
        page.max = (size_t)max;
    vs_json_t *list = vs_json_array();
    const vs_obj_t *resume = NULL;
    size_t taken = 0;
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_sg); o; o = vs_model__next(o, &vs_kind_sg)) {
        const vs_sg_t *g = (const vs_sg_t *)o;
        if (o->seq < page.start_seq || strcmp(g->vpc_id, vpc_id) || !s_has_stale(m, g))
            continue;
        if (taken == page.max) {
            resume = o;
            break;
        }
        vs_json_t *d = vs_json_push(list, vs_json_object());
        vs_json_set_str(d, "Description", g->desc);
        vs_json_set_str(d, "GroupId", g->base.id);
        vs_json_set_str(d, "GroupName", g->name);
        vs_json_set(d, "StaleIpPermissions", s_stale_perms(m, g, false));
        vs_json_set(d, "StaleIpPermissionsEgress", s_stale_perms(m, g, true));
        vs_json_set_str(d, "VpcId", g->vpc_id);
        taken++;
    }
    *out = vs_json_object();
    if (resume) {
        char tok[VS_PAGE_TOKEN_LEN];
        vs_page_token(resume->seq, tok);
        vs_json_set_str(*out, "NextToken", tok);
    }
    vs_json_set(*out, "StaleSecurityGroupSet", list);
    return 0;
}
