/* reach_json: the JSON pieces of an analysis - components, headers, routes,
 * key order of Explanation and PathComponent as the EC2 service model
 * lists them (ec2-output-shapes.md), numbering - and the probe/part
 * message bodies exchanged between agents (reach.h).
 */
#include <stdio.h>
#include <string.h>

#include "pcx_model.h"
#include "reach.h"

/* --- components -------------------------------------------------------------- */

vs_json_t *vs_reach__comp_at(const char *account, const char *region, const char *type,
                             const char *id)
{
    char arn[VS_ARN_LEN] = "";
    const char *part = vs_region_partition(region);
    vs_json_t *c = vs_json_object();
    vs_json_set_str(c, "Id", id);
    if (vs_arn_format(arn, sizeof arn, part ? part : "aws", region, account, type, id) > 0)
        vs_json_set_str(c, "Arn", arn);
    return c;
}

vs_json_t *vs_reach__comp(const vs_model_t *m, const char *type, const char *id)
{
    vs_json_t *c = vs_reach__comp_at(vs_model_account(m), vs_model_region(m), type, id);
    const vs_obj_t *o = vs_model__get(m, id);
    const char *name = o ? vs_tags_get(&o->tags, "Name") : NULL;
    if (name)
        vs_json_set_str(c, "Name", name);
    return c;
}

const char *vs_reach__proto_name(int proto, char *buf, size_t len)
{
    if (proto == 6)
        return "tcp";
    if (proto == 17)
        return "udp";
    if (proto < 0)
        return "all";
    snprintf(buf, len, "%d", proto);
    return buf;
}

static vs_json_t *s_range(int from, int to)
{
    vs_json_t *r = vs_json_object();
    vs_json_set_int(r, "From", from);
    vs_json_set_int(r, "To", to);
    return r;
}

static vs_json_t *s_addr_list(const vs_ip_t *ip)
{
    char buf[VS_IP_STRLEN + 4];
    vs_json_t *a = vs_json_array();
    if (vs_ip_format(ip, buf, VS_IP_STRLEN) > 0) {
        strcat(buf, ip->family == 4 ? "/32" : "/128");
        vs_json_push(a, vs_json_str(buf));
    }
    return a;
}

vs_json_t *vs_reach__header(const vs_reach_pkt_t *pkt, bool reverse)
{
    char num[8];
    vs_json_t *h = vs_json_object();
    vs_json_t *dports = vs_json_array(), *sports = vs_json_array();
    /* The client uses an ephemeral port; the service port is the path's. */
    vs_json_t *svc = pkt->port >= 0 ? s_range(pkt->port, pkt->port) : s_range(0, 65535);
    vs_json_t *eph = s_range(0, 65535);
    vs_json_push(reverse ? sports : dports, svc);
    vs_json_push(reverse ? dports : sports, eph);
    vs_json_set(h, "DestinationAddresses", s_addr_list(reverse ? &pkt->src : &pkt->dst));
    vs_json_set(h, "DestinationPortRanges", dports);
    snprintf(num, sizeof num, "%d", pkt->proto);
    vs_json_set_str(h, "Protocol", num);
    vs_json_set(h, "SourceAddresses", s_addr_list(reverse ? &pkt->dst : &pkt->src));
    vs_json_set(h, "SourcePortRanges", sports);
    return h;
}

vs_json_t *vs_reach__route(const vs_route_t *r, const char *state)
{
    char cidr[VS_CIDR_STRLEN];
    vs_json_t *j = vs_json_object();
    if (vs_cidr_format(&r->dest, cidr, sizeof cidr) > 0)
        vs_json_set_str(j, "DestinationCidr", cidr);
    if (r->gateway_id[0])
        vs_json_set_str(j, "GatewayId", r->gateway_id);
    if (r->instance_id[0])
        vs_json_set_str(j, "InstanceId", r->instance_id);
    if (r->nat_gateway_id[0])
        vs_json_set_str(j, "NatGatewayId", r->nat_gateway_id);
    if (r->network_interface_id[0])
        vs_json_set_str(j, "NetworkInterfaceId", r->network_interface_id);
    if (r->origin[0])
        vs_json_set_str(j, "Origin", r->origin);
    if (r->pcx_id[0])
        vs_json_set_str(j, "VpcPeeringConnectionId", r->pcx_id);
    vs_json_set_str(j, "State", state);
    return j;
}

/* --- path components of the walk ---------------------------------------------- */

