/* sg_rules: AuthorizeSecurityGroupIngress/Egress and
 * RevokeSecurityGroupIngress/Egress - reading rules from the simple form
 * (IpProtocol, FromPort, ToPort, CidrIp, SourceSecurityGroupName) or from
 * IpPermissions, and validating references to other groups, including a
 * peer VPC's group across an active same-Region pcx (reference 7.3).
 *
 * One IpPermission with several peers makes one rule per peer, as EC2
 * counts them (60 per direction). A call changes nothing unless every rule
 * in it is valid.
 */
#include <ctype.h>
#include <strings.h>
#include <stdio.h>

#include "params.h"
#include "pcx_model.h"
#include "sg.h"
#include "sg_dir.h"

typedef struct {
    vs_sg_rule_t *v;
    size_t n;
} s_list_t;

static int s_oom(vs_awserr_t *err)
{
    return vs_awserr_set(err, "InternalError", "An internal error has occurred");
}

static int s_notfound(vs_awserr_t *err, const char *what)
{
    return vs_awserr_set(err, "InvalidGroup.NotFound", "The security group '%.*s' does not exist",
                         VS_SG_NAME_LEN, what);
}

/* --- protocol and ports ------------------------------------------------------ */

static int s_proto(const char *s, int *out, vs_awserr_t *err)
{
    static const struct { const char *name; int num; } names[] = {
        { "tcp", VS_SG_TCP }, { "udp", VS_SG_UDP }, { "icmp", VS_SG_ICMP },
        { "icmpv6", VS_SG_ICMPV6 }, { "all", VS_SG_ALL },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(s, names[i].name)) {
            *out = names[i].num;
            return 0;
        }
    char *end = NULL;
    long n = strtol(s, &end, 10);
    if (*s && end && !*end && n >= -1 && n <= 255 && (isdigit((unsigned char)*s) || *s == '-')) {
        *out = (int)n;
        return 0;
    }
    return vs_awserr_set(err, "InvalidParameterValue",
                         "Invalid value '%.*s' for IP protocol. Unknown protocol.", 64, s);
}

/* Fills proto and ports of r. Protocols without ports (all traffic,
 * numbers other than TCP/UDP/ICMP/ICMPv6) ignore the ports given, as EC2
 * does; TCP/UDP need both; ICMP takes type and code, -1 for any. */
static int s_ports(int proto, bool has_from, int64_t from, bool has_to, int64_t to,
                   vs_sg_rule_t *r, vs_awserr_t *err)
{
    r->proto = proto;
    r->from_port = r->to_port = -1;
    if (proto == VS_SG_TCP || proto == VS_SG_UDP) {
        if (!has_from || !has_to)
            return vs_awserr_set(err, "InvalidParameterValue",
                                 "Invalid value 'Must specify both from and to ports with "
                                 "TCP/UDP.' for portRange");
        if (from < 0 || to > 65535 || from > to)
            return vs_awserr_set(err, "InvalidParameterValue",
                                 "Invalid TCP/UDP port range %lld-%lld: ports must be 0-65535 "
                                 "and FromPort <= ToPort", (long long)from, (long long)to);
    } else if (proto == VS_SG_ICMP || proto == VS_SG_ICMPV6) {
        from = has_from ? from : -1;
        to = has_to ? to : -1;
        if (from < -1 || from > 255 || to < -1 || to > 255)
            return vs_awserr_set(err, "InvalidParameterValue",
                                 "Invalid ICMP type %lld or code %lld: must be -1..255",
                                 (long long)from, (long long)to);
    } else {
        return 0;
    }
    r->from_port = (int)from;
    r->to_port = (int)to;
    return 0;
}

static int s_desc(const vs_json_t *o, vs_sg_rule_t *r, vs_awserr_t *err)
{
    const char *d;
    if (vs_param_str(o, "Description", false, &d, err) != 0)
        return -1;
    if (d && strlen(d) >= sizeof r->desc)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value for parameter Description is invalid. Length must be at most "
                             "255 characters.");
    snprintf(r->desc, sizeof r->desc, "%s", d ? d : "");
    return 0;
}

