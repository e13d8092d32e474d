/* sg: security groups inside the agent model - the object (shared by
 * ec2_sg.c, its rules code and the reachability engine) and the evaluator
 * that decides whether a group set admits a packet.
 *
 * A group belongs to one VPC. Rules are kept per direction in the order
 * they were authorized. A rule has one peer: an IPv4 CIDR, an IPv6 CIDR, a
 * referenced group (this VPC's, or a peer VPC's across an active same-Region
 * pcx) or a prefix list. Security groups are stateful, so callers evaluate
 * only the direction that initiates a flow.
 */
#ifndef VS_SG_H
#define VS_SG_H

#include <stdbool.h>
#include <stddef.h>

#include "network.h"

#define VS_SG_NAME_LEN    256       /* GroupName: up to 255 characters */
#define VS_SG_DESC_LEN    256       /* Description: up to 255 characters */
#define VS_SG_MAX_RULES   60        /* per direction (AWS default quota) */

typedef enum {
    VS_SG_PEER_CIDR4 = 0,
    VS_SG_PEER_CIDR6,
    VS_SG_PEER_GROUP,
    VS_SG_PEER_PREFIX_LIST
} vs_sg_peer_kind_t;

typedef struct vs_sg_rule {
    char rule_id[VS_ID_LEN];          /* sgr-... */
    int proto;                        /* -1 all, else IP protocol number */
    int from_port, to_port;           /* -1/-1: all (or ICMP any type/code) */
    vs_sg_peer_kind_t peer;
    vs_cidr_t cidr;                   /* CIDR4 / CIDR6 */
    /* GROUP: the referenced group; user_id is its owner. vpc_id and pcx_id
     * are set for a peer VPC's group (empty for this VPC's). */
    char group_id[VS_ID_LEN];
    char user_id[VS_ACCOUNT_LEN];
    char vpc_id[VS_ID_LEN];
    char pcx_id[VS_ID_LEN];
    char prefix_list_id[VS_ID_LEN];   /* PREFIX_LIST */
    char desc[VS_SG_DESC_LEN];
} vs_sg_rule_t;

typedef struct vs_sg {
    vs_obj_t base;                    /* sg-... */
    char vpc_id[VS_ID_LEN];
    char name[VS_SG_NAME_LEN];
    char desc[VS_SG_DESC_LEN];
    vs_sg_rule_t *in;                 /* IpPermissions */
    size_t nin;
    vs_sg_rule_t *out;                /* IpPermissionsEgress */
    size_t nout;
} vs_sg_t;

extern const vs_kind_t vs_kind_sg;
extern const vs_module_t vs_module_sg;
extern const vs_module_t vs_module_sg_rules;     /* sg_rules.c */

/* Protocol numbers the evaluator takes. */
enum { VS_SG_ALL = -1, VS_SG_ICMP = 1, VS_SG_TCP = 6, VS_SG_UDP = 17, VS_SG_ICMPV6 = 58 };

/* true if any rule of any of the groups sg_ids[0..n) (this model's groups;
 * unknown IDs are skipped) admits a packet in direction `egress`:
 * `proto` (VS_SG_* or another IP protocol number; VS_SG_ALL asks about
 * "all traffic" and only all-traffic rules admit it), `port` (TCP/UDP
 * destination port; for ICMP the type, -1 if unknown), the other end's
 * address peer_ip (borrowed; NULL when only group references count), its
 * account peer_account (NULL: not checked) and its groups
 * peer_sg_ids[0..n_peer_sgs) (may be NULL when n_peer_sgs is 0). Stateful:
 * evaluate only the direction that initiates the flow.
 *  - CIDR rules match by peer_ip (same family).
 *  - Group-reference rules match if one of peer_sg_ids is the referenced
 *    group and the reference is live: a group in the same VPC, or a peer
 *    VPC's group while an active same-Region pcx joins the two VPCs. Stale
 *    references (no such pcx any more) admit nothing.
 *  - Prefix-list rules admit nothing (no prefix lists in the simulator).
 * On a match, *matched_sg_id (if not NULL) points at the matching group's ID
 * (borrowed from the model) and rule_desc (if not NULL) holds a short text
 * such as "tcp 22 from 10.2.0.0/16" or "all from sg-0abc". */
bool vs_sg__allows(const vs_model_t *m, const char *const *sg_ids, size_t n, bool egress,
                   int proto, int port, const vs_ip_t *peer_ip, const char *peer_account,
                   const char *const *peer_sg_ids, size_t n_peer_sgs,
                   const char **matched_sg_id, char *rule_desc, size_t rule_desc_len);

