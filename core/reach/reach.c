/* reach: the packet walk of a reachability analysis (see reach.h). */
#include <stdio.h>
#include <string.h>

#include "pcx_model.h"
#include "reach.h"
#include "route_lookup.h"
#include "sg.h"

/* --- explanations ----------------------------------------------------------------- */

/* A new explanation (pushed with s_expl_add, which orders its keys). */
static vs_json_t *s_expl(const char *code)
{
    vs_json_t *e = vs_json_object();
    vs_json_set_str(e, "ExplanationCode", code);
    return e;
}

static void s_expl_add(vs_json_t *list, vs_json_t *e)
{
    vs_json_push(list, vs_reach__expl(e));
}

/* --- security groups ----------------------------------------------------------------- */

/* sg_eval.c decides; this mirror of its matching only names the rule that
 * matched, for the SecurityGroupRule member. */
static bool s_rule_matches(const vs_model_t *m, const vs_sg_t *g, const vs_sg_rule_t *r, int proto,
                           int port, const vs_ip_t *peer, const char *const *peer_sgs, size_t npeer)
{
    if (r->proto != VS_SG_ALL) {
        if (r->proto != proto)
            return false;
        if ((proto == VS_SG_TCP || proto == VS_SG_UDP) && r->from_port >= 0 &&
            (port < r->from_port || port > r->to_port))
            return false;
    }
    switch (r->peer) {
    case VS_SG_PEER_CIDR4:
    case VS_SG_PEER_CIDR6:
        return peer && vs_cidr_contains_ip(&r->cidr, peer);
    case VS_SG_PEER_GROUP:
        for (size_t i = 0; i < npeer; i++)
            if (!strcmp(peer_sgs[i], r->group_id))
                return !vs_sg__rule_stale(m, g, r);
        return false;
    default:
        return false;
    }
}

static vs_json_t *s_rule_json(const vs_sg_t *g, const vs_sg_rule_t *r, bool egress)
{
    char buf[VS_CIDR_STRLEN];
    vs_json_t *j = vs_json_object();
    if ((r->peer == VS_SG_PEER_CIDR4 || r->peer == VS_SG_PEER_CIDR6) &&
        vs_cidr_format(&r->cidr, buf, sizeof buf) > 0)
        vs_json_set_str(j, "Cidr", buf);
    vs_json_set_str(j, "Direction", egress ? "egress" : "ingress");
    if (r->peer == VS_SG_PEER_GROUP)
        vs_json_set_str(j, "SecurityGroupId", r->group_id);
    if ((r->proto == VS_SG_TCP || r->proto == VS_SG_UDP) && r->from_port >= 0) {
        vs_json_t *pr = vs_json_set(j, "PortRange", vs_json_object());
        vs_json_set_int(pr, "From", r->from_port);
        vs_json_set_int(pr, "To", r->to_port);
    }
    if (r->peer == VS_SG_PEER_PREFIX_LIST)
        vs_json_set_str(j, "PrefixListId", r->prefix_list_id);
    vs_json_set_str(j, "Protocol", vs_reach__proto_name(r->proto, buf, sizeof buf));
    return j;
}

/* Does the interface of i admit the packet in one direction? The other
 * end is `peer` (its address, account and groups). Appends the admitting
 * group to comps, or an explanation to expl. */