static int s_cidr(const char *s, int family, vs_sg_rule_t *r, vs_awserr_t *err)
{
    if (vs_cidr_parse(s, VS_CIDR_STRICT, &r->cidr) != 0 || r->cidr.addr.family != family)
        return vs_awserr_set(err, "InvalidParameterValue", "CIDR block %.*s is malformed", 64, s);
    r->peer = family == 4 ? VS_SG_PEER_CIDR4 : VS_SG_PEER_CIDR6;
    return 0;
}

/* --- group references -------------------------------------------------------- */

/* A reference to a group of another account: valid only if the group is
 * in a VPC joined to g's by an active same-Region pcx (reference 7.3),
 * which the peer's directory tells (sg_dir.h). The group ID alone places
 * it, whatever the number of connections to that account; vpc_id / pcx_id
 * narrow the candidates down when given. A peer VPC across Regions is
 * refused with EC2's error. */
static int s_ref_remote(const vs_model_t *m, const vs_sg_t *g, const char *owner,
                        const char *vpc_id, const char *pcx_id, vs_sg_rule_t *r, vs_awserr_t *err)
{
    bool inter = false;
    for (const vs_pcx_obj_t *o = vs_pcx__first(m); o; o = vs_pcx__next(o)) {
        const vs_pcx_t *p = &o->rec;
        if (o->hidden || p->state != VS_PCX_ACTIVE || !vs_pcx__involves(o, g->vpc_id))
            continue;
        const vs_pcx_vpc_t *other =
            !strcmp(p->requester.vpc_id, g->vpc_id) ? &p->accepter : &p->requester;
        if (strcmp(other->account, owner) || (vpc_id && strcmp(other->vpc_id, vpc_id)) ||
            (pcx_id && strcmp(p->id, pcx_id)))
            continue;
        if (p->inter_region) {
            inter = true;
            continue;
        }
        const vs_sgdir_group_t *x = vs_sgdir__group(vs_sgdir__for_pcx(m, p->id), r->group_id);
        if (x && x->present) {
            snprintf(r->vpc_id, sizeof r->vpc_id, "%s", other->vpc_id);
            snprintf(r->pcx_id, sizeof r->pcx_id, "%s", p->id);
            return 0;
        }
    }
    if (inter)
        return vs_awserr_set(err, "InvalidParameterValue",
                             "You cannot reference a security group in a peer VPC that is in a "
                             "different Region");
    return s_notfound(err, r->group_id);
}

/* One UserIdGroupPair into r (peer GROUP). For a revoke only the group is
 * needed: stale references must stay removable. */
