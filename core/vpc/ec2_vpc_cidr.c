/* ec2_vpc_cidr: secondary CIDR blocks of a VPC: AssociateVpcCidrBlock,
 * DisassociateVpcCidrBlock, and EC2's restrictions on which IPv4 blocks may
 * join a VPC. The VPC object and the CIDR helpers this shares with CreateVpc
 * (parsing, IPv6 /56 allocation, outputs) are in ec2_vpc.c.
 *
 * Other files learn about CIDR changes through two hooks: they may refuse
 * one (cidr_change_allowed: peering refuses CIDRs that overlap a peer) and
 * they follow them (vpc_cidr_changed: route tables add or remove the
 * `local` route).
 */
#include <stdio.h>
#include <string.h>

#include "vpc.h"
#include "params.h"

/* --- IPv4 association restrictions ---------------------------------------- */

/* The address ranges of EC2's "IPv4 CIDR block association restrictions"
 * table (VPC User Guide). */
typedef enum { R_10, R_172, R_192, R_198_19, R_PUBLIC } range_t;

static bool s_within(const vs_cidr_t *c, const char *outer_s)
{
    vs_cidr_t outer;
    return vs_cidr_parse(outer_s, VS_CIDR_STRICT, &outer) == 0 && vs_cidr_contains(&outer, c);
}

static bool s_overlaps(const vs_cidr_t *c, const char *other_s)
{
    vs_cidr_t other;
    return vs_cidr_parse(other_s, VS_CIDR_STRICT, &other) == 0 && vs_cidr_overlaps(&other, c);
}

static range_t s_range(const vs_cidr_t *c)
{
    if (s_within(c, "10.0.0.0/8"))
        return R_10;
    if (s_within(c, "172.16.0.0/12"))
        return R_172;
    if (s_within(c, "192.168.0.0/16"))
        return R_192;
    if (s_within(c, "198.19.0.0/16"))
        return R_198_19;
    /* Publicly routable blocks and 100.64.0.0/10 share one row. */
    return R_PUBLIC;
}

/* true if EC2 refuses to add c to v, judged by the range of the primary
 * CIDR: private ranges do not mix, and a few blocks are reserved for AWS
 * services next to certain primaries. */
static bool s_restricted(const vs_vpc_t *v, const vs_cidr_t *c)
{
    range_t p = s_range(&v->v4[0].cidr), n = s_range(c);
    bool rfc1918 = n == R_10 || n == R_172 || n == R_192;
    switch (p) {
    case R_10:
        if (n == R_172 || n == R_192 || n == R_198_19)
            return true;
        /* "If any of the CIDR blocks associated with the VPC is from the
         * 10.0.0.0/15 range, you cannot add a CIDR block from the
         * 10.0.0.0/16 range." */
        for (size_t i = 0; i < v->nv4; i++)
            if (s_within(&v->v4[i].cidr, "10.0.0.0/15") && s_overlaps(c, "10.0.0.0/16"))
                return true;
        return false;
    case R_172:
        return n == R_10 || n == R_192 || n == R_198_19 || s_overlaps(c, "172.31.0.0/16");
    case R_192:
        return n == R_10 || n == R_172 || n == R_198_19;
    case R_198_19:
        return rfc1918 || n == R_198_19;
    case R_PUBLIC:
        return rfc1918 || n == R_198_19;
    }
    return false;
}

/* --- AssociateVpcCidrBlock ------------------------------------------------------ */

static int s_check_v4(vs_model_t *m, const vs_vpc_t *v, const char *cidr_s, vs_cidr_t *c,
                      vs_awserr_t *err)
{
    if (vs_vpc__parse_v4(cidr_s, "cidrBlock", c, err) != 0)
        return -1;
    if (c->prefix < 16 || c->prefix > 28)
        return vs_awserr_set(err, "InvalidVpc.Range", "The CIDR '%s' is invalid.", cidr_s);
    if ((int)v->nv4 >= vs_model__cfg(m)->max_ipv4_cidrs_per_vpc)
        return vs_awserr_set(err, "CidrLimitExceeded",
                             "This network '%s' has met its maximum number of allowed CIDRs: %d",
                             v->base.id, vs_model__cfg(m)->max_ipv4_cidrs_per_vpc);
    if (s_restricted(v, c))
        return vs_awserr_set(err, "InvalidVpc.Range",
                             "The CIDR '%s' is restricted. Use a CIDR from the same private "
                             "address range as the current VPC CIDR, or use a publicly-routable "
                             "CIDR. For additional restrictions, see "
                             "http://docs.aws.amazon.com/AmazonVPC/latest/UserGuide/"
                             "VPC_Subnets.html#VPC_Sizing", cidr_s);
    for (size_t i = 0; i < v->nv4; i++)
        if (vs_cidr_overlaps(&v->v4[i].cidr, c))
            return vs_awserr_set(err, "InvalidVpc.Range",
                                 "The CIDR '%s' conflicts with another CIDR block of the VPC",
                                 cidr_s);
    return 0;
}