static bool s_sg_check(const vs_model_t *m, const vs_instance_t *i, bool egress,
                       const vs_reach_pkt_t *pkt, const char *peer_account,
                       const char *const *peer_sgs, size_t npeer, vs_json_t *comps,
                       vs_json_t *expl)
{
    const char *ids[VS_INSTANCE_MAX_SGS];
    const vs_ip_t *peer = egress ? &pkt->dst : &pkt->src;
    size_t nrules = 0;
    int cand[VS_INSTANCE_MAX_SGS * VS_SG_MAX_RULES + 1], ncand = 0;
    if (pkt->port >= 0)
        cand[ncand++] = pkt->port;
    for (size_t k = 0; k < i->nsg; k++) {
        ids[k] = i->sg_ids[k];
        const vs_sg_t *g = vs_sg__get(m, ids[k]);
        size_t n = !g ? 0 : egress ? g->nout : g->nin;
        nrules += n;
        /* Without a port, any port some rule admits will do. */
        for (size_t r = 0; pkt->port < 0 && r < n && r < VS_SG_MAX_RULES; r++) {
            const vs_sg_rule_t *rule = egress ? &g->out[r] : &g->in[r];
            cand[ncand++] = rule->from_port < 0 ? 0 : rule->from_port;
        }
    }
    for (int c = 0; c < ncand; c++) {
        const char *matched = NULL;
        if (!vs_sg__allows(m, ids, i->nsg, egress, pkt->proto, cand[c], peer, peer_account,
                           peer_sgs, npeer, &matched, NULL, 0))
            continue;
        const vs_sg_t *g = vs_sg__get(m, matched);
        vs_json_t *pc = vs_json_object();
        vs_json_set(pc, "Component", vs_reach__comp(m, "security-group", matched));
        for (size_t r = 0; g && r < (egress ? g->nout : g->nin); r++) {
            const vs_sg_rule_t *rule = egress ? &g->out[r] : &g->in[r];
            if (s_rule_matches(m, g, rule, pkt->proto, cand[c], peer, peer_sgs, npeer)) {
                vs_json_set(pc, "SecurityGroupRule", s_rule_json(g, rule, egress));
                break;
            }
        }
        vs_json_push(comps, vs_reach__pc(pc));
        return true;
    }
    vs_json_t *e = s_expl(nrules ? "ENI_SG_RULES_MISMATCH" : "SG_HAS_NO_RULES");
    vs_json_set_str(e, "Direction", egress ? "egress" : "ingress");
    vs_json_set(e, "NetworkInterface", vs_reach__comp(m, "network-interface", i->eni_id));
    if (!nrules && i->nsg)
        vs_json_set(e, "SecurityGroup", vs_reach__comp(m, "security-group", ids[0]));
    vs_json_t *list = vs_json_set(e, "SecurityGroups", vs_json_array());
    for (size_t k = 0; k < i->nsg; k++)
        vs_json_push(list, vs_reach__comp(m, "security-group", ids[k]));
    vs_json_set(e, "Subnet", vs_reach__comp(m, "subnet", i->subnet_id));
    vs_json_set(e, "Vpc", vs_reach__comp(m, "vpc", i->vpc_id));
    s_expl_add(expl, e);
    return false;
}

/* --- peering lookups ------------------------------------------------------------------ */

static const vs_pcx_obj_t *s_pcx(const vs_model_t *m, const char *id)
{
    const vs_obj_t *o = id && id[0] ? vs_model__get(m, id) : NULL;
    return o && o->kind == &vs_kind_pcx ? (const vs_pcx_obj_t *)o : NULL;
}

static bool s_pcx_active(const vs_pcx_obj_t *o)
{
    return o && !o->hidden && o->rec.state == VS_PCX_ACTIVE;
}

/* The end of p that is not vpc_id (NULL if p does not involve vpc_id). */
static const vs_pcx_vpc_t *s_other_end(const vs_pcx_t *p, const char *vpc_id)
{
    if (!strcmp(p->requester.vpc_id, vpc_id))
        return &p->accepter;
    if (!strcmp(p->accepter.vpc_id, vpc_id))
        return &p->requester;
    return NULL;
}

static const vs_pcx_vpc_t *s_this_end(const vs_pcx_t *p, const char *vpc_id)
{
    const vs_pcx_vpc_t *o = s_other_end(p, vpc_id);
    return o == &p->accepter ? &p->requester : o ? &p->accepter : NULL;
}

