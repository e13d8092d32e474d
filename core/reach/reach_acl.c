/* reach_acl: the network ACL steps of a reachability walk (reference 7.2
 * steps 2, 7 and 9; explanation code SUBNET_ACL_RESTRICTION, 7.4). A
 * packet meets the ACL of a subnet when it leaves or enters that subnet;
 * traffic between two addresses of one subnet never crosses it.
 */
#include <stdio.h>
#include <string.h>

#include "nacl.h"
#include "reach.h"

static vs_json_t *s_rule_json(const vs_nacl_entry_t *e)
{
    char buf[VS_CIDR_STRLEN];
    vs_json_t *j = vs_json_object();
    if (vs_cidr_format(&e->cidr, buf, sizeof buf) > 0)
        vs_json_set_str(j, "Cidr", buf);
    vs_json_set_bool(j, "Egress", e->egress);
    if ((e->proto == 6 || e->proto == 17) && e->from_port >= 0) {
        vs_json_t *pr = vs_json_set(j, "PortRange", vs_json_object());
        vs_json_set_int(pr, "From", e->from_port);
        vs_json_set_int(pr, "To", e->to_port);
    }
    vs_json_set_str(j, "Protocol", vs_reach__proto_name(e->proto, buf, sizeof buf));
    vs_json_set_str(j, "RuleAction", e->allow ? "allow" : "deny");
    vs_json_set_int(j, "RuleNumber", e->rule);
    return j;
}

bool vs_reach__same_subnet(const vs_model_t *m, const char *subnet_id, const vs_ip_t *ip)
{
    const vs_obj_t *o = vs_model__get(m, subnet_id);
    if (!o || o->kind != &vs_kind_subnet)
        return false;
    const vs_subnet_t *s = (const vs_subnet_t *)o;
    return vs_cidr_contains_ip(&s->cidr, ip) || (s->has_v6 && vs_cidr_contains_ip(&s->v6, ip));
}

bool vs_reach__acl_check(const vs_model_t *m, const char *subnet_id, bool egress,
                         const vs_reach_pkt_t *pkt, bool reply, vs_json_t *comps,
                         vs_json_t *expl)
{
    const vs_nacl_t *acl = vs_nacl__for_subnet(m, subnet_id);
    /* State written before ACLs existed has no association: such subnets
     * behaved as if an allow-all ACL were attached, and still do. */
    if (!acl)
        return true;
    /* The other end of the packet: the destination going out, the source
     * coming in; a reply swaps them. */
    const vs_ip_t *peer = egress != reply ? &pkt->dst : &pkt->src;
    int lo = pkt->port, hi = pkt->port;
    if (reply) {
        lo = VS_NACL_EPHEMERAL_LO;
        hi = VS_NACL_EPHEMERAL_HI;
    } else if (pkt->port < 0) {
        lo = 0;
        hi = 65535;
    }
    vs_nacl_verdict_t v;
    vs_nacl_eval(acl, egress, pkt->proto, lo, hi, peer, &v);
    if (v.allowed) {
        vs_json_t *pc = vs_json_object();
        vs_json_set(pc, "AclRule", s_rule_json(v.rule));
        vs_json_set(pc, "Component", vs_reach__comp(m, "network-acl", acl->base.id));
        vs_json_push(comps, vs_reach__pc(pc));
        return true;
    }
    vs_json_t *e = vs_json_object();
    vs_json_set_str(e, "ExplanationCode", "SUBNET_ACL_RESTRICTION");
    vs_json_set(e, "Acl", vs_reach__comp(m, "network-acl", acl->base.id));
    if (v.rule)
        vs_json_set(e, "AclRule", s_rule_json(v.rule));
    vs_json_set_str(e, "Direction", egress ? "egress" : "ingress");
    vs_json_set(e, "Subnet", vs_reach__comp(m, "subnet", subnet_id));
    vs_json_set(e, "Vpc", vs_reach__comp(m, "vpc", acl->vpc_id));
    vs_json_push(expl, vs_reach__expl(e));
    return false;
}
