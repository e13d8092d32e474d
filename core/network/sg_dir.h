/* sg_dir: what this agent knows of the security groups of a peer VPC in
 * another account of the same Region (reference 7.3), so that references
 * to them are checked as EC2 checks them:
 *  - a referenced group must exist in the peer VPC (InvalidGroup.NotFound);
 *  - a reference is resolved by its group ID, whatever the number of
 *    connections to that account;
 *  - a rule goes stale when the peer deletes the group (as when the
 *    connection goes), and DescribeStaleSecurityGroups names the group;
 *  - DescribeSecurityGroupReferences tells the owner of a group which peer
 *    VPCs reference it.
 *
 * Each agent sends, over every active same-Region connection to another
 * account, a snapshot of its VPC's groups (ID, name) and of the peer's
 * groups its rules reference: when the connection becomes active and
 * whenever a group or a rule of the VPC changes. The receiver keeps one
 * directory object per connection ("sgpeer-<pcx hex>"), newest snapshot
 * wins (by the sender's version), and remembers the names of groups that
 * went away. Snapshots are believed only from the agent at the other end
 * of the connection they name; delivery is the runtime's (outbox, resend,
 * dedup). Same-account peers of this Region are held by this agent, so
 * their groups are looked up directly and need no directory.
 */
#ifndef VS_SG_DIR_H
#define VS_SG_DIR_H

#include "sg.h"

typedef struct vs_sgdir_group {
    char id[VS_ID_LEN];
    char name[VS_SG_NAME_LEN];
    bool present;                    /* false: the peer deleted it */
} vs_sgdir_group_t;

typedef struct vs_sgdir {
    vs_obj_t base;                   /* "sgpeer-<hex of the pcx ID>" */
    char pcx_id[VS_ID_LEN];
    char vpc_id[VS_ID_LEN];          /* our end */
    char peer_vpc[VS_ID_LEN];
    char peer_account[VS_ACCOUNT_LEN];
    uint64_t version;                /* the sender's, of the newest snapshot */
    vs_sgdir_group_t *groups;
    size_t ngroups;
    char (*refs)[VS_ID_LEN];         /* our groups the peer's rules reference */
    size_t nrefs;
} vs_sgdir_t;

extern const vs_kind_t vs_kind_sgdir;
extern const vs_module_t vs_module_sgdir;

/* The directory received over pcx_id (borrowed), or NULL. */
const vs_sgdir_t *vs_sgdir__for_pcx(const vs_model_t *m, const char *pcx_id);
/* The group group_id in d: NULL if d never listed it. */
const vs_sgdir_group_t *vs_sgdir__group(const vs_sgdir_t *d, const char *group_id);
/* The last known name of peer_vpc's group group_id, from any directory;
 * NULL if unknown. */
const char *vs_sgdir__name(const vs_model_t *m, const char *peer_vpc, const char *group_id);
/* A group or a rule of vpc_id changed: tell the peers. */
void vs_sgdir__vpc_changed(vs_model_t *m, const char *vpc_id);

/* sg_dir_bin.c: the object as the store keeps it. */

/* A stored directory's own fields into d, with the checks both stored
 * forms get (the JSON one in sg_dir.c, the binary one): pcx, vpc and
 * peer_vpc well-formed IDs, peer_account 12 digits, version at most
 * INT64_MAX. 0, or -1 if one fails. */
int vs_sgdir__set_head(vs_sgdir_t *d, const char *pcx, const char *vpc, const char *peer_vpc,
                       const char *peer_account, uint64_t version);

/* The kind's binary stored form, proto/store.proto StoredSgDir
 * (sg_dir_bin.c): vs_kind_t's to_bin and from_bin. */
long vs_sgdir__to_bin(const vs_model_t *m, const vs_obj_t *o, uint8_t *buf, size_t cap);
vs_obj_t *vs_sgdir__from_bin(vs_model_t *m, const uint8_t *body, size_t len);
/* vs_kind_t's destroy: frees the lists and the object. */
void vs_sgdir__destroy(vs_obj_t *o);

#endif
