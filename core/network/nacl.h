/* nacl: network ACLs inside the agent model - the object (shared by
 * ec2_nacl.c, nacl_entry.c and the reachability engine) and the stateless
 * evaluator that decides whether an ACL admits a packet.
 *
 * Every VPC has a default ACL (allow all, then the `*` deny, in and out;
 * IPv6 rules too once the VPC has an IPv6 block); every subnet is
 * associated with exactly one ACL of its VPC, the default one until
 * ReplaceNetworkAclAssociation moves it. A custom ACL starts with the
 * `*` denies only. Rules are evaluated in ascending rule number, the first
 * match decides, and each direction is separate: nothing is remembered
 * about a flow, so a reply must be admitted by its own rules (reference
 * 7.2 steps 2, 7 and 9).
 */
#ifndef VS_NACL_H
#define VS_NACL_H

#include <stdbool.h>
#include <stddef.h>

#include "network.h"

#define VS_NACL_RULE_MIN      1
#define VS_NACL_RULE_MAX      32766     /* user rules: 1..32766 */
#define VS_NACL_RULE_STAR4    32767     /* the IPv4 `*` deny */
#define VS_NACL_RULE_STAR6    32768     /* the IPv6 `*` deny */
/* "Rules per network ACL: 20 ... the one-way quota ... includes both IPv4
 * and IPv6 rules, and the default deny rules" (VPC quotas). */
#define VS_NACL_MAX_ENTRIES   20
#define VS_NACL_MAX_PER_VPC   200
#define VS_NACL_TOKEN_LEN     65        /* ClientToken: up to 64 ASCII characters */
/* The ports a client picks for its side of a connection; replies go back
 * to one of them (reference 7.2 step 9). */
#define VS_NACL_EPHEMERAL_LO  1024
#define VS_NACL_EPHEMERAL_HI  65535

typedef struct vs_nacl_entry {
    int rule;                 /* 1..32766, or a `*` rule number */
    bool egress;
    bool allow;
    int proto;                /* -1 all, else the IP protocol number */
    int from_port, to_port;   /* TCP/UDP only; -1 otherwise */
    int icmp_type, icmp_code; /* ICMP/ICMPv6 only; -1 = any */
    vs_cidr_t cidr;           /* IPv4 (CidrBlock) or IPv6 (Ipv6CidrBlock) */
} vs_nacl_entry_t;

typedef struct vs_nacl_assoc {
    char id[VS_ASSOC_ID_LEN]; /* aclassoc-... */
    char subnet_id[VS_ID_LEN];
} vs_nacl_assoc_t;

typedef struct vs_nacl {
    vs_obj_t base;            /* acl-... */
    char vpc_id[VS_ID_LEN];
    bool is_default;
    vs_nacl_entry_t *entries; /* kept sorted: egress first, then by rule */
    size_t nentries;
    vs_nacl_assoc_t *assocs;
    size_t nassocs;
    char client_token[VS_NACL_TOKEN_LEN];   /* of the CreateNetworkAcl call; "" if none */
} vs_nacl_t;

extern const vs_kind_t vs_kind_nacl;
extern const vs_module_t vs_module_nacl;

/* The ACL associated with subnet_id (borrowed), or NULL (a subnet the
 * model does not know, or state written before ACLs existed). */
const vs_nacl_t *vs_nacl__for_subnet(const vs_model_t *m, const char *subnet_id);

/* --- evaluation (nacl_eval.c) --------------------------------------------- */

/* The verdict of one direction of an ACL for a packet of protocol `proto`
 * (IP protocol number) whose other end is `peer` and whose destination
 * port is anywhere in [port_lo, port_hi] (TCP/UDP; pass -1, -1 for other
 * protocols). allowed is true if some port of the range reaches an allow
 * rule before any deny; `rule` is then that allow rule, else the deny rule
 * that stopped the packet (the `*` rule when nothing else matched).
 * `rule` is NULL only for an ACL without entries in that direction, which
 * denies. */
typedef struct vs_nacl_verdict {
    bool allowed;
    const vs_nacl_entry_t *rule;  /* borrowed from the ACL */
    int port;                     /* a port the verdict holds for, -1 if none */
} vs_nacl_verdict_t;

void vs_nacl_eval(const vs_nacl_t *acl, bool egress, int proto, int port_lo, int port_hi,
                  const vs_ip_t *peer, vs_nacl_verdict_t *out);

/* --- the rules as data (nacl_rules.c), for ec2_nacl.c and nacl_entry.c ------ */

/* Inserts e in order; -1 on OOM. Does not check duplicates or limits. */
int vs_nacl__insert(vs_nacl_t *acl, const vs_nacl_entry_t *e);
/* The entry (rule, egress) or NULL. */
vs_nacl_entry_t *vs_nacl__find(vs_nacl_t *acl, int rule, bool egress);
/* One Entries element in the DescribeNetworkAcls shape (caller owns). */
vs_json_t *vs_nacl__entry_output(const vs_nacl_entry_t *e);
/* Entry <-> persisted document; from_doc: 0 ok, -1 malformed. */
int vs_nacl__entry_from_doc(const vs_json_t *d, vs_nacl_entry_t *e);

/* The rule actions (nacl_entry.c), in their own module. */
extern const vs_module_t vs_module_nacl_entry;
int vs_nacl__create_entry(vs_model_t *m, const char *caller, const vs_json_t *in,
                          vs_json_t **out, vs_awserr_t *err);
int vs_nacl__replace_entry(vs_model_t *m, const char *caller, const vs_json_t *in,
                           vs_json_t **out, vs_awserr_t *err);
int vs_nacl__delete_entry(vs_model_t *m, const char *caller, const vs_json_t *in,
                          vs_json_t **out, vs_awserr_t *err);

#endif