static int s_pair(const vs_model_t *m, const vs_sg_t *g, const vs_json_t *pair, bool revoke,
                  vs_sg_rule_t *r, vs_awserr_t *err)
{
    const char *gid, *gname, *user, *vpc_id, *pcx_id;
    if (vs_json_type(pair) != VS_JSON_OBJECT)
        return vs_param_invalid(err, "UserIdGroupPairs");
    if (vs_param_str(pair, "GroupId", false, &gid, err) != 0 ||
        vs_param_str(pair, "GroupName", false, &gname, err) != 0 ||
        vs_param_str(pair, "UserId", false, &user, err) != 0 ||
        vs_param_str(pair, "VpcId", false, &vpc_id, err) != 0 ||
        vs_param_str(pair, "VpcPeeringConnectionId", false, &pcx_id, err) != 0 ||
        s_desc(pair, r, err) != 0)
        return -1;
    r->peer = VS_SG_PEER_GROUP;
    const char *me = vs_model_account(m);
    char owner[VS_ACCOUNT_LEN];
    snprintf(owner, sizeof owner, "%s", user ? user : me);
    if (gid) {
        /* "123456789012/sg-1a2b3c4d": the console's cross-account form. */
        const char *slash = strchr(gid, '/');
        if (slash) {
            if ((size_t)(slash - gid) != VS_ACCOUNT_LEN - 1 ||
                (user && strncmp(user, gid, VS_ACCOUNT_LEN - 1)))
                return s_notfound(err, gid);
            snprintf(owner, sizeof owner, "%.*s", VS_ACCOUNT_LEN - 1, gid);
            gid = slash + 1;
        }
        if (!vs_id_valid(gid, "sg"))
            return vs_model__err_malformed(err, "sg", gid);
        snprintf(r->group_id, sizeof r->group_id, "%s", gid);
    } else if (!gname) {
        return vs_param_missing(err, "GroupId");
    }
    if (!vs_account_valid(owner))
        return vs_awserr_set(err, "InvalidUserID.Malformed", "Invalid user id: '%.*s'", 64, owner);
    snprintf(r->user_id, sizeof r->user_id, "%s", owner);
    bool local_owner = !strcmp(owner, me);
    if (!gid) {
        /* A name only names a group of the same VPC (and account). */
        const vs_sg_t *byname = local_owner ? vs_sg__by_name(m, g->vpc_id, gname) : NULL;
        if (!byname)
            return s_notfound(err, gname);
        snprintf(r->group_id, sizeof r->group_id, "%s", byname->base.id);
    }
    if (revoke)
        return 0;
    const vs_sg_t *ref = local_owner ? vs_sg__get(m, r->group_id) : NULL;
    if (!ref)
        return s_ref_remote(m, g, owner, vpc_id, pcx_id, r, err);
    if (!strcmp(ref->vpc_id, g->vpc_id))
        return 0;
    /* Our own group in another VPC: only across an active pcx. */
    const char *pcx = vs_sg__active_pcx(m, g->vpc_id, ref->vpc_id);
    if (!pcx || (vpc_id && strcmp(vpc_id, ref->vpc_id)) || (pcx_id && strcmp(pcx_id, pcx)))
        return s_notfound(err, r->group_id);
    snprintf(r->vpc_id, sizeof r->vpc_id, "%s", ref->vpc_id);
    snprintf(r->pcx_id, sizeof r->pcx_id, "%s", pcx);
    return 0;
}

/* --- reading the rules of a call ----------------------------------------------- */

static int s_push(s_list_t *l, const vs_sg_rule_t *r, vs_awserr_t *err)
{
    if (l->n >= 4 * VS_SG_MAX_RULES)
        return vs_awserr_set(err, "RulesPerSecurityGroupLimitExceeded",
                             "The maximum number of rules per security group has been reached.");
    return VS_APPEND(l->v, l->n, r) == 0 ? 0 : s_oom(err);
}

/* Checks that `key` of o is a list of objects; *arr NULL if absent. */
static int s_objlist(const vs_json_t *o, const char *key, const vs_json_t **arr, vs_awserr_t *err)
{
    *arr = vs_json_get(o, key);
    if (!*arr || vs_json_type(*arr) == VS_JSON_NULL) {
        *arr = NULL;
        return 0;
    }
    if (vs_json_type(*arr) != VS_JSON_ARRAY || vs_json_len(*arr) > VS_PARAM_LIST_MAX)
        return vs_param_invalid(err, key);
    for (size_t i = 0; i < vs_json_len(*arr); i++)
        if (vs_json_type(vs_json_at(*arr, i)) != VS_JSON_OBJECT)
            return vs_param_invalid(err, key);
    return 0;
}

