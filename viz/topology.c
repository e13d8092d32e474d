#include "topology.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vizxml.h"

#define TOPO_MAX_ITEMS 5000   /* per list: a picture of more is unreadable anyway */

vs_json_t *vs_topo_new(void)
{
    vs_json_t *d = vs_json_object();
    if (!d)
        return NULL;
    vs_json_set(d, "Accounts", vs_json_array());
    vs_json_set(d, "PeeringConnections", vs_json_array());
    vs_json_set(d, "Routes", vs_json_array());
    if (vs_json_len(d) != 3)
        vs_json_free(&d);
    return d;
}

static vs_json_t *s_find(vs_json_t *arr, const char *key, const char *val)
{
    for (size_t i = 0; i < vs_json_len(arr); i++) {
        const vs_json_t *o = vs_json_at(arr, i);
        const char *s = vs_json_get_str(o, key);
        if (s && !strcmp(s, val))
            return (vs_json_t *)o;
    }
    return NULL;
}

/* The Vpcs list of (account, region), created on first use. */
static vs_json_t *s_vpcs_of(vs_json_t *doc, const char *account, const char *region)
{
    vs_json_t *accts = (vs_json_t *)vs_json_get(doc, "Accounts");
    vs_json_t *a = s_find(accts, "AccountId", account);
    if (!a) {
        a = vs_json_push(accts, vs_json_object());
        vs_json_set_str(a, "AccountId", account);
        vs_json_set(a, "Regions", vs_json_array());
    }
    vs_json_t *regions = (vs_json_t *)vs_json_get(a, "Regions");
    vs_json_t *r = s_find(regions, "Region", region);
    if (!r) {
        r = vs_json_push(regions, vs_json_object());
        vs_json_set_str(r, "Region", region);
        vs_json_set(r, "Vpcs", vs_json_array());
    }
    return (vs_json_t *)vs_json_get(r, "Vpcs");
}

static vs_json_t *s_find_vpc(vs_json_t *doc, const char *vpc_id)
{
    const vs_json_t *accts = vs_json_get(doc, "Accounts");
    for (size_t i = 0; i < vs_json_len(accts); i++) {
        const vs_json_t *regions = vs_json_get(vs_json_at(accts, i), "Regions");
        for (size_t k = 0; k < vs_json_len(regions); k++) {
            vs_json_t *v = s_find((vs_json_t *)vs_json_get(vs_json_at(regions, k), "Vpcs"), "VpcId",
                                  vpc_id);
            if (v)
                return v;
        }
    }
    return NULL;
}

static void s_add_cidr(vs_json_t *vpc, const char *cidr)
{
    vs_json_t *arr = (vs_json_t *)vs_json_get(vpc, "CidrBlocks");
    for (size_t i = 0; cidr && i < vs_json_len(arr); i++)
        if (!strcmp(vs_json_as_str(vs_json_at(arr, i)), cidr))
            return;
    if (cidr)
        vs_json_push(arr, vs_json_str(cidr));
}

static vs_json_t *s_vpc(vs_json_t *doc, const char *account, const char *region, const char *id,
                        bool owned)
{
    vs_json_t *v = s_find_vpc(doc, id);
    if (!v) {
        v = vs_json_push(s_vpcs_of(doc, account, region), vs_json_object());
        vs_json_set_str(v, "VpcId", id);
        vs_json_set_str(v, "Name", "");
        vs_json_set(v, "CidrBlocks", vs_json_array());
        vs_json_set_bool(v, "Owned", owned);
    } else if (owned) {
        vs_json_set_bool(v, "Owned", true);
    }
    return v;
}

static const vs_json_t *s_list(const vs_json_t *out, const char *key)
{
    const vs_json_t *l = out ? vs_json_get(out, key) : NULL;
    return l && vs_json_type(l) == VS_JSON_ARRAY && vs_json_len(l) <= TOPO_MAX_ITEMS ? l : NULL;
}