vs_json_t *vs_reach__inst_pc(const vs_model_t *m, const vs_instance_t *i,
                             const vs_reach_pkt_t *pkt, bool outbound, bool reverse)
{
    vs_json_t *c = vs_json_object();
    vs_json_set(c, "Component", vs_reach__comp(m, "instance", i->base.id));
    vs_json_set(c, outbound ? "OutboundHeader" : "InboundHeader", vs_reach__header(pkt, reverse));
    return vs_reach__pc(c);
}

vs_json_t *vs_reach__eni_pc(const vs_model_t *m, const vs_instance_t *i)
{
    vs_json_t *c = vs_json_object();
    vs_json_set(c, "Component", vs_reach__comp(m, "network-interface", i->eni_id));
    vs_json_set(c, "Subnet", vs_reach__comp(m, "subnet", i->subnet_id));
    vs_json_set(c, "Vpc", vs_reach__comp(m, "vpc", i->vpc_id));
    return vs_reach__pc(c);
}

vs_json_t *vs_reach__rtb_pc(const vs_model_t *m, const vs_rtb_t *rtb, const vs_route_t *r,
                            bool blackhole)
{
    vs_json_t *c = vs_json_object();
    vs_json_set(c, "Component", vs_reach__comp(m, "route-table", rtb->base.id));
    vs_json_set(c, "RouteTableRoute", vs_reach__route(r, blackhole ? "blackhole" : "active"));
    vs_json_set(c, "Vpc", vs_reach__comp(m, "vpc", rtb->vpc_id));
    return vs_reach__pc(c);
}

vs_json_t *vs_reach__pcx_ref(const vs_pcx_t *p)
{
    return vs_reach__comp_at(p->requester.account, p->requester.region, "vpc-peering-connection",
                             p->id);
}

vs_json_t *vs_reach__vpc_ref(const vs_pcx_vpc_t *v)
{
    return vs_reach__comp_at(v->account, v->region, "vpc", v->vpc_id);
}

/* Inter-Region hops say that they are encrypted and what MTU they carry;
 * AWS has no detail code for it, so the type names what it says. */
vs_json_t *vs_reach__pcx_pc(const vs_model_t *m, const vs_pcx_t *p, const vs_pcx_vpc_t *from,
                            const vs_pcx_vpc_t *to)
{
    vs_json_t *c = vs_json_object();
    vs_json_set(c, "Component", vs_reach__pcx_ref(p));
    vs_json_set(c, "DestinationVpc", vs_reach__vpc_ref(to));
    vs_json_set(c, "SourceVpc", vs_reach__vpc_ref(from));
    if (vs_pcx_encrypted(p->inter_region)) {
        char mtu[16];
        snprintf(mtu, sizeof mtu, "%d",
                 vs_pcx_mtu(p->inter_region, vs_model__cfg(m)->modern_rules));
        vs_json_t *d = vs_json_push(vs_json_set(c, "AdditionalDetails", vs_json_array()),
                                    vs_json_object());
        vs_json_set_str(d, "AdditionalDetailType", "INTER_REGION_TRAFFIC_ENCRYPTED");
        vs_json_set(d, "Component", vs_reach__pcx_ref(p));
        vs_json_t *opts = vs_json_set(d, "RuleOptions", vs_json_array());
        vs_json_t *o1 = vs_json_push(opts, vs_json_object());
        vs_json_set_str(o1, "Keyword", "encryption");
        vs_json_push(vs_json_set(o1, "Settings", vs_json_array()), vs_json_str("AEAD"));
        vs_json_t *o2 = vs_json_push(opts, vs_json_object());
        vs_json_set_str(o2, "Keyword", "mtu");
        vs_json_push(vs_json_set(o2, "Settings", vs_json_array()), vs_json_str(mtu));
    }
    return vs_reach__pc(c);
}

/* --- key order ----------------------------------------------------------------- */

vs_json_t *vs_reach__ordered(vs_json_t *obj, const char *const *order)
{
    vs_json_t *o = vs_json_object();
    size_t n = vs_json_len(obj);
    bool *used = calloc(n ? n : 1, sizeof *used);
    if (!used) {
        vs_json_free(&o);
        vs_json_free(&obj);
        return NULL;
    }
    for (const char *const *k = order; *k; k++)
        for (size_t i = 0; i < n; i++)
            if (!used[i] && strcmp(vs_json_key_at(obj, i), *k) == 0) {
                vs_json_set(o, *k, vs_json_clone(vs_json_at(obj, i)));
                used[i] = true;
            }
    for (size_t i = 0; i < n; i++)
        if (!used[i])
            vs_json_set(o, vs_json_key_at(obj, i), vs_json_clone(vs_json_at(obj, i)));
    free(used);
    vs_json_free(&obj);
    return o;
}