/* One IpPermission: protocol and ports, then one rule per peer. */
static int s_perm(const vs_model_t *m, const vs_sg_t *g, const vs_json_t *perm, bool revoke,
                  s_list_t *out, vs_awserr_t *err)
{
    const char *ps;
    bool has_from = false, has_to = false;
    int64_t from = 0, to = 0;
    int proto;
    vs_sg_rule_t t = { 0 };
    const vs_json_t *v4, *v6, *pairs, *pls;
    if (vs_json_type(perm) != VS_JSON_OBJECT)
        return vs_param_invalid(err, "IpPermissions");
    if (vs_param_str(perm, "IpProtocol", true, &ps, err) != 0 || s_proto(ps, &proto, err) != 0 ||
        vs_param_int(perm, "FromPort", &has_from, &from, err) != 0 ||
        vs_param_int(perm, "ToPort", &has_to, &to, err) != 0 ||
        s_ports(proto, has_from, from, has_to, to, &t, err) != 0 ||
        s_objlist(perm, "IpRanges", &v4, err) != 0 || s_objlist(perm, "Ipv6Ranges", &v6, err) != 0 ||
        s_objlist(perm, "UserIdGroupPairs", &pairs, err) != 0 ||
        s_objlist(perm, "PrefixListIds", &pls, err) != 0)
        return -1;
    size_t before = out->n;
    for (size_t i = 0; i < vs_json_len(v4); i++) {
        const char *c;
        vs_sg_rule_t r = t;
        if (vs_param_str(vs_json_at(v4, i), "CidrIp", true, &c, err) != 0 ||
            s_cidr(c, 4, &r, err) != 0 || s_desc(vs_json_at(v4, i), &r, err) != 0 ||
            s_push(out, &r, err) != 0)
            return -1;
    }
    for (size_t i = 0; i < vs_json_len(v6); i++) {
        const char *c;
        vs_sg_rule_t r = t;
        if (vs_param_str(vs_json_at(v6, i), "CidrIpv6", true, &c, err) != 0 ||
            s_cidr(c, 6, &r, err) != 0 || s_desc(vs_json_at(v6, i), &r, err) != 0 ||
            s_push(out, &r, err) != 0)
            return -1;
    }
    for (size_t i = 0; i < vs_json_len(pairs); i++) {
        vs_sg_rule_t r = t;
        if (s_pair(m, g, vs_json_at(pairs, i), revoke, &r, err) != 0 || s_push(out, &r, err) != 0)
            return -1;
    }
    for (size_t i = 0; i < vs_json_len(pls); i++) {
        const char *pl;
        vs_sg_rule_t r = t;
        if (vs_param_str(vs_json_at(pls, i), "PrefixListId", true, &pl, err) != 0)
            return -1;
        if (!vs_id_valid(pl, "pl"))
            return vs_awserr_set(err, "InvalidPrefixListID.Malformed",
                                 "Invalid id: \"%.*s\" (expecting \"pl-...\")", 64, pl);
        r.peer = VS_SG_PEER_PREFIX_LIST;
        snprintf(r.prefix_list_id, sizeof r.prefix_list_id, "%s", pl);
        if (s_desc(vs_json_at(pls, i), &r, err) != 0 || s_push(out, &r, err) != 0)
            return -1;
    }
    /* A permission must say whom it admits. */
    if (out->n == before)
        return vs_param_missing(err, "IpPermissions.IpRanges");
    return 0;
}

/* The simple (pre-IpPermissions) form. SourceSecurityGroupName grants
 * full ICMP, TCP and UDP access from a group of the same VPC, as EC2
 * documents, and cannot be combined with a protocol, ports or a CIDR. */