static bool s_in_vpc_cidrs(const vs_pcx_vpc_t *v, const vs_ip_t *ip)
{
    for (size_t i = 0; i < v->n_ipv4; i++)
        if (vs_cidr_contains_ip(&v->ipv4[i], ip))
            return true;
    for (size_t i = 0; i < v->n_ipv6; i++)
        if (vs_cidr_contains_ip(&v->ipv6[i], ip))
            return true;
    return false;
}

static bool s_active_between(const vs_model_t *m, const char *a, const char *b)
{
    for (const vs_pcx_obj_t *o = vs_pcx__first(m); o; o = vs_pcx__next(o))
        if (s_pcx_active(o) && vs_pcx_joins(&o->rec, a, b))
            return true;
    return false;
}

/* A peer VPC (of a connection of vpc_id that is not yet gone) whose CIDRs
 * hold ip: the destination is a known network, not the internet. */
static const vs_pcx_obj_t *s_peer_holding(const vs_model_t *m, const char *vpc_id,
                                          const vs_ip_t *ip)
{
    for (const vs_pcx_obj_t *o = vs_pcx__first(m); o; o = vs_pcx__next(o)) {
        const vs_pcx_vpc_t *peer = s_other_end(&o->rec, vpc_id);
        if (peer && !o->hidden && vs_pcx__live(o) && s_in_vpc_cidrs(peer, ip))
            return o;
    }
    return NULL;
}

/* A VPC of this model holding ip: the source's own VPC first. */
static const vs_vpc_t *s_local_vpc_of(const vs_model_t *m, const char *src_vpc, const vs_ip_t *ip)
{
    const vs_vpc_t *found = NULL;
    for (vs_obj_t *o = vs_model__first(m, &vs_kind_vpc); o; o = vs_model__next(o, &vs_kind_vpc)) {
        const vs_vpc_t *v = (const vs_vpc_t *)o;
        bool in = false;
        for (size_t i = 0; i < v->nv4 && !in; i++)
            in = vs_cidr_contains_ip(&v->v4[i].cidr, ip);
        for (size_t i = 0; i < v->nv6 && !in; i++)
            in = vs_cidr_contains_ip(&v->v6[i].cidr, ip);
        if (in && !strcmp(v->base.id, src_vpc))
            return v;
        if (in && !found)
            found = v;
    }
    return found;
}

static const vs_rtb_t *s_rtb_of(const vs_model_t *m, const vs_instance_t *i)
{
    const vs_obj_t *o = vs_model__get(m, i->subnet_id);
    return o && o->kind == &vs_kind_subnet ? vs_rtb__for_subnet(m, (const vs_subnet_t *)o) : NULL;
}

/* Explanations of a route that does not carry the packet. */
static void s_no_route(const vs_model_t *m, const vs_rtb_t *rtb, const char *vpc_id,
                       vs_json_t *expl)
{
    vs_json_t *e = s_expl("NO_ROUTE_TO_DESTINATION");
    if (rtb)
        vs_json_set(e, "RouteTable", vs_reach__comp(m, "route-table", rtb->base.id));
    vs_json_set(e, "Vpc", vs_reach__comp(m, "vpc", vpc_id));
    s_expl_add(expl, e);
}

static void s_bad_route(const vs_model_t *m, const vs_rtb_t *rtb, const vs_route_t *r,
                        vs_json_t *expl)
{
    vs_json_t *e = s_expl("BAD_STATE_ROUTE");
    const vs_pcx_obj_t *p = s_pcx(m, r->pcx_id);
    if (r->pcx_id[0])
        vs_json_set(e, "VpcPeeringConnection",
                    p ? vs_reach__pcx_ref(&p->rec) : vs_reach__comp(m, "vpc-peering-connection", r->pcx_id));
    vs_json_set(e, "RouteTableRoute", vs_reach__route(r, "blackhole"));
    vs_json_set(e, "RouteTable", vs_reach__comp(m, "route-table", rtb->base.id));
    vs_json_set_str(e, "State", p ? vs_pcx_state_name(p->rec.state) : "deleted");
    vs_json_set(e, "Vpc", vs_reach__comp(m, "vpc", rtb->vpc_id));
    s_expl_add(expl, e);
}