static void s_add_vpc_info(vs_json_t *doc, const vs_json_t *info, const char *dflt_region)
{
    const char *id = vs_json_get_str(info, "VpcId");
    const char *owner = vs_json_get_str(info, "OwnerId");
    const char *region = vs_json_get_str(info, "Region");
    if (!id || !owner)
        return;
    vs_json_t *v = s_vpc(doc, owner, region ? region : dflt_region, id, false);
    const vs_json_t *set = vs_json_get(info, "CidrBlockSet");
    for (size_t i = 0; i < vs_json_len(set); i++)
        s_add_cidr(v, vs_json_get_str(vs_json_at(set, i), "CidrBlock"));
    s_add_cidr(v, vs_json_get_str(info, "CidrBlock"));
}

int vs_topo_add(vs_json_t *doc, const char *account, const char *region, const vs_json_t *vpcs,
                const vs_json_t *pcxs, const vs_json_t *rtbs)
{
    if (!doc || !account || !region)
        return -1;
    if ((vpcs && !s_list(vpcs, "Vpcs")) || (pcxs && !s_list(pcxs, "VpcPeeringConnections")) ||
        (rtbs && !s_list(rtbs, "RouteTables")))
        return -1;
    const vs_json_t *l = s_list(vpcs, "Vpcs");
    for (size_t i = 0; i < vs_json_len(l); i++) {
        const vs_json_t *o = vs_json_at(l, i);
        const char *id = vs_json_get_str(o, "VpcId");
        if (!id)
            continue;
        vs_json_t *v = s_vpc(doc, account, region, id, true);
        const vs_json_t *set = vs_json_get(o, "CidrBlockAssociationSet");
        for (size_t k = 0; k < vs_json_len(set); k++) {
            const vs_json_t *as = vs_json_at(set, k);
            const char *st = vs_json_get_str(vs_json_get(as, "CidrBlockState"), "State");
            if (!st || !strcmp(st, "associated"))
                s_add_cidr(v, vs_json_get_str(as, "CidrBlock"));
        }
        s_add_cidr(v, vs_json_get_str(o, "CidrBlock"));
        const vs_json_t *tags = vs_json_get(o, "Tags");
        for (size_t k = 0; k < vs_json_len(tags); k++) {
            const char *key = vs_json_get_str(vs_json_at(tags, k), "Key");
            const char *val = vs_json_get_str(vs_json_at(tags, k), "Value");
            if (key && val && !strcmp(key, "Name"))
                vs_json_set_str(v, "Name", val);
        }
    }
    l = s_list(pcxs, "VpcPeeringConnections");
    vs_json_t *conns = (vs_json_t *)vs_json_get(doc, "PeeringConnections");
    for (size_t i = 0; i < vs_json_len(l); i++) {
        const vs_json_t *o = vs_json_at(l, i);
        const char *id = vs_json_get_str(o, "VpcPeeringConnectionId");
        const vs_json_t *rq = vs_json_get(o, "RequesterVpcInfo"), *ac = vs_json_get(o, "AccepterVpcInfo");
        const char *state = vs_json_get_str(vs_json_get(o, "Status"), "Code");
        if (!id || !rq || !ac || !state || s_find(conns, "VpcPeeringConnectionId", id))
            continue;
        s_add_vpc_info(doc, rq, region);
        s_add_vpc_info(doc, ac, region);
        vs_json_t *c = vs_json_push(conns, vs_json_object());
        vs_json_set_str(c, "VpcPeeringConnectionId", id);
        vs_json_set_str(c, "State", state);
        vs_json_set_str(c, "RequesterVpcId", vs_json_get_str(rq, "VpcId"));
        vs_json_set_str(c, "AccepterVpcId", vs_json_get_str(ac, "VpcId"));
    }
    l = s_list(rtbs, "RouteTables");
    vs_json_t *routes = (vs_json_t *)vs_json_get(doc, "Routes");
    for (size_t i = 0; i < vs_json_len(l); i++) {
        const vs_json_t *rt = vs_json_at(l, i);
        const vs_json_t *rs = vs_json_get(rt, "Routes");
        for (size_t k = 0; k < vs_json_len(rs); k++) {
            const vs_json_t *r = vs_json_at(rs, k);
            const char *pcx = vs_json_get_str(r, "VpcPeeringConnectionId");
            if (!pcx)
                continue;
            const char *dst = vs_json_get_str(r, "DestinationCidrBlock");
            if (!dst)
                dst = vs_json_get_str(r, "DestinationIpv6CidrBlock");
            vs_json_t *o = vs_json_push(routes, vs_json_object());
            vs_json_set_str(o, "RouteTableId", vs_json_get_str(rt, "RouteTableId"));
            vs_json_set_str(o, "VpcId", vs_json_get_str(rt, "VpcId"));
            vs_json_set_str(o, "DestinationCidrBlock", dst);
            vs_json_set_str(o, "VpcPeeringConnectionId", pcx);
            const char *st = vs_json_get_str(r, "State");
            vs_json_set_str(o, "State", st ? st : "active");
        }
    }
    return 0;
}