static int s_simple(const vs_model_t *m, const vs_sg_t *g, const vs_json_t *in, bool revoke,
                    s_list_t *out, vs_awserr_t *err)
{
    const char *ps, *cidr, *src, *src_owner;
    bool has_from = false, has_to = false;
    int64_t from = 0, to = 0;
    if (vs_param_str(in, "IpProtocol", false, &ps, err) != 0 ||
        vs_param_str(in, "CidrIp", false, &cidr, err) != 0 ||
        vs_param_str(in, "SourceSecurityGroupName", false, &src, err) != 0 ||
        vs_param_str(in, "SourceSecurityGroupOwnerId", false, &src_owner, err) != 0 ||
        vs_param_int(in, "FromPort", &has_from, &from, err) != 0 ||
        vs_param_int(in, "ToPort", &has_to, &to, err) != 0)
        return -1;
    if (src) {
        if (ps || cidr || has_from || has_to)
            return vs_awserr_set(err, "InvalidParameterCombination",
                                 "The parameter SourceSecurityGroupName cannot be used with the "
                                 "parameters IpProtocol, FromPort, ToPort or CidrIp");
        const vs_sg_t *s = (!src_owner || !strcmp(src_owner, vs_model_account(m)))
                               ? vs_sg__by_name(m, g->vpc_id, src) : NULL;
        if (!s)
            return s_notfound(err, src);
        static const int protos[] = { VS_SG_ICMP, VS_SG_TCP, VS_SG_UDP };
        for (size_t i = 0; i < 3; i++) {
            vs_sg_rule_t r = { .peer = VS_SG_PEER_GROUP };
            bool icmp = protos[i] == VS_SG_ICMP;
            s_ports(protos[i], true, icmp ? -1 : 0, true, icmp ? -1 : 65535, &r, err);
            snprintf(r.group_id, sizeof r.group_id, "%s", s->base.id);
            snprintf(r.user_id, sizeof r.user_id, "%s", vs_model_account(m));
            if (s_push(out, &r, err) != 0)
                return -1;
        }
        return 0;
    }
    if (!ps)
        return vs_param_missing(err, "IpPermissions");
    int proto;
    vs_sg_rule_t r = { 0 };
    if (s_proto(ps, &proto, err) != 0 || s_ports(proto, has_from, from, has_to, to, &r, err) != 0)
        return -1;
    if (!cidr)
        return vs_param_missing(err, "CidrIp");
    if (s_cidr(cidr, 4, &r, err) != 0)
        return -1;
    return s_push(out, &r, err);
}

static int s_read(const vs_model_t *m, const vs_sg_t *g, const vs_json_t *in, bool revoke,
                  s_list_t *out, vs_awserr_t *err)
{
    static const char *const simple[] = { "IpProtocol", "FromPort", "ToPort", "CidrIp",
                                          "SourceSecurityGroupName", "SourceSecurityGroupOwnerId" };
    const vs_json_t *perms;
    if (s_objlist(in, "IpPermissions", &perms, err) != 0)
        return -1;
    if (!perms || vs_json_len(perms) == 0)
        return s_simple(m, g, in, revoke, out, err);
    for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++)
        if (vs_json_get(in, simple[i]))
            return vs_awserr_set(err, "InvalidParameterCombination",
                                 "The parameter IpPermissions cannot be used with the parameter %s",
                                 simple[i]);
    for (size_t i = 0; i < vs_json_len(perms); i++)
        if (s_perm(m, g, vs_json_at(perms, i), revoke, out, err) != 0)
            return -1;
    return 0;
}

/* --- matching ---------------------------------------------------------------------- */

static bool s_same_rule(const vs_sg_rule_t *a, const vs_sg_rule_t *b)
{
    if (a->proto != b->proto || a->from_port != b->from_port || a->to_port != b->to_port ||
        a->peer != b->peer)
        return false;
    switch (a->peer) {
    case VS_SG_PEER_CIDR4:
    case VS_SG_PEER_CIDR6: return vs_cidr_equal(&a->cidr, &b->cidr);
    case VS_SG_PEER_GROUP: return !strcmp(a->group_id, b->group_id);
    default: return !strcmp(a->prefix_list_id, b->prefix_list_id);
    }
}

/* "the specified rule "peer: 10.0.0.0/16, TCP, from port: 22, to port: 22,
 * ALLOW" already exists" */