/* The ID of vpc_id's default security group (borrowed), or NULL. */
const char *vs_sg__default_for_vpc(const vs_model_t *m, const char *vpc_id);

/* The group sg_id of this model (NULL if none). */
vs_sg_t *vs_sg__get(const vs_model_t *m, const char *sg_id);
/* The groups of this model's VPC vpc_id, in creation order: their number,
 * *out pointing at them (borrowed, valid until a group is created or
 * deleted). 0 and NULL for a VPC not held here. */
size_t vs_sg__of_vpc(const vs_model_t *m, const char *vpc_id, vs_sg_t *const **out);
/* Upkeep of that index (sg_index.c), by whoever creates or deletes groups:
 * v was just created (no groups yet); g was added to the model; g is about
 * to be removed from it. */
void vs_sg__index_new_vpc(vs_vpc_t *v);
void vs_sg__index_add(const vs_model_t *m, vs_sg_t *g);
void vs_sg__index_remove(const vs_model_t *m, const vs_sg_t *g);

/* The ID (borrowed) of an active same-Region pcx held by this model that
 * joins vpc_a and vpc_b, or NULL. Decides whether a reference to a peer
 * VPC's group is live. */
const char *vs_sg__active_pcx(const vs_model_t *m, const char *vpc_a, const char *vpc_b);

/* Is rule r (of group g) a stale reference: a peer VPC's group with no
 * active same-Region pcx joining the two VPCs? */
bool vs_sg__rule_stale(const vs_model_t *m, const vs_sg_t *g, const vs_sg_rule_t *r);

/* --- shared by the security group files (ec2_sg.c, sg_rules.c, sg_out.c) --- */

#define VS_SG_PROTO_LEN 8

/* "tcp", "udp", "icmp", "icmpv6", "-1" or the number ("50"), as EC2 prints
 * IpProtocol. */
const char *vs_sg__proto_name(int proto, char buf[VS_SG_PROTO_LEN]);
/* Whether rules of this protocol have ports (TCP, UDP) or type/code (ICMP,
 * ICMPv6); the others match every port and IpPermissions omit the ports. */
bool vs_sg__proto_has_ports(int proto);

/* A new rule ID "sgr-..." into r->rule_id. */
void vs_sg__new_rule_id(vs_model_t *m, vs_sg_rule_t *r);

/* The group a call names with GroupId or GroupName (only GroupId for
 * AuthorizeSecurityGroupEgress-style calls: id_only). Errors as EC2. */
vs_sg_t *vs_sg__resolve(const vs_model_t *m, const char *caller, const vs_json_t *in,
                        bool id_only, vs_awserr_t *err);
/* The group named `name` in vpc_id, or NULL. */
vs_sg_t *vs_sg__by_name(const vs_model_t *m, const char *vpc_id, const char *name);

/* How a reference rule stands now: its current pcx (the active one if any,
 * else the one it was written through) and "active" / "deleted". Both NULL
 * for a reference to a group in the same VPC. */
void vs_sg__ref_status(const vs_model_t *m, const vs_sg_t *g, const vs_sg_rule_t *r,
                       const char **pcx_id, const char **peering_status);

/* Output documents (caller owns). IpPermissions / IpPermissionsEgress in
 * the DescribeSecurityGroups shape (rules grouped by protocol and ports). */
vs_json_t *vs_sg__perms_output(const vs_model_t *m, const vs_sg_t *g, bool egress);
/* One SecurityGroupRule (AuthorizeSecurityGroup* output). */
vs_json_t *vs_sg__rule_output(const vs_model_t *m, const vs_sg_t *g, const vs_sg_rule_t *r,
                              bool egress);

/* Actions implemented outside ec2_sg.c (listed in its module table). */
int vs_sg__authorize_ingress(vs_model_t *m, const char *caller, const vs_json_t *in,
                             vs_json_t **out, vs_awserr_t *err);
int vs_sg__authorize_egress(vs_model_t *m, const char *caller, const vs_json_t *in,
                            vs_json_t **out, vs_awserr_t *err);
int vs_sg__revoke_ingress(vs_model_t *m, const char *caller, const vs_json_t *in,
                          vs_json_t **out, vs_awserr_t *err);
int vs_sg__revoke_egress(vs_model_t *m, const char *caller, const vs_json_t *in,
                         vs_json_t **out, vs_awserr_t *err);
int vs_sg__describe_stale(vs_model_t *m, const char *caller, const vs_json_t *in,
                          vs_json_t **out, vs_awserr_t *err);

#endif
