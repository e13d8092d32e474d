/* nacl_entry: the actions on the rules of a network ACL -
 * CreateNetworkAclEntry, ReplaceNetworkAclEntry, DeleteNetworkAclEntry -
 * as a module of their own (the rules' storage, output and persisted form
 * are nacl_rules.c, below the ACL kind in ec2_nacl.c). Limits as EC2 has them: rule numbers 1..32766 (the `*`
 * rules 32767/32768 cannot be touched), one rule per (number, direction),
 * 20 rules per direction counting the `*` rules.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "nacl.h"
#include "params.h"

/* --- limits ---------------------------------------------------------------------------- */

static bool s_has_ports(int proto) { return proto == 6 || proto == 17; }
static bool s_is_icmp(int proto) { return proto == 1 || proto == 58; }

static size_t s_count(const vs_nacl_t *acl, bool egress)
{
    size_t n = 0;
    for (size_t i = 0; i < acl->nentries; i++)
        n += acl->entries[i].egress == egress;
    return n;
}

/* --- parameters ---------------------------------------------------------------------- */

/* "-1"/"all", a name EC2 knows, or a protocol number 0..255. */
static int s_parse_proto(const char *s, int *out, vs_awserr_t *err)
{
    static const struct { const char *name; int num; } names[] = {
        { "all", -1 }, { "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "icmpv6", 58 },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(s, names[i].name)) {
            *out = names[i].num;
            return 0;
        }
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (s[0] && end && !*end && v >= -1 && v <= 255) {
        *out = (int)v;
        return 0;
    }
    return vs_awserr_set(err, "InvalidParameterValue", "Invalid value '%.*s' for protocol.", 100,
                         s);
}

/* An optional {A: int, B: int} member; *present says whether it was given. */
static int s_pair(const vs_json_t *in, const char *key, const char *a, const char *b,
                  bool *present, int64_t *va, int64_t *vb, vs_awserr_t *err)
{
    const vs_json_t *o = vs_json_get(in, key);
    *present = o != NULL;
    if (!o)
        return 0;
    bool ha = false, hb = false;
    if (vs_json_type(o) != VS_JSON_OBJECT || vs_param_int(o, a, &ha, va, err) != 0 ||
        vs_param_int(o, b, &hb, vb, err) != 0)
        return vs_param_invalid(err, key);
    if (!ha)
        *va = -1;
    if (!hb)
        *vb = -1;
    return 0;
}

/* Reads the ACL, rule number and direction every entry action names. */
static vs_nacl_t *s_target(vs_model_t *m, const char *caller, const vs_json_t *in, int *rule,
                           bool *egress, vs_awserr_t *err)
{
    const char *id;
    bool have_rule = false;
    int64_t r = 0;
    vs_nacl_t *acl;
    if (vs_param_str(in, "NetworkAclId", true, &id, err) != 0 ||
        vs_param_int(in, "RuleNumber", &have_rule, &r, err) != 0)
        return NULL;
    if (!have_rule) {
        vs_param_missing(err, "RuleNumber");
        return NULL;
    }
    if (!vs_json_get(in, "Egress")) {
        vs_param_missing(err, "Egress");
        return NULL;
    }
    if (vs_param_bool(in, "Egress", egress, err) != 0 ||
        !(acl = vs_model__resolve(m, caller, &vs_kind_nacl, id, err)))
        return NULL;
    /* [INF: the wording; EC2's code for an out-of-range number.] */
    if (r < VS_NACL_RULE_MIN || r > VS_NACL_RULE_MAX) {
        vs_awserr_set(err, "InvalidParameterValue",
                      "Value (%lld) for parameter ruleNumber is invalid. Rule number must be "
                      "between %d and %d.", (long long)r, VS_NACL_RULE_MIN, VS_NACL_RULE_MAX);
        return NULL;
    }
    *rule = (int)r;
    return acl;
}

/* The whole entry of a Create/Replace call into *e. */
static int s_parse_entry(const vs_json_t *in, int rule, bool egress, vs_nacl_entry_t *e,
                         vs_awserr_t *err)
{
    const char *proto_s, *action, *c4, *c6;
    memset(e, 0, sizeof *e);
    e->rule = rule;
    e->egress = egress;
    if (vs_param_str(in, "Protocol", true, &proto_s, err) != 0 ||
        vs_param_str(in, "RuleAction", true, &action, err) != 0 ||
        vs_param_str(in, "CidrBlock", false, &c4, err) != 0 ||
        vs_param_str(in, "Ipv6CidrBlock", false, &c6, err) != 0 ||
        s_parse_proto(proto_s, &e->proto, err) != 0)
        return -1;
    if (strcmp(action, "allow") && strcmp(action, "deny"))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%.*s) for parameter ruleAction is invalid. Valid values: "
                             "allow, deny.", 100, action);
    e->allow = !strcmp(action, "allow");
    if (c4 && c6)
        return vs_awserr_set(err, "InvalidParameterCombination",
                             "The parameter cidrBlock cannot be used with the parameter "
                             "ipv6CidrBlock");
    if (!c4 && !c6)
        return vs_awserr_set(err, "MissingParameter",
                             "Either 'cidrBlock' or 'ipv6CidrBlock' should be provided.");
    /* EC2 canonicalises the block ("100.68.0.18/18" -> "100.68.0.0/18"). */
    if (vs_cidr_parse(c4 ? c4 : c6, VS_CIDR_CANON, &e->cidr) != 0 ||
        e->cidr.addr.family != (c4 ? 4 : 6))
        return vs_awserr_set(err, "InvalidParameterValue",
                             "Value (%.*s) for parameter %s is invalid. This is not a valid CIDR "
                             "block.", 100, c4 ? c4 : c6, c4 ? "cidrBlock" : "ipv6CidrBlock");
    bool have_pr, have_ic;
    int64_t from, to, type, code;
    if (s_pair(in, "PortRange", "From", "To", &have_pr, &from, &to, err) != 0 ||
        s_pair(in, "IcmpTypeCode", "Type", "Code", &have_ic, &type, &code, err) != 0)
        return -1;
    e->from_port = e->to_port = e->icmp_type = e->icmp_code = -1;
    if (s_has_ports(e->proto)) {
        /* "Required if specifying protocol 6 (TCP) or 17 (UDP)." */
        if (!have_pr || from < 0 || to < 0)
            return vs_awserr_set(err, "InvalidParameterValue",
                                 "TCP and UDP rules require a port range (PortRange From and To).");
        if (from > 65535 || to > 65535 || from > to)
            return vs_awserr_set(err, "InvalidParameterValue",
                                 "Invalid port range: from %lld to %lld.", (long long)from,
                                 (long long)to);
        e->from_port = (int)from;
        e->to_port = (int)to;
    } else if (s_is_icmp(e->proto) && have_ic) {
        if (type < -1 || type > 255 || code < -1 || code > 255)
            return vs_awserr_set(err, "InvalidParameterValue",
                                 "Invalid ICMP type or code: %lld/%lld.", (long long)type,
                                 (long long)code);
        e->icmp_type = (int)type;
        e->icmp_code = (int)code;
    }
    return 0;
}