static int s_err_duplicate(const vs_sg_rule_t *r, vs_awserr_t *err)
{
    char peer[VS_CIDR_STRLEN], what[64];
    if (r->peer == VS_SG_PEER_CIDR4 || r->peer == VS_SG_PEER_CIDR6)
        vs_cidr_format(&r->cidr, peer, sizeof peer);
    else
        snprintf(peer, sizeof peer, "%s",
                 r->peer == VS_SG_PEER_GROUP ? r->group_id : r->prefix_list_id);
    switch (r->proto) {
    case VS_SG_ALL: snprintf(what, sizeof what, "ALL"); break;
    case VS_SG_TCP:
    case VS_SG_UDP:
        snprintf(what, sizeof what, "%s, from port: %d, to port: %d",
                 r->proto == VS_SG_TCP ? "TCP" : "UDP", r->from_port, r->to_port);
        break;
    case VS_SG_ICMP:
    case VS_SG_ICMPV6:
        snprintf(what, sizeof what, "%s, type: %d, code: %d",
                 r->proto == VS_SG_ICMP ? "ICMP" : "ICMPV6", r->from_port, r->to_port);
        break;
    default: snprintf(what, sizeof what, "%d", r->proto); break;
    }
    return vs_awserr_set(err, "InvalidPermission.Duplicate",
                         "the specified rule \"peer: %s, %s, ALLOW\" already exists", peer, what);
}

/* --- the actions ------------------------------------------------------------------------ */

static vs_sg_t *s_target(vs_model_t *m, const char *caller, const vs_json_t *in, bool egress,
                         vs_awserr_t *err)
{
    /* Egress rules exist only for VPC groups, which EC2 names by ID. */
    if (egress && !vs_json_get(in, "GroupId")) {
        vs_param_missing(err, "GroupId");
        return NULL;
    }
    return vs_sg__resolve(m, caller, in, egress, err);
}

static int s_authorize(vs_model_t *m, const char *caller, const vs_json_t *in, bool egress,
                       vs_json_t **out, vs_awserr_t *err)
{
    s_list_t l = { 0 };
    vs_sg_t *g = s_target(m, caller, in, egress, err);
    int rc = g ? s_read(m, g, in, false, &l, err) : -1;
    vs_sg_rule_t **arr = g ? (egress ? &g->out : &g->in) : NULL;
    size_t *n = g ? (egress ? &g->nout : &g->nin) : NULL;
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        for (size_t j = 0; rc == 0 && j < *n; j++)
            if (s_same_rule(&l.v[i], &(*arr)[j]))
                rc = s_err_duplicate(&l.v[i], err);
        for (size_t j = 0; rc == 0 && j < i; j++)
            if (s_same_rule(&l.v[i], &l.v[j]))
                rc = s_err_duplicate(&l.v[i], err);
    }
    if (rc == 0 && *n + l.n > VS_SG_MAX_RULES)
        rc = vs_awserr_set(err, "RulesPerSecurityGroupLimitExceeded",
                           "The maximum number of rules per security group has been reached.");
    if (rc == 0)
        rc = vs_model__dry_run_check(m, err);
    if (rc == 0) {
        vs_sg_rule_t *grown = realloc(*arr, (*n + l.n) * sizeof **arr);
        rc = grown ? 0 : s_oom(err);
        if (grown)
            *arr = grown;
    }
    if (rc == 0) {
        *out = vs_json_object();
        vs_json_set_bool(*out, "Return", true);
        vs_json_t *list = vs_json_set(*out, "SecurityGroupRules", vs_json_array());
        for (size_t i = 0; i < l.n; i++) {
            vs_sg__new_rule_id(m, &l.v[i]);
            (*arr)[(*n)++] = l.v[i];
            vs_json_push(list, vs_sg__rule_output(m, g, &l.v[i], egress));
        }
        vs_model__touch(m, &g->base);
        vs_sgdir__vpc_changed(m, g->vpc_id);
    }
    free(l.v);
    return rc;
}