/* --- the destination side ------------------------------------------------------------- */

static void s_part_init(vs_reach_part_t *p)
{
    memset(p, 0, sizeof *p);
    p->fwd = vs_json_array();
    p->ret = vs_json_array();
    p->expl = vs_json_array();
}

/* The route back from the destination's subnet to the source address:
 * over the same active connection, or the local route within one VPC. */
static bool s_route_back(const vs_model_t *m, const vs_instance_t *d, const vs_reach_probe_t *p,
                         vs_json_t *comps, vs_json_t *expl)
{
    const vs_rtb_t *rtb = s_rtb_of(m, d);
    bool bh = false;
    const vs_route_t *r = rtb ? vs_rtb__lookup(m, rtb, &p->pkt.src, &bh) : NULL;
    bool right = r && (p->pcx_id[0] ? !strcmp(r->pcx_id, p->pcx_id)
                                    : !strcmp(r->gateway_id, "local"));
    if (r && right && bh) {
        s_bad_route(m, rtb, r, expl);
        return false;
    }
    if (!right) {
        s_no_route(m, rtb, d->vpc_id, expl);
        return false;
    }
    vs_json_push(comps, vs_reach__rtb_pc(m, rtb, r, false));
    return true;
}

int vs_reach_dest(const vs_model_t *m, const vs_reach_probe_t *p, const char *from_account,
                  const char *from_region, vs_reach_part_t *out)
{
    const vs_obj_t *vo = vs_model__get(m, p->dst_vpc);
    if (!vo || vo->kind != &vs_kind_vpc)
        return -1;
    const vs_pcx_obj_t *po = s_pcx(m, p->pcx_id);
    if (from_account) {
        /* Believe a remote probe only from the agent at the other end of
         * the connection it claims to have crossed. */
        const vs_pcx_vpc_t *src = po ? s_other_end(&po->rec, p->dst_vpc) : NULL;
        const vs_pcx_vpc_t *dst = po ? s_this_end(&po->rec, p->dst_vpc) : NULL;
        if (!src || !dst || strcmp(src->vpc_id, p->src_vpc) || strcmp(src->account, from_account) ||
            strcmp(src->region, from_region) || strcmp(dst->account, vs_model_account(m)) ||
            strcmp(dst->region, vs_model_region(m)) || strcmp(p->src_account, from_account))
            return -1;
    }
    s_part_init(out);
    if (p->pcx_id[0] && !s_pcx_active(po)) {
        /* The views of a connection may disagree for a moment. */
        vs_json_t *e = s_expl("BAD_STATE");
        if (po)
            vs_json_set(e, "Component", vs_reach__pcx_ref(&po->rec));
        vs_json_set_str(e, "State", po ? vs_pcx_state_name(po->rec.state) : "deleted");
        s_expl_add(out->expl, e);
        return 0;
    }
    const vs_instance_t *d = vs_instance__by_ip(m, p->dst_vpc, &p->pkt.dst);
    if (!vs_instance__attached(d) || (p->want_eni[0] && strcmp(d->eni_id, p->want_eni))) {
        vs_json_t *e = s_expl("UNKNOWN_DESTINATION");
        char ip[VS_IP_STRLEN];
        if (p->pkt.dst.family == 4 && vs_ip_format(&p->pkt.dst, ip, sizeof ip) > 0)
            vs_json_set_str(e, "Address", ip);
        vs_json_set(e, "Vpc", vs_reach__comp(m, "vpc", p->dst_vpc));
        s_expl_add(out->expl, e);
        return 0;
    }
    const char *src_sgs[VS_INSTANCE_MAX_SGS];
    for (size_t k = 0; k < p->nsrc_sgs; k++)
        src_sgs[k] = p->src_sgs[k];
    /* The destination subnet's ACL sees the request come in and the reply
     * go out, unless both ends share the subnet (reference 7.2 steps 7, 9). */
    bool acl = !vs_reach__same_subnet(m, d->subnet_id, &p->pkt.src);
    if ((acl && !vs_reach__acl_check(m, d->subnet_id, false, &p->pkt, false, out->fwd,
                                     out->expl)) ||
        !s_sg_check(m, d, false, &p->pkt, p->src_account, src_sgs, p->nsrc_sgs, out->fwd,
                    out->expl))
        return 0;
    vs_json_push(out->fwd, vs_reach__eni_pc(m, d));
    vs_json_push(out->fwd, vs_reach__inst_pc(m, d, &p->pkt, false, false));
    vs_json_push(out->ret, vs_reach__inst_pc(m, d, &p->pkt, true, true));
    vs_json_push(out->ret, vs_reach__eni_pc(m, d));
    if (acl && !vs_reach__acl_check(m, d->subnet_id, true, &p->pkt, true, out->ret, out->expl))
        return 0;
    out->ok = s_route_back(m, d, p, out->ret, out->expl);
    return 0;
}

