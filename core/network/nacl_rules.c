/* nacl_rules: the rules of a network ACL as data: kept in evaluation order
 * (ascending rule number per direction), found by (number, direction),
 * printed in the DescribeNetworkAcls shape and read back from the
 * persisted document. Used by the ACL kind (ec2_nacl.c) and the rule
 * actions (nacl_entry.c).
 */
#include <stdio.h>
#include <string.h>

#include "nacl.h"

/* --- ordered storage ---------------------------------------------------------------- */

static bool s_before(const vs_nacl_entry_t *a, const vs_nacl_entry_t *b)
{
    /* DescribeNetworkAcls lists the egress rules first, each direction in
     * ascending rule number; evaluation relies on the same order. */
    if (a->egress != b->egress)
        return a->egress;
    return a->rule < b->rule;
}

int vs_nacl__insert(vs_nacl_t *acl, const vs_nacl_entry_t *e)
{
    if (VS_APPEND(acl->entries, acl->nentries, e) != 0)
        return -1;
    size_t i = acl->nentries - 1;
    while (i > 0 && s_before(&acl->entries[i], &acl->entries[i - 1])) {
        vs_nacl_entry_t t = acl->entries[i];
        acl->entries[i] = acl->entries[i - 1];
        acl->entries[i - 1] = t;
        i--;
    }
    return 0;
}

vs_nacl_entry_t *vs_nacl__find(vs_nacl_t *acl, int rule, bool egress)
{
    for (size_t i = 0; i < acl->nentries; i++)
        if (acl->entries[i].rule == rule && acl->entries[i].egress == egress)
            return &acl->entries[i];
    return NULL;
}

static bool s_has_ports(int proto) { return proto == 6 || proto == 17; }
static bool s_is_icmp(int proto) { return proto == 1 || proto == 58; }

/* --- output and persisted form ---------------------------------------------------------- */

vs_json_t *vs_nacl__entry_output(const vs_nacl_entry_t *e)
{
    char buf[VS_CIDR_STRLEN];
    vs_json_t *d = vs_json_object();
    if (vs_cidr_format(&e->cidr, buf, sizeof buf) <= 0)
        buf[0] = '\0';
    if (e->cidr.addr.family == 4)
        vs_json_set_str(d, "CidrBlock", buf);
    vs_json_set_bool(d, "Egress", e->egress);
    if (s_is_icmp(e->proto)) {
        vs_json_t *ic = vs_json_set(d, "IcmpTypeCode", vs_json_object());
        vs_json_set_int(ic, "Code", e->icmp_code);
        vs_json_set_int(ic, "Type", e->icmp_type);
    }
    if (e->cidr.addr.family == 6)
        vs_json_set_str(d, "Ipv6CidrBlock", buf);
    if (s_has_ports(e->proto) && e->from_port >= 0) {
        vs_json_t *pr = vs_json_set(d, "PortRange", vs_json_object());
        vs_json_set_int(pr, "From", e->from_port);
        vs_json_set_int(pr, "To", e->to_port);
    }
    snprintf(buf, sizeof buf, "%d", e->proto);
    vs_json_set_str(d, "Protocol", buf);
    vs_json_set_str(d, "RuleAction", e->allow ? "allow" : "deny");
    vs_json_set_int(d, "RuleNumber", e->rule);
    return d;
}

static bool s_int_in(int64_t v, int64_t lo, int64_t hi) { return v >= lo && v <= hi; }

int vs_nacl__entry_from_doc(const vs_json_t *d, vs_nacl_entry_t *e)
{
    memset(e, 0, sizeof *e);
    const char *c4 = vs_json_get_str(d, "CidrBlock"), *c6 = vs_json_get_str(d, "Ipv6CidrBlock");
    const char *proto = vs_json_get_str(d, "Protocol"), *act = vs_json_get_str(d, "RuleAction");
    int64_t rule = vs_json_get_int(d, "RuleNumber", 0);
    int64_t p = proto ? strtoll(proto, NULL, 10) : -2;
    if (!c4 == !c6 || !act || !s_int_in(rule, VS_NACL_RULE_MIN, VS_NACL_RULE_STAR6) ||
        !s_int_in(p, -1, 255) ||
        vs_cidr_parse(c4 ? c4 : c6, VS_CIDR_STRICT, &e->cidr) != 0 ||
        e->cidr.addr.family != (c4 ? 4 : 6))
        return -1;
    e->rule = (int)rule;
    e->proto = (int)p;
    e->egress = vs_json_get_bool(d, "Egress", false);
    e->allow = !strcmp(act, "allow");
    const vs_json_t *pr = vs_json_get(d, "PortRange"), *ic = vs_json_get(d, "IcmpTypeCode");
    int64_t from = pr ? vs_json_get_int(pr, "From", -2) : -1;
    int64_t to = pr ? vs_json_get_int(pr, "To", -2) : -1;
    int64_t it = ic ? vs_json_get_int(ic, "Type", -2) : -1;
    int64_t icode = ic ? vs_json_get_int(ic, "Code", -2) : -1;
    if (!s_int_in(from, -1, 65535) || !s_int_in(to, -1, 65535) || !s_int_in(it, -1, 255) ||
        !s_int_in(icode, -1, 255))
        return -1;
    e->from_port = (int)from;
    e->to_port = (int)to;
    e->icmp_type = (int)it;
    e->icmp_code = (int)icode;
    return 0;
}