/* SecurityGroupRuleIds: each must be a rule of this direction. */
static int s_read_ids(const vs_sg_rule_t *rules, size_t n, const vs_json_t *ids, bool *drop,
                      vs_awserr_t *err)
{
    for (size_t i = 0; i < vs_json_len(ids); i++) {
        const char *id = vs_json_as_str(vs_json_at(ids, i));
        size_t j = 0;
        while (j < n && strcmp(rules[j].rule_id, id))
            j++;
        if (j == n)
            return vs_awserr_set(err, "InvalidSecurityGroupRuleId.NotFound",
                                 "The security group rule ID '%.*s' does not exist", 64, id);
        drop[j] = true;
    }
    return 0;
}

static int s_revoke(vs_model_t *m, const char *caller, const vs_json_t *in, bool egress,
                    vs_json_t **out, vs_awserr_t *err)
{
    s_list_t l = { 0 };
    const vs_json_t *ids = NULL;
    vs_sg_t *g = s_target(m, caller, in, egress, err);
    if (!g || vs_param_strlist(in, "SecurityGroupRuleIds", false, &ids, err) != 0)
        return -1;
    vs_sg_rule_t *rules = egress ? g->out : g->in;
    size_t *n = egress ? &g->nout : &g->nin;
    bool *drop = calloc(*n ? *n : 1, sizeof *drop);
    int rc = drop ? 0 : s_oom(err);
    if (rc == 0 && ids && vs_json_len(ids))
        rc = s_read_ids(rules, *n, ids, drop, err);
    else if (rc == 0)
        rc = s_read(m, g, in, true, &l, err);
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        size_t j = 0;
        while (j < *n && !s_same_rule(&l.v[i], &rules[j]))
            j++;
        if (j == *n)
            rc = vs_awserr_set(err, "InvalidPermission.NotFound",
                               "The specified rule does not exist in this security group.");
        else
            drop[j] = true;
    }
    if (rc == 0)
        rc = vs_model__dry_run_check(m, err);
    if (rc == 0) {
        size_t k = 0;
        for (size_t j = 0; j < *n; j++)
            if (!drop[j])
                rules[k++] = rules[j];
        *n = k;
        vs_model__touch(m, &g->base);
        vs_sgdir__vpc_changed(m, g->vpc_id);
        *out = vs_json_object();
        vs_json_set_bool(*out, "Return", true);
    }
    free(drop);
    free(l.v);
    return rc;
}

int vs_sg__authorize_ingress(vs_model_t *m, const char *caller, const vs_json_t *in,
                             vs_json_t **out, vs_awserr_t *err)
{
    return s_authorize(m, caller, in, false, out, err);
}

int vs_sg__authorize_egress(vs_model_t *m, const char *caller, const vs_json_t *in,
                            vs_json_t **out, vs_awserr_t *err)
{
    return s_authorize(m, caller, in, true, out, err);
}

int vs_sg__revoke_ingress(vs_model_t *m, const char *caller, const vs_json_t *in,
                          vs_json_t **out, vs_awserr_t *err)
{
    return s_revoke(m, caller, in, false, out, err);
}

int vs_sg__revoke_egress(vs_model_t *m, const char *caller, const vs_json_t *in,
                         vs_json_t **out, vs_awserr_t *err)
{
    return s_revoke(m, caller, in, true, out, err);
}

/* The rule actions are their own module, so that this file needs nothing
 * of the module that owns the group kind (ec2_sg.c) but its lookups. */
static const vs_action_t s_actions[] = {
    { "AuthorizeSecurityGroupIngress", vs_sg__authorize_ingress },
    { "AuthorizeSecurityGroupEgress", vs_sg__authorize_egress },
    { "RevokeSecurityGroupIngress", vs_sg__revoke_ingress },
    { "RevokeSecurityGroupEgress", vs_sg__revoke_egress },
    { NULL, NULL }
};

const vs_module_t vs_module_sg_rules = {
    .name = "sg-rules",
    .actions = s_actions,
};