static int s_associate(vs_model_t *m, const char *caller, const vs_json_t *in, vs_json_t **out,
                       vs_awserr_t *err)
{
    const char *id, *cidr_s;
    bool want_v6 = false;
    vs_vpc_t *v;
    if (vs_param_str(in, "VpcId", true, &id, err) != 0 ||
        vs_param_str(in, "CidrBlock", false, &cidr_s, err) != 0 ||
        vs_param_bool(in, "AmazonProvidedIpv6CidrBlock", &want_v6, err) != 0)
        return -1;
    if (!cidr_s && !want_v6)
        return vs_awserr_set(err, "MissingParameter",
                             "Either 'cidrBlock' or 'amazonProvidedIpv6CidrBlock' should be "
                             "provided.");
    if (cidr_s && want_v6)
        return vs_awserr_set(err, "InvalidParameterCombination",
                             "The parameter 'cidrBlock' cannot be used with the parameter "
                             "'amazonProvidedIpv6CidrBlock'");
    if (!(v = vs_model__resolve(m, caller, &vs_kind_vpc, id, err)))
        return -1;
    vs_vpc_cidr_t c = { .assoc_id = "" };
    if (cidr_s) {
        if (s_check_v4(m, v, cidr_s, &c.cidr, err) != 0)
            return -1;
    } else {
        /* One Amazon-provided block per VPC (the others a VPC may have come
         * from BYOIP or IPAM pools, which the simulator does not model). */
        const int max = 1;
        if ((int)v->nv6 >= max)
            return vs_awserr_set(err, "CidrLimitExceeded",
                                 "This network '%s' has met its maximum number of allowed CIDRs: %d",
                                 v->base.id, max);
        if (vs_vpc__alloc_ipv6(m, &c.cidr) != 0)
            return vs_awserr_set(err, "InsufficientCidrBlocks",
                                 "There are not enough free CIDR blocks in the specified Region.");
    }
    if (vs_model__cidr_change_allowed(m, v, &c.cidr, true, err) != 0 ||
        vs_model__dry_run_check(m, err) != 0)
        return -1;
    vs_model__new_assoc_id(m, "vpc-cidr-assoc", c.assoc_id);
    int rc = cidr_s ? VS_APPEND(v->v4, v->nv4, &c) : VS_APPEND(v->v6, v->nv6, &c);
    if (rc != 0)
        return vs_awserr_set(err, "InternalError", "An internal error has occurred");
    vs_model__touch(m, &v->base);
    vs_model__vpc_cidr_changed(m, v, &c.cidr, true);
    *out = vs_json_object();
    if (cidr_s) {
        vs_json_set(*out, "CidrBlockAssociation",
                    vs_vpc__cidr_assoc_output(m, &c, "associating", false));
    } else {
        /* As EC2 answers: the block itself is not known yet. */
        vs_json_t *a = vs_json_set(*out, "Ipv6CidrBlockAssociation", vs_json_object());
        vs_json_set_str(a, "AssociationId", c.assoc_id);
        vs_json_set_str(vs_json_set(a, "Ipv6CidrBlockState", vs_json_object()), "State",
                        "associating");
        vs_json_set_str(a, "NetworkBorderGroup", vs_model_region(m));
    }
    vs_json_set_str(*out, "VpcId", v->base.id);
    return 0;
}

/* --- DisassociateVpcCidrBlock ------------------------------------------------------ */

static int s_disassociate(vs_model_t *m, const char *caller, const vs_json_t *in,
                          vs_json_t **out, vs_awserr_t *err)
{
    const char *aid;
    if (vs_param_str(in, "AssociationId", true, &aid, err) != 0)
        return -1;
    vs_vpc_t *v = NULL;
    size_t at = 0;
    bool v6 = false;
    for (vs_obj_t *o = vs_model__is_owner(m, caller) ? vs_model__first(m, &vs_kind_vpc) : NULL;
         o && !v; o = vs_model__next(o, &vs_kind_vpc)) {
        vs_vpc_t *cand = (vs_vpc_t *)o;
        for (size_t i = 0; i < cand->nv4 && !v; i++)
            if (strcmp(cand->v4[i].assoc_id, aid) == 0) {
                v = cand;
                at = i;
            }
        for (size_t i = 0; i < cand->nv6 && !v; i++)
            if (strcmp(cand->v6[i].assoc_id, aid) == 0) {
                v = cand;
                at = i;
                v6 = true;
            }
    }
    if (!v)
        return vs_awserr_set(err, "InvalidVpcCidrBlockAssociationIdError.NotFound",
                             "The vpc CIDR block association ID '%.*s' does not exist", 100, aid);
    vs_vpc_cidr_t c = v6 ? v->v6[at] : v->v4[at];
    if (!v6 && at == 0)
        return vs_awserr_set(err, "OperationNotPermitted",
                             "The vpc CIDR block with association ID %s may not be disassociated. "
                             "It is the primary IPv4 CIDR block of the VPC", aid);
    /* The subnet module refuses a block that still has subnets (the check
     * runs in the hooks, first of all since subnets come before peering). */
    if (vs_model__cidr_change_allowed(m, v, &c.cidr, false, err) != 0 ||
        vs_model__dry_run_check(m, err) != 0)
        return -1;
    if (v6)
        vs__erase(v->v6, &v->nv6, sizeof *v->v6, at);
    else
        vs__erase(v->v4, &v->nv4, sizeof *v->v4, at);
    vs_model__touch(m, &v->base);
    vs_model__vpc_cidr_changed(m, v, &c.cidr, false);
    *out = vs_json_object();
    vs_json_set(*out, v6 ? "Ipv6CidrBlockAssociation" : "CidrBlockAssociation",
                vs_vpc__cidr_assoc_output(m, &c, "disassociating", false));
    vs_json_set_str(*out, "VpcId", v->base.id);
    return 0;
}

static const vs_action_t s_actions[] = {
    { "AssociateVpcCidrBlock", s_associate },
    { "DisassociateVpcCidrBlock", s_disassociate },
    { NULL, NULL }
};

const vs_module_t vs_module_vpc_cidr = {
    .name = "vpc-cidr",
    .actions = s_actions,
};