const char *vs_topo_state_color(const char *s)
{
    if (!s) return "#9e9e9e";
    if (!strcmp(s, "active")) return "#2e7d32";
    if (!strcmp(s, "pending-acceptance")) return "#f9a825";
    if (!strcmp(s, "provisioning")) return "#1565c0";
    if (!strcmp(s, "initiating-request")) return "#78909c";
    if (!strcmp(s, "deleting")) return "#6d4c41";
    if (!strcmp(s, "failed")) return "#c62828";
    return "#9e9e9e";   /* deleted, rejected, expired */
}

/* A dot string literal: quotes and backslashes escaped, nothing else
 * reaches the output (ids and CIDRs are validated upstream anyway). */
static void s_q(vs_buf_t *b, const char *s)
{
    vs_buf_printf(b, "\"");
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            vs_buf_printf(b, "\\%c", *s);
        else if (*s == '\n')
            vs_buf_printf(b, "\\n");
        else if ((unsigned char)*s >= 0x20)
            vs_buf_printf(b, "%c", *s);
    }
    vs_buf_printf(b, "\"");
}

static const char *s_str(const vs_json_t *o, const char *key)
{
    const char *s = vs_json_get_str(o, key);
    return s ? s : "";
}

char *vs_topo_dot(const vs_json_t *doc, char *err, size_t errlen)
{
    const vs_json_t *accts = doc ? vs_json_get(doc, "Accounts") : NULL;
    const vs_json_t *conns = doc ? vs_json_get(doc, "PeeringConnections") : NULL;
    const vs_json_t *routes = doc ? vs_json_get(doc, "Routes") : NULL;
    if (!accts || vs_json_type(accts) != VS_JSON_ARRAY || !conns ||
        vs_json_type(conns) != VS_JSON_ARRAY || !routes || vs_json_type(routes) != VS_JSON_ARRAY) {
        snprintf(err, errlen, "a topology needs Accounts, PeeringConnections and Routes lists");
        return NULL;
    }
    vs_buf_t b = { 0 };
    vs_buf_printf(&b, "digraph topology {\n"
                         "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, compound=true];\n"
                         "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11];\n"
                         "  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for (size_t i = 0; i < vs_json_len(accts); i++) {
        const vs_json_t *a = vs_json_at(accts, i);
        vs_buf_printf(&b, "  subgraph cluster_a%zu {\n    label=", i);
        char lbl[64];
        snprintf(lbl, sizeof lbl, "account %s", s_str(a, "AccountId"));
        s_q(&b, lbl);
        vs_buf_printf(&b, "; style=\"rounded\"; color=\"#546e7a\";\n");
        const vs_json_t *regions = vs_json_get(a, "Regions");
        for (size_t k = 0; k < vs_json_len(regions); k++) {
            const vs_json_t *r = vs_json_at(regions, k);
            vs_buf_printf(&b, "    subgraph cluster_a%zu_r%zu {\n      label=", i, k);
            s_q(&b, s_str(r, "Region"));
            vs_buf_printf(&b, "; style=\"dashed\"; color=\"#90a4ae\";\n");
            const vs_json_t *vpcs = vs_json_get(r, "Vpcs");
            for (size_t v = 0; v < vs_json_len(vpcs); v++) {
                const vs_json_t *o = vs_json_at(vpcs, v);
                vs_buf_t l = { 0 };
                vs_buf_printf(&l, "%s", s_str(o, "VpcId"));
                if (*s_str(o, "Name"))
                    vs_buf_printf(&l, "\n%s", s_str(o, "Name"));
                const vs_json_t *cidrs = vs_json_get(o, "CidrBlocks");
                for (size_t c = 0; c < vs_json_len(cidrs); c++)
                    vs_buf_printf(&l, "\n%s", vs_json_as_str(vs_json_at(cidrs, c)) ?: "");
                char *label = vs_buf_take(&l);
                vs_buf_printf(&b, "      ");
                s_q(&b, s_str(o, "VpcId"));
                vs_buf_printf(&b, " [label=");
                s_q(&b, label ? label : "");
                vs_buf_printf(&b, ", fillcolor=\"%s\"];\n",
                                 vs_json_get_bool(o, "Owned", false) ? "#e3f2fd" : "#f5f5f5");
                free(label);
            }
            vs_buf_printf(&b, "    }\n");
        }
        vs_buf_printf(&b, "  }\n");
    }
    for (size_t i = 0; i < vs_json_len(conns); i++) {
        const vs_json_t *c = vs_json_at(conns, i);
        const char *state = s_str(c, "State");
        bool gone = !strcmp(state, "deleted") || !strcmp(state, "rejected") ||
                    !strcmp(state, "expired") || !strcmp(state, "failed");
        vs_buf_printf(&b, "  ");
        s_q(&b, s_str(c, "RequesterVpcId"));
        vs_buf_printf(&b, " -> ");
        s_q(&b, s_str(c, "AccepterVpcId"));
        char lbl[128];
        snprintf(lbl, sizeof lbl, "%s\n%s", s_str(c, "VpcPeeringConnectionId"), state);
        vs_buf_printf(&b, " [label=");
        s_q(&b, lbl);
        vs_buf_printf(&b, ", color=\"%s\", fontcolor=\"%s\", penwidth=%s, dir=none%s];\n",
                         vs_topo_state_color(state), vs_topo_state_color(state),
                         !strcmp(state, "active") ? "2.5" : "1.5", gone ? ", style=dotted" : "");
    }
    for (size_t i = 0; i < vs_json_len(routes); i++) {
        const vs_json_t *r = vs_json_at(routes, i);
        const char *pcx = s_str(r, "VpcPeeringConnectionId");
        const vs_json_t *c = NULL;
        for (size_t k = 0; k < vs_json_len(conns) && !c; k++)
            if (!strcmp(s_str(vs_json_at(conns, k), "VpcPeeringConnectionId"), pcx))
                c = vs_json_at(conns, k);
        const char *from = s_str(r, "VpcId");
        /* The route leads to the connection's other end; a route through a
         * connection no longer described points at the connection id. */
        const char *to = c ? (!strcmp(s_str(c, "RequesterVpcId"), from) ? s_str(c, "AccepterVpcId")
                                                                         : s_str(c, "RequesterVpcId"))
                           : pcx;
        bool black = !strcmp(s_str(r, "State"), "blackhole");
        if (!c) {
            vs_buf_printf(&b, "  ");
            s_q(&b, pcx);
            vs_buf_printf(&b, " [shape=point, color=\"#c62828\"];\n");
        }
        vs_buf_printf(&b, "  ");
        s_q(&b, from);
        vs_buf_printf(&b, " -> ");
        s_q(&b, to);
        char lbl[200];
        snprintf(lbl, sizeof lbl, "%s: %s via %s (%s)", s_str(r, "RouteTableId"),
                 s_str(r, "DestinationCidrBlock"), pcx, black ? "blackhole" : "active");
        vs_buf_printf(&b, " [label=");
        s_q(&b, lbl);
        vs_buf_printf(&b, ", style=dashed, color=\"%s\", fontcolor=\"%s\", arrowhead=%s];\n",
                         black ? "#c62828" : "#43a047", black ? "#c62828" : "#43a047",
                         black ? "tee" : "normal");
    }
    vs_buf_printf(&b, "}\n");
    char *s = vs_buf_take(&b);
    if (!s)
        snprintf(err, errlen, "out of memory");
    return s;
}