/* --- the source side ------------------------------------------------------------------ */

static void s_run_done(vs_reach_run_t *run, vs_json_t *fwd, vs_json_t *ret, vs_json_t *expl,
                       bool found)
{
    run->status = VS_REACH_DONE;
    run->found = found;
    if (found) {
        run->fwd = vs_reach__number(fwd);
        run->ret = vs_reach__number(ret);
    } else {
        run->expl = vs_json_clone(expl);
    }
}

/* Checks that need no walk: under the seed's rules IPv6 never crosses an
 * inter-Region connection, and a source needs an address of the
 * destination's family. */
static bool s_config_ok(const vs_model_t *m, const vs_instance_t *s, const vs_reach_pkt_t *pkt,
                        vs_json_t *expl, char *warning, size_t wlen)
{
    if (pkt->dst.family != 6)
        return true;
    if (!s->has_ip6) {
        vs_json_t *e = s_expl("NO_PATH");
        vs_json_set(e, "NetworkInterface", vs_reach__comp(m, "network-interface", s->eni_id));
        s_expl_add(expl, e);
        snprintf(warning, wlen, "The source network interface %s has no IPv6 address.", s->eni_id);
        return false;
    }
    const vs_pcx_obj_t *o = s_peer_holding(m, s->vpc_id, &pkt->dst);
    if (o && !vs_pcx_ipv6_allowed(o->rec.inter_region, vs_model__cfg(m)->modern_rules)) {
        vs_json_t *e = s_expl("NO_PATH");
        vs_json_set(e, "VpcPeeringConnection", vs_reach__pcx_ref(&o->rec));
        s_expl_add(expl, e);
        snprintf(warning, wlen, "IPv6 traffic is not supported over the inter-Region VPC peering "
                 "connection %s (seed rules; the agent's modern rules allow it).", o->rec.id);
        return false;
    }
    return true;
}

/* The route to an internet gateway does not lead to a private network. */
static void s_igw_route(const vs_model_t *m, const vs_instance_t *s, const vs_rtb_t *rtb,
                        const vs_route_t *r, const vs_reach_pkt_t *pkt, bool known_dst,
                        vs_json_t *expl)
{
    vs_cidr_t host = { pkt->dst, (uint8_t)(pkt->dst.family == 4 ? 32 : 128) };
    if (known_dst) {
        s_no_route(m, rtb, s->vpc_id, expl);
        return;
    }
    vs_json_t *e = s_expl(pkt->dst.family == 4 && vs_cidr_is_rfc1918(&host)
                              ? "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"
                              : "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS");
    vs_json_set(e, "InternetGateway", vs_reach__comp(m, "internet-gateway", r->gateway_id));
    vs_json_set(e, "NetworkInterface", vs_reach__comp(m, "network-interface", s->eni_id));
    vs_json_set(e, "RouteTableRoute", vs_reach__route(r, "active"));
    vs_json_set(e, "RouteTable", vs_reach__comp(m, "route-table", rtb->base.id));
    vs_json_set(e, "Vpc", vs_reach__comp(m, "vpc", s->vpc_id));
    s_expl_add(expl, e);
}

