/* vpc: the VPC and its CIDR blocks, the resource every other one hangs
 * off. Shared by the VPC files (ec2_vpc.c: the VPC actions; vpc_cidrs.c: CIDR
 * block helpers; ec2_vpc_cidr.c: associate/disassociate) and by the layers
 * above (peering, network, reach), which read VPCs but never change their
 * CIDR blocks except through these files.
 */
#ifndef VS_VPC_H
#define VS_VPC_H

#include "model_internal.h"

typedef struct vs_vpc_cidr {
    char assoc_id[VS_ASSOC_ID_LEN];
    vs_cidr_t cidr;
} vs_vpc_cidr_t;

struct vs_vpc {
    vs_obj_t base;
    vs_vpc_cidr_t *v4;         /* v4[0] is the primary CIDR */
    size_t nv4;
    vs_vpc_cidr_t *v6;         /* Amazon-provided /56 blocks */
    size_t nv6;
    bool dns_support;
    bool dns_hostnames;
    char tenancy[16];          /* default | dedicated */
    char dhcp_options_id[VS_ID_LEN];
    char main_rtb_id[VS_ID_LEN];
    char default_sg_id[VS_ID_LEN];    /* the SG object is created by the SG module */
    char default_acl_id[VS_ID_LEN];   /* the ACL object is created by the ACL module */
    /* The peering connections involving this VPC, an index kept by
     * pcx_obj.c so that create/accept never scan every connection. Built
     * on first use (after loading), then kept up to date. */
    struct vs_pcx_obj **pcx;
    /* pcx_peer[i]: vs_idmap_hash() of the VPC at the other end of pcx[i],
     * so that looking for one pair skips the others without visiting them
     * (their records are kilobytes apart: a cache miss each). */
    uint64_t *pcx_peer;
    size_t npcx;               /* of both arrays */
    bool pcx_listed;
    /* Its security groups in creation order, an index kept by sg_index.c so
     * that a snapshot for a peer (sg_dir.c) costs that VPC's groups, not
     * the model's. Built on first use, like pcx. */
    struct vs_sg **sgs;
    size_t nsgs;
    bool sgs_listed;
    /* Bumped by sg_dir.c at every change of its groups or their rules, so
     * that a snapshot sent earlier is known to be still current (memory
     * only: after a restart every snapshot is sent again). */
    uint64_t sg_gen;
};

extern const vs_kind_t vs_kind_vpc;

/* VPC helpers (ec2_vpc.c), for ec2_vpc_cidr.c and the layers above. */
/* The association holding cidr (exact match) or NULL. */
const vs_vpc_cidr_t *vs_vpc__find_cidr(const vs_vpc_t *vpc, const vs_cidr_t *cidr);
/* Parses an IPv4 CIDR parameter with EC2's error ("Value (x) for parameter
 * cidrBlock is invalid. This is not a valid CIDR block."). */
int vs_vpc__parse_v4(const char *s, const char *param, vs_cidr_t *out, vs_awserr_t *err);
/* A new Amazon-provided /56 from 2600:1f00::/24, unused in this model. */
int vs_vpc__alloc_ipv6(vs_model_t *m, vs_cidr_t *out);
/* One CidrBlockAssociation / Ipv6CidrBlockAssociation output document;
 * hide_v6_block prints the IPv6 block as "" (not allocated yet). */
vs_json_t *vs_vpc__cidr_assoc_output(const vs_model_t *m, const vs_vpc_cidr_t *c,
                                     const char *state, bool hide_v6_block);
/* VPC or subnet output documents, also for other files' outputs. */
vs_json_t *vs_vpc__output(const vs_model_t *m, const vs_obj_t *o);

/* The modules of this layer (listed by core/service). */
extern const vs_module_t vs_module_vpc;
extern const vs_module_t vs_module_vpc_cidr;

#endif