vs_json_t *vs_reach__expl(vs_json_t *obj)
{
    static const char *const order[] = {
        "Acl", "AclRule", "Address", "Addresses", "AttachedTo", "AvailabilityZones",
        "AvailabilityZoneIds", "Cidrs", "Component", "CustomerGateway", "Destination",
        "DestinationVpc", "Direction", "ExplanationCode", "IngressRouteTable",
        "InternetGateway", "LoadBalancerArn", "ClassicLoadBalancerListener",
        "LoadBalancerListenerPort", "LoadBalancerTarget", "LoadBalancerTargetGroup",
        "LoadBalancerTargetGroups", "LoadBalancerTargetPort", "ElasticLoadBalancerListener",
        "MissingComponent", "NatGateway", "NetworkInterface", "PacketField",
        "VpcPeeringConnection", "Port", "PortRanges", "PrefixList", "Protocols",
        "RouteTableRoute", "RouteTable", "SecurityGroup", "SecurityGroupRule",
        "SecurityGroups", "SourceVpc", "State", "Subnet", "SubnetRouteTable", "Vpc",
        "VpcEndpoint", "VpnConnection", "VpnGateway", "TransitGateway",
        "TransitGatewayRouteTable", "TransitGatewayRouteTableRoute",
        "TransitGatewayAttachment", "ComponentAccount", "ComponentRegion", NULL
    };
    return vs_reach__ordered(obj, order);
}

vs_json_t *vs_reach__pc(vs_json_t *obj)
{
    static const char *const order[] = {
        "SequenceNumber", "AclRule", "AttachedTo", "Component", "DestinationVpc",
        "OutboundHeader", "InboundHeader", "RouteTableRoute", "SecurityGroupRule",
        "SourceVpc", "Subnet", "Vpc", "AdditionalDetails", "TransitGateway",
        "TransitGatewayRouteTableRoute", "Explanations", "ElasticLoadBalancerListener",
        "FirewallStatelessRule", "FirewallStatefulRule", "ServiceName", NULL
    };
    return vs_reach__ordered(obj, order);
}

void vs_reach__append(vs_json_t *dst, const vs_json_t *src)
{
    for (size_t i = 0; dst && i < vs_json_len(src); i++)
        vs_json_push(dst, vs_json_clone(vs_json_at(src, i)));
}

vs_json_t *vs_reach__number(const vs_json_t *list)
{
    vs_json_t *out = vs_json_array();
    for (size_t i = 0; out && i < vs_json_len(list); i++) {
        const vs_json_t *c = vs_json_at(list, i);
        vs_json_t *n = vs_json_object();
        vs_json_set_int(n, "SequenceNumber", (int64_t)i + 1);
        for (size_t k = 0; k < vs_json_len(c); k++)
            if (strcmp(vs_json_key_at(c, k), "SequenceNumber") != 0)
                vs_json_set(n, vs_json_key_at(c, k), vs_json_clone(vs_json_at(c, k)));
        vs_json_push(out, n);
    }
    return out;
}

/* --- message bodies ------------------------------------------------------------------ */

static bool s_copy(char *dst, size_t cap, const char *src, bool may_be_empty)
{
    if (!src || strlen(src) >= cap || (!may_be_empty && !src[0]))
        return false;
    snprintf(dst, cap, "%s", src);
    return true;
}

vs_json_t *vs_reach_probe_to_json(const vs_reach_probe_t *p)
{
    char ip[VS_IP_STRLEN];
    vs_json_t *j = vs_json_object();
    vs_json_set_int(j, "Proto", p->pkt.proto);
    vs_json_set_int(j, "Port", p->pkt.port);
    vs_ip_format(&p->pkt.src, ip, sizeof ip);
    vs_json_set_str(j, "Src", ip);
    vs_ip_format(&p->pkt.dst, ip, sizeof ip);
    vs_json_set_str(j, "Dst", ip);
    vs_json_set_str(j, "SrcAccount", p->src_account);
    vs_json_set_str(j, "SrcVpc", p->src_vpc);
    vs_json_t *sgs = vs_json_set(j, "SrcSgs", vs_json_array());
    for (size_t i = 0; i < p->nsrc_sgs; i++)
        vs_json_push(sgs, vs_json_str(p->src_sgs[i]));
    vs_json_set_str(j, "DstVpc", p->dst_vpc);
    vs_json_set_str(j, "Pcx", p->pcx_id);
    vs_json_set_str(j, "Eni", p->want_eni);
    return j;
}