static void s_probe_init(const vs_model_t *m, const vs_instance_t *s, const vs_reach_pkt_t *pkt,
                         const char *dst_vpc, const char *pcx_id, const char *want_eni,
                         vs_reach_probe_t *p)
{
    memset(p, 0, sizeof *p);
    p->pkt = *pkt;
    snprintf(p->src_account, sizeof p->src_account, "%s", vs_model_account(m));
    snprintf(p->src_vpc, sizeof p->src_vpc, "%s", s->vpc_id);
    for (size_t k = 0; k < s->nsg; k++)
        snprintf(p->src_sgs[p->nsrc_sgs++], VS_ID_LEN, "%s", s->sg_ids[k]);
    snprintf(p->dst_vpc, sizeof p->dst_vpc, "%s", dst_vpc);
    snprintf(p->pcx_id, sizeof p->pcx_id, "%s", pcx_id ? pcx_id : "");
    snprintf(p->want_eni, sizeof p->want_eni, "%s", want_eni ? want_eni : "");
}

/* The walk up to where the packet leaves the source VPC. Returns true
 * when it goes on at `probe` (locally or at another agent), with the hop's
 * components in pcx_fwd / pcx_ret (none within one VPC). */
static bool s_walk_source(vs_model_t *m, const vs_reach_query_t *q, const vs_reach_pkt_t *pkt,
                          vs_reach_run_t *run, vs_json_t *fwd, vs_json_t *expl,
                          vs_json_t **pcx_fwd, vs_json_t **pcx_ret)
{
    const vs_instance_t *s = q->src;
    const vs_rtb_t *rtb = s_rtb_of(m, s);
    bool bh = false;
    const vs_route_t *r = rtb ? vs_rtb__lookup(m, rtb, &pkt->dst, &bh) : NULL;
    const vs_vpc_t *dvpc = q->dst ? (const vs_vpc_t *)vs_model__get(m, q->dst->vpc_id)
                                  : s_local_vpc_of(m, s->vpc_id, &pkt->dst);
    const char *want = q->dst ? q->dst->eni_id : NULL;
    /* Two VPCs of this agent with nothing between them: no walk needed. */
    if (dvpc && strcmp(dvpc->base.id, s->vpc_id) && !s_active_between(m, s->vpc_id, dvpc->base.id) &&
        !(r && r->pcx_id[0])) {
        vs_json_t *e = s_expl("DISCONNECTED_VPCS");
        if (q->dst)
            vs_json_set(e, "Destination", vs_reach__comp(m, "instance", q->dst->base.id));
        vs_json_set(e, "DestinationVpc", vs_reach__comp(m, "vpc", dvpc->base.id));
        vs_json_set(e, "SourceVpc", vs_reach__comp(m, "vpc", s->vpc_id));
        s_expl_add(expl, e);
        return false;
    }
    /* Egress rules may name the destination's groups only when it is
     * local; a remote destination's groups are unknown here. */
    const char *dst_sgs[VS_INSTANCE_MAX_SGS];
    size_t ndst = q->dst ? q->dst->nsg : 0;
    for (size_t k = 0; k < ndst; k++)
        dst_sgs[k] = q->dst->sg_ids[k];
    if (!s_sg_check(m, s, true, pkt, q->dst ? vs_model_account(m) : NULL, dst_sgs, ndst, fwd,
                    expl))
        return false;
    /* The source subnet's ACL, outbound (reference 7.2 step 2). */
    if (!vs_reach__same_subnet(m, s->subnet_id, &pkt->dst) &&
        !vs_reach__acl_check(m, s->subnet_id, true, pkt, false, fwd, expl))
        return false;
    if (!r) {
        s_no_route(m, rtb, s->vpc_id, expl);
        return false;
    }
    if (bh) {
        s_bad_route(m, rtb, r, expl);
        return false;
    }
    if (!strcmp(r->gateway_id, "local")) {
        vs_json_push(fwd, vs_reach__rtb_pc(m, rtb, r, false));
        s_probe_init(m, s, pkt, s->vpc_id, NULL, want, &run->probe);
        return true;
    }
    if (!strncmp(r->gateway_id, "igw-", 4)) {
        s_igw_route(m, s, rtb, r, pkt, dvpc || s_peer_holding(m, s->vpc_id, &pkt->dst), expl);
        return false;
    }
    const vs_pcx_obj_t *po = s_pcx(m, r->pcx_id);
    const vs_pcx_vpc_t *peer = po ? s_other_end(&po->rec, s->vpc_id) : NULL;
    const vs_pcx_vpc_t *self = po ? s_this_end(&po->rec, s->vpc_id) : NULL;
    if (!peer) {
        vs_json_t *e = s_expl("NO_PATH");
        vs_json_set(e, "RouteTableRoute", vs_reach__route(r, "active"));
        vs_json_set(e, "RouteTable", vs_reach__comp(m, "route-table", rtb->base.id));
        s_expl_add(expl, e);
        return false;
    }
    vs_json_push(fwd, vs_reach__rtb_pc(m, rtb, r, false));
    /* No transitive peering, no edge-to-edge routing (reference 6.3). */
    if (!s_in_vpc_cidrs(peer, &pkt->dst)) {
        vs_json_t *e = s_expl("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR");
        char ip[VS_IP_STRLEN], c[VS_CIDR_STRLEN];
        if (pkt->dst.family == 4 && vs_ip_format(&pkt->dst, ip, sizeof ip) > 0)
            vs_json_set_str(e, "Address", ip);
        vs_json_t *cidrs = vs_json_set(e, "Cidrs", vs_json_array());
        for (size_t i = 0; i < peer->n_ipv4 + peer->n_ipv6; i++) {
            const vs_cidr_t *b = i < peer->n_ipv4 ? &peer->ipv4[i] : &peer->ipv6[i - peer->n_ipv4];
            if (vs_cidr_format(b, c, sizeof c) > 0)
                vs_json_push(cidrs, vs_json_str(c));
        }
        vs_json_set(e, "DestinationVpc", vs_reach__vpc_ref(peer));
        vs_json_set(e, "VpcPeeringConnection", vs_reach__pcx_ref(&po->rec));
        vs_json_set(e, "SourceVpc", vs_reach__vpc_ref(self));
        s_expl_add(expl, e);
        return false;
    }
    *pcx_fwd = vs_reach__pcx_pc(m, &po->rec, self, peer);
    *pcx_ret = vs_reach__pcx_pc(m, &po->rec, peer, self);
    s_probe_init(m, s, pkt, peer->vpc_id, po->rec.id, want, &run->probe);
    snprintf(run->peer_account, sizeof run->peer_account, "%s", peer->account);
    snprintf(run->peer_region, sizeof run->peer_region, "%s", peer->region);
    run->inter_region = po->rec.inter_region;
    return true;
}