/* --- actions --------------------------------------------------------------------------- */

int vs_nacl__create_entry(vs_model_t *m, const char *caller, const vs_json_t *in,
                          vs_json_t **out, vs_awserr_t *err)
{
    int rule;
    bool egress = false;
    vs_nacl_entry_t e;
    vs_nacl_t *acl = s_target(m, caller, in, &rule, &egress, err);
    if (!acl || s_parse_entry(in, rule, egress, &e, err) != 0)
        return -1;
    if (vs_nacl__find(acl, rule, egress))
        return vs_awserr_set(err, "NetworkAclEntryAlreadyExists",
                             "The network acl entry identified by %d already exists.", rule);
    if (s_count(acl, egress) >= VS_NACL_MAX_ENTRIES)
        return vs_awserr_set(err, "NetworkAclEntryLimitExceeded",
                             "The maximum number of network acl entries has been reached.");
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    if (vs_nacl__insert(acl, &e) != 0)
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    vs_model__touch(m, &acl->base);
    return 0;
}

static int s_not_found(vs_awserr_t *err, int rule, bool egress)
{
    return vs_awserr_set(err, "InvalidNetworkAclEntry.NotFound", "no %s entry with number %d",
                         egress ? "egress" : "ingress", rule);
}

int vs_nacl__replace_entry(vs_model_t *m, const char *caller, const vs_json_t *in,
                           vs_json_t **out, vs_awserr_t *err)
{
    int rule;
    bool egress = false;
    vs_nacl_entry_t e;
    vs_nacl_t *acl = s_target(m, caller, in, &rule, &egress, err);
    if (!acl || s_parse_entry(in, rule, egress, &e, err) != 0)
        return -1;
    vs_nacl_entry_t *cur = vs_nacl__find(acl, rule, egress);
    if (!cur)
        return s_not_found(err, rule, egress);
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    *cur = e;    /* same rule number and direction: the order holds */
    vs_model__touch(m, &acl->base);
    return 0;
}

int vs_nacl__delete_entry(vs_model_t *m, const char *caller, const vs_json_t *in,
                          vs_json_t **out, vs_awserr_t *err)
{
    int rule;
    bool egress = false;
    vs_nacl_t *acl = s_target(m, caller, in, &rule, &egress, err);
    if (!acl)
        return -1;
    vs_nacl_entry_t *cur = vs_nacl__find(acl, rule, egress);
    if (!cur)
        return s_not_found(err, rule, egress);
    if (vs_model__dry_run_check(m, err) != 0)
        return -1;
    vs__erase(acl->entries, &acl->nentries, sizeof *acl->entries, (size_t)(cur - acl->entries));
    vs_model__touch(m, &acl->base);
    return 0;
}

static const vs_action_t s_actions[] = {
    { "CreateNetworkAclEntry", vs_nacl__create_entry },
    { "ReplaceNetworkAclEntry", vs_nacl__replace_entry },
    { "DeleteNetworkAclEntry", vs_nacl__delete_entry },
    { NULL, NULL }
};

const vs_module_t vs_module_nacl_entry = {
    .name = "nacl-entry",
    .actions = s_actions,
};
