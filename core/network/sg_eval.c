/* sg_eval: does a set of security groups admit a packet, and is a rule's
 * reference to a peer VPC's group still live? Read-only over the model;
 * used by the reachability engine and by ec2_sg.c. */
#include <stdio.h>

#include "pcx_model.h"
#include "sg.h"
#include "sg_dir.h"

bool vs_sg__rule_stale(const vs_model_t *m, const vs_sg_t *g, const vs_sg_rule_t *r)
{
    if (r->peer != VS_SG_PEER_GROUP || !r->vpc_id[0] || !strcmp(r->vpc_id, g->vpc_id))
        return false;
    /* A peer group of our own account is held here: if it is gone (its VPC
     * was deleted), the rule is stale even while the pcx is active. */
    if (!strcmp(r->user_id, vs_model_account(m)))
        return !vs_sg__get(m, r->group_id) || !vs_sg__active_pcx(m, g->vpc_id, r->vpc_id);
    /* Another account's group: stale when no connection is active, or
     * when the peer's directory says the group went away. */
    const char *pcx = vs_sg__active_pcx(m, g->vpc_id, r->vpc_id);
    if (!pcx)
        return true;
    const vs_sgdir_group_t *x = vs_sgdir__group(vs_sgdir__for_pcx(m, pcx), r->group_id);
    return x && !x->present;
}

/* Port (or ICMP type) match. Protocols other than TCP/UDP/ICMP carry no
 * ports in EC2 rules, so any rule of that protocol matches. */
static bool s_ports_match(const vs_sg_rule_t *r, int proto, int port)
{
    if (r->proto == VS_SG_ALL)
        return true;
    if (r->proto != proto)
        return false;
    switch (proto) {
    case VS_SG_TCP:
    case VS_SG_UDP:
        if (r->from_port < 0)
            return true;
        return port >= r->from_port && port <= r->to_port;
    case VS_SG_ICMP:
    case VS_SG_ICMPV6:
        /* from_port is the ICMP type (-1 any); the code is not modelled. */
        return r->from_port < 0 || r->from_port == port;
    default:
        return true;
    }
}

static bool s_in_list(const char *id, const char *const *ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] && !strcmp(ids[i], id))
            return true;
    return false;
}

static bool s_peer_match(const vs_model_t *m, const vs_sg_t *g, const vs_sg_rule_t *r,
                         const vs_ip_t *peer_ip, const char *peer_account,
                         const char *const *peer_sg_ids, size_t n_peer_sgs)
{
    switch (r->peer) {
    case VS_SG_PEER_CIDR4:
    case VS_SG_PEER_CIDR6:
        return peer_ip && peer_ip->family == r->cidr.addr.family &&
               vs_cidr_contains_ip(&r->cidr, peer_ip);
    case VS_SG_PEER_GROUP:
        if (!s_in_list(r->group_id, peer_sg_ids, n_peer_sgs))
            return false;
        if (peer_account && r->user_id[0] && strcmp(peer_account, r->user_id))
            return false;
        return !vs_sg__rule_stale(m, g, r);
    case VS_SG_PEER_PREFIX_LIST:
    default:
        return false;
    }
}

static const char *s_proto_name(int proto, char *buf, size_t len)
{
    switch (proto) {
    case VS_SG_ALL: return "all";
    case VS_SG_TCP: return "tcp";
    case VS_SG_UDP: return "udp";
    case VS_SG_ICMP: return "icmp";
    case VS_SG_ICMPV6: return "icmpv6";
    default: snprintf(buf, len, "proto %d", proto); return buf;
    }
}

/* "tcp 22 from 10.2.0.0/16", "udp 1000-2000 to sg-0abc", "all from ...". */
static void s_describe_rule(const vs_sg_rule_t *r, bool egress, char *out, size_t len)
{
    char pbuf[16], ports[32] = "", peer[VS_CIDR_STRLEN];
    const char *pname = s_proto_name(r->proto, pbuf, sizeof pbuf);
    if (r->proto != VS_SG_ALL && r->from_port >= 0) {
        if (r->from_port == r->to_port || r->proto == VS_SG_ICMP || r->proto == VS_SG_ICMPV6)
            snprintf(ports, sizeof ports, " %d", r->from_port);
        else
            snprintf(ports, sizeof ports, " %d-%d", r->from_port, r->to_port);
    }
    switch (r->peer) {
    case VS_SG_PEER_CIDR4:
    case VS_SG_PEER_CIDR6:
        if (vs_cidr_format(&r->cidr, peer, sizeof peer) < 0)
            snprintf(peer, sizeof peer, "?");
        break;
    case VS_SG_PEER_GROUP:
        snprintf(peer, sizeof peer, "%s", r->group_id);
        break;
    default:
        snprintf(peer, sizeof peer, "%s", r->prefix_list_id);
        break;
    }
    snprintf(out, len, "%s%s %s %s", pname, ports, egress ? "to" : "from", peer);
}

bool vs_sg__allows(const vs_model_t *m, const char *const *sg_ids, size_t n, bool egress,
                   int proto, int port, const vs_ip_t *peer_ip, const char *peer_account,
                   const char *const *peer_sg_ids, size_t n_peer_sgs,
                   const char **matched_sg_id, char *rule_desc, size_t rule_desc_len)
{
    for (size_t i = 0; i < n; i++) {
        const vs_sg_t *g = vs_sg__get(m, sg_ids[i]);
        if (!g)
            continue;
        const vs_sg_rule_t *rules = egress ? g->out : g->in;
        size_t nr = egress ? g->nout : g->nin;
        for (size_t j = 0; j < nr; j++) {
            const vs_sg_rule_t *r = &rules[j];
            if (!s_ports_match(r, proto, port) ||
                !s_peer_match(m, g, r, peer_ip, peer_account, peer_sg_ids, n_peer_sgs))
                continue;
            if (matched_sg_id)
                *matched_sg_id = g->base.id;
            if (rule_desc && rule_desc_len)
                s_describe_rule(r, egress, rule_desc, rule_desc_len);
            return true;
        }
    }
    return false;
}
