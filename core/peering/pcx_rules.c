/* pcx_rules: overlap, Region pairing, visibility windows, timers. */
#include "pcx_rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ids.h"

static bool s_why(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool s_why(char *why, size_t whylen, const char *fmt, ...)
{
    if (why && whylen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* --- CIDRs ----------------------------------------------------------------- */

bool vs_pcx_cidr_sets_overlap(const vs_cidr_t *a, size_t na, const vs_cidr_t *b, size_t nb)
{
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (a[i].addr.family == b[j].addr.family && vs_cidr_overlaps(&a[i], &b[j]))
                return true;
    return false;
}

bool vs_pcx_vpcs_overlap(const vs_pcx_vpc_t *a, const vs_pcx_vpc_t *b)
{
    return vs_pcx_cidr_sets_overlap(a->ipv4, a->n_ipv4, b->ipv4, b->n_ipv4) ||
           vs_pcx_cidr_sets_overlap(a->ipv6, a->n_ipv6, b->ipv6, b->n_ipv6);
}

vs_pcx_cidr_add_t vs_pcx_cidr_add_effect(const vs_pcx_t *p, const char *vpc_id,
                                         const vs_cidr_t *c)
{
    const vs_pcx_vpc_t *peer;
    bool is_requester;
    if (vpc_id && strcmp(vpc_id, p->requester.vpc_id) == 0) {
        is_requester = true;
        peer = &p->accepter;
    } else if (vpc_id && strcmp(vpc_id, p->accepter.vpc_id) == 0) {
        is_requester = false;
        peer = &p->requester;
    } else {
        return VS_PCX_CIDR_ADD_OK;
    }
    const vs_cidr_t *list = c->addr.family == 4 ? peer->ipv4 : peer->ipv6;
    size_t n = c->addr.family == 4 ? peer->n_ipv4 : peer->n_ipv6;
    bool overlap = vs_pcx_cidr_sets_overlap(c, 1, list, n);

    switch (p->state) {
    case VS_PCX_INITIATING_REQUEST:
    case VS_PCX_PENDING_ACCEPTANCE:
        if (is_requester)
            return VS_PCX_CIDR_ADD_BLOCKED;
        return overlap ? VS_PCX_CIDR_ADD_FAILS_PCX : VS_PCX_CIDR_ADD_OK;
    case VS_PCX_PROVISIONING:
    case VS_PCX_ACTIVE:
        return overlap ? VS_PCX_CIDR_ADD_OVERLAP : VS_PCX_CIDR_ADD_OK;
    default:
        return VS_PCX_CIDR_ADD_OK;
    }
}

bool vs_pcx_joins(const vs_pcx_t *p, const char *vpc_a, const char *vpc_b)
{
    if (!vpc_a || !vpc_b)
        return false;
    const char *r = p->requester.vpc_id, *a = p->accepter.vpc_id;
    return (strcmp(r, vpc_a) == 0 && strcmp(a, vpc_b) == 0) ||
           (strcmp(r, vpc_b) == 0 && strcmp(a, vpc_a) == 0);
}

/* --- Regions --------------------------------------------------------------- */

static bool s_pair(const char *a, const char *b, const char *x, const char *y)
{
    return (strcmp(a, x) == 0 && strcmp(b, y) == 0) || (strcmp(a, y) == 0 && strcmp(b, x) == 0);
}

bool vs_pcx_regions_peerable(const char *region_a, const char *region_b, bool modern,
                             char *why, size_t whylen)
{
    const char *pa = region_a ? vs_region_partition(region_a) : NULL;
    const char *pb = region_b ? vs_region_partition(region_b) : NULL;
    if (!pa || !pb)
        return s_why(why, whylen, "unknown Region '%s'", pa ? region_b : region_a);
    if (strcmp(pa, pb) != 0)
        return s_why(why, whylen,
                     "VPC peering cannot span partitions (%s in %s, %s in %s)", region_a, pa,
                     region_b, pb);
    if (strcmp(region_a, region_b) == 0)
        return true;
    if (strcmp(pa, "aws-cn") == 0) {
        if (!modern)
            return s_why(why, whylen, "inter-Region peering is not available in the China Regions");
        if (!s_pair(region_a, region_b, "cn-north-1", "cn-northwest-1"))
            return s_why(why, whylen,
                         "inter-Region peering in China is only allowed between cn-north-1 "
                         "and cn-northwest-1");
        return true;
    }
    if (strcmp(pa, "aws-us-gov") == 0) {
        if (!s_pair(region_a, region_b, "us-gov-east-1", "us-gov-west-1"))
            return s_why(why, whylen,
                         "inter-Region peering in AWS GovCloud (US) is only allowed between "
                         "us-gov-east-1 and us-gov-west-1");
        return true;
    }
    return true;
}

bool vs_pcx_ipv6_allowed(bool inter_region, bool modern)
{
    return !inter_region || modern;
}

bool vs_pcx_encrypted(bool inter_region)
{
    return inter_region;
}

int vs_pcx_mtu(bool inter_region, bool modern)
{
    if (!inter_region)
        return 9001;
    return modern ? 8500 : 1500;
}

/* --- visibility -------------------------------------------------------------- */

static uint64_t s_add(uint64_t t, uint64_t d)
{
    return t > UINT64_MAX - d ? UINT64_MAX : t + d;   /* saturate */
}

static uint64_t s_until_one(const vs_pcx_t *p, vs_pcx_side_t side)
{
    const uint64_t t = p->state_entered_ms;
    const bool same_account = strcmp(p->requester.account, p->accepter.account) == 0;
    const bool req = side == VS_PCX_SIDE_REQUESTER;
    switch (p->state) {
    case VS_PCX_FAILED:
        return req ? s_add(t, VS_PCX_SHORT_VISIBLE_MS) : 0;
    case VS_PCX_EXPIRED:
        return s_add(t, VS_PCX_LONG_VISIBLE_MS);
    case VS_PCX_REJECTED:
        if (same_account || !req)
            return s_add(t, VS_PCX_SHORT_VISIBLE_MS);
        return s_add(t, VS_PCX_LONG_VISIBLE_MS);
    case VS_PCX_DELETED:
        if (same_account)
            return s_add(t, VS_PCX_SHORT_VISIBLE_MS);
        if (p->deleted_by == side)
            return s_add(t, VS_PCX_SHORT_VISIBLE_MS);
        return s_add(t, VS_PCX_LONG_VISIBLE_MS);
    default:
        return UINT64_MAX;
    }
}

uint64_t vs_pcx_visible_until(const vs_pcx_t *p, vs_pcx_side_t side)
{
    uint64_t until = 0;
    if (side & VS_PCX_SIDE_REQUESTER)
        until = s_until_one(p, VS_PCX_SIDE_REQUESTER);
    if (side & VS_PCX_SIDE_ACCEPTER) {
        uint64_t a = s_until_one(p, VS_PCX_SIDE_ACCEPTER);
        until = a > until ? a : until;
    }
    return until;
}

bool vs_pcx_visible(const vs_pcx_t *p, vs_pcx_side_t side, uint64_t now_ms)
{
    return now_ms < vs_pcx_visible_until(p, side);
}

uint64_t vs_pcx_purge_at(const vs_pcx_t *p)
{
    return vs_pcx_visible_until(p, VS_PCX_SIDE_BOTH);
}

/* --- timers ------------------------------------------------------------------ */

bool vs_pcx_next_event(const vs_pcx_t *p, vs_pcx_action_t *event, uint64_t *at_ms)
{
    vs_pcx_action_t e;
    uint64_t at;
    switch (p->state) {
    case VS_PCX_INITIATING_REQUEST:
    case VS_PCX_PENDING_ACCEPTANCE:
        e = VS_PCX_ACT_EXPIRE;
        at = p->expiration_ms;
        break;
    case VS_PCX_PROVISIONING:
        e = VS_PCX_ACT_PROVISIONED;
        at = s_add(p->state_entered_ms, VS_PCX_PROVISIONING_MS);
        break;
    case VS_PCX_DELETING:
        e = VS_PCX_ACT_DELETE_DONE;
        at = s_add(p->state_entered_ms, VS_PCX_DELETING_MS);
        break;
    default:
        return false;
    }
    if (event)
        *event = e;
    if (at_ms)
        *at_ms = at;
    return true;
}

/* --- modify checks -------------------------------------------------------------- */

int vs_pcx_check_classic_link(bool inter_region, bool request_names_classic_link,
                              vs_awserr_t *err)
{
    if (inter_region && request_names_classic_link)
        return vs_awserr_set(err, "OperationNotPermitted",
                             "Modifying VPC peering connection options "
                             "AllowEgressFromLocalClassicLinkToRemoteVpc, "
                             "AllowEgressFromLocalVpcToRemoteClassicLink is not supported for "
                             "cross-region VPC peering connections");
    return 0;
}

int vs_pcx_check_dns_option(bool enabling_dns_resolution, bool both_vpcs_have_dns,
                            vs_awserr_t *err)
{
    if (enabling_dns_resolution && !both_vpcs_have_dns)
        return vs_awserr_set(err, "InvalidVpcPeeringConnectionState.DnsHostnamesDisabled",
                             "To enable DNS hostname resolution for the VPC peering "
                             "connection, DNS hostname support must be enabled for the VPCs.");
    return 0;
}