int vs_reach_probe_from_json(const vs_json_t *j, vs_reach_probe_t *out)
{
    vs_reach_probe_t p;
    memset(&p, 0, sizeof p);
    const vs_json_t *sgs = vs_json_get(j, "SrcSgs");
    int64_t proto = vs_json_get_int(j, "Proto", -2), port = vs_json_get_int(j, "Port", -2);
    if ((proto != 6 && proto != 17) || port < -1 || port > 65535 ||
        vs_ip_parse(vs_json_get_str(j, "Src"), &p.pkt.src) != 0 ||
        vs_ip_parse(vs_json_get_str(j, "Dst"), &p.pkt.dst) != 0 ||
        p.pkt.src.family != p.pkt.dst.family ||
        !s_copy(p.src_account, sizeof p.src_account, vs_json_get_str(j, "SrcAccount"), false) ||
        !s_copy(p.src_vpc, sizeof p.src_vpc, vs_json_get_str(j, "SrcVpc"), false) ||
        !s_copy(p.dst_vpc, sizeof p.dst_vpc, vs_json_get_str(j, "DstVpc"), false) ||
        !s_copy(p.pcx_id, sizeof p.pcx_id, vs_json_get_str(j, "Pcx"), true) ||
        !s_copy(p.want_eni, sizeof p.want_eni, vs_json_get_str(j, "Eni"), true) ||
        !sgs || vs_json_type(sgs) != VS_JSON_ARRAY || vs_json_len(sgs) > VS_INSTANCE_MAX_SGS)
        return -1;
    for (size_t i = 0; i < vs_json_len(sgs); i++)
        if (!s_copy(p.src_sgs[p.nsrc_sgs++], VS_ID_LEN, vs_json_as_str(vs_json_at(sgs, i)),
                    false))
            return -1;
    p.pkt.proto = (int)proto;
    p.pkt.port = (int)port;
    *out = p;
    return 0;
}

vs_json_t *vs_reach_part_to_json(const vs_reach_part_t *p)
{
    vs_json_t *j = vs_json_object();
    vs_json_set_bool(j, "Ok", p->ok);
    vs_json_set(j, "Forward", p->fwd ? vs_json_clone(p->fwd) : vs_json_array());
    vs_json_set(j, "Return", p->ret ? vs_json_clone(p->ret) : vs_json_array());
    vs_json_set(j, "Explanations", p->expl ? vs_json_clone(p->expl) : vs_json_array());
    vs_json_set_str(j, "Warning", p->warning);
    return j;
}

/* Components from another agent are printed to the user as they are, so
 * they must at least be lists of objects of bounded size. */
static bool s_list_ok(const vs_json_t *a)
{
    if (!a || vs_json_type(a) != VS_JSON_ARRAY || vs_json_len(a) > 64)
        return false;
    for (size_t i = 0; i < vs_json_len(a); i++)
        if (vs_json_type(vs_json_at(a, i)) != VS_JSON_OBJECT)
            return false;
    return true;
}

int vs_reach_part_from_json(const vs_json_t *j, vs_reach_part_t *out)
{
    memset(out, 0, sizeof *out);
    const vs_json_t *ok = vs_json_get(j, "Ok");
    const char *w = vs_json_get_str(j, "Warning");
    if (!ok || vs_json_type(ok) != VS_JSON_BOOL || !s_list_ok(vs_json_get(j, "Forward")) ||
        !s_list_ok(vs_json_get(j, "Return")) || !s_list_ok(vs_json_get(j, "Explanations")) ||
        (w && !s_copy(out->warning, sizeof out->warning, w, true)))
        return -1;
    out->ok = vs_json_as_bool(ok, false);
    out->fwd = vs_json_clone(vs_json_get(j, "Forward"));
    out->ret = vs_json_clone(vs_json_get(j, "Return"));
    out->expl = vs_json_clone(vs_json_get(j, "Explanations"));
    if (!out->fwd || !out->ret || !out->expl) {
        vs_reach_part_free(out);
        return -1;
    }
    return 0;
}

void vs_reach_part_free(vs_reach_part_t *p)
{
    if (!p)
        return;
    vs_json_free(&p->fwd);
    vs_json_free(&p->ret);
    vs_json_free(&p->expl);
}