int vs_reach_start(vs_model_t *m, const vs_reach_query_t *q, vs_reach_run_t *run)
{
    memset(run, 0, sizeof *run);
    run->status = VS_REACH_DONE;
    const vs_instance_t *s = q->src;
    vs_reach_pkt_t pkt = { .proto = q->proto, .port = q->port };
    pkt.dst = q->dst ? q->dst->ip : q->dst_ip;
    pkt.src = pkt.dst.family == 6 && s->has_ip6 ? s->ip6 : s->ip;
    vs_json_t *fwd = vs_json_array(), *expl = vs_json_array();
    vs_json_t *pcx_fwd = NULL, *pcx_ret = NULL;
    bool cont = false;
    if (!vs_instance__attached(s) || (q->dst && !vs_instance__attached(q->dst))) {
        /* "a recently terminated instance" */
        vs_json_t *e = s_expl("UNASSOCIATED_COMPONENT");
        vs_json_set(e, "Component", vs_reach__comp(m, "instance",
                                                   vs_instance__attached(s) ? q->dst->base.id
                                                                            : s->base.id));
        s_expl_add(expl, e);
    } else if (s_config_ok(m, s, &pkt, expl, run->warning, sizeof run->warning)) {
        vs_json_push(fwd, vs_reach__inst_pc(m, s, &pkt, true, false));
        vs_json_push(fwd, vs_reach__eni_pc(m, s));
        cont = s_walk_source(m, q, &pkt, run, fwd, expl, &pcx_fwd, &pcx_ret);
    }
    /* The reply comes back in through the source subnet's ACL (reference
     * 7.2 step 9). It is checked here, before the destination side: the
     * source side alone decides it, and a refusal needs no probe. */
    vs_json_t *acl_ret = vs_json_array();
    if (cont && !vs_reach__same_subnet(m, s->subnet_id, &pkt.dst) &&
        !vs_reach__acl_check(m, s->subnet_id, false, &pkt, true, acl_ret, expl)) {
        cont = false;
        vs_json_free(&pcx_fwd);
        vs_json_free(&pcx_ret);
    }
    if (!cont) {
        vs_json_free(&acl_ret);
        s_run_done(run, fwd, NULL, expl, false);
        vs_json_free(&fwd);
        vs_json_free(&expl);
        return run->expl ? 0 : -1;
    }
    /* The source side of the return path: the hop back, then the source. */
    vs_json_t *ret_tail = vs_json_array();
    if (pcx_ret)
        vs_json_push(ret_tail, pcx_ret);
    vs_reach__append(ret_tail, acl_ret);
    vs_json_free(&acl_ret);
    vs_json_push(ret_tail, vs_reach__eni_pc(m, s));
    vs_json_push(ret_tail, vs_reach__inst_pc(m, s, &pkt, false, true));
    if (pcx_fwd)
        vs_json_push(fwd, pcx_fwd);
    run->fwd_head = fwd;
    run->ret_tail = ret_tail;
    vs_json_free(&expl);
    if (run->peer_account[0] && (strcmp(run->peer_account, vs_model_account(m)) ||
                                 strcmp(run->peer_region, vs_model_region(m)))) {
        run->status = VS_REACH_PROBE;
        return 0;
    }
    vs_reach_part_t part;
    if (vs_reach_dest(m, &run->probe, NULL, NULL, &part) != 0) {
        /* The peer VPC is in this agent's (account, Region) but gone. */
        s_part_init(&part);
        vs_json_t *e = s_expl("UNKNOWN_DESTINATION");
        vs_json_set(e, "Vpc", vs_reach__comp(m, "vpc", run->probe.dst_vpc));
        s_expl_add(part.expl, e);
    }
    vs_reach_finish(run, &part);
    vs_reach_part_free(&part);
    return 0;
}

void vs_reach_finish(vs_reach_run_t *run, const vs_reach_part_t *dst)
{
    vs_json_t *fwd = run->fwd_head, *ret = vs_json_array();
    vs_reach__append(fwd, dst->fwd);
    vs_reach__append(ret, dst->ret);
    vs_reach__append(ret, run->ret_tail);
    if (dst->warning[0])
        snprintf(run->warning, sizeof run->warning, "%s", dst->warning);
    s_run_done(run, fwd, ret, dst->expl, dst->ok);
    vs_json_free(&fwd);
    vs_json_free(&ret);
    vs_json_free(&run->ret_tail);
    run->fwd_head = NULL;
}

void vs_reach_run_free(vs_reach_run_t *run)
{
    if (!run)
        return;
    vs_json_free(&run->fwd);
    vs_json_free(&run->ret);
    vs_json_free(&run->expl);
    vs_json_free(&run->fwd_head);
    vs_json_free(&run->ret_tail);
}
