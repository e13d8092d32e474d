/* pcx: the VPC peering connection record shared by its two views.
 *
 * A peering connection (pcx-...) is ONE logical object joining a requester
 * VPC and an accepter VPC. The agent owning the requester VPC is its home:
 * it runs the state machine (pcx_fsm.h), bumps `version` on every
 * transition and replicates the record to the accepter's agent as the
 * document of vs_pcx_to_doc(). Both views show the same record under the
 * same ID; the only per-view data are the tags, which are NOT part of this
 * record: each view (account + Region) keeps its own tag list and passes it
 * to vs_pcx_render() / vs_pcx_filter_match() as a JSON array in the EC2
 * shape [{"Key": k, "Value": v}, ...] (borrowed, may be NULL for none).
 *
 * vs_pcx_t is a plain value type (no pointers): copy it with `=`, embed it,
 * memcpy it. Its strings are bounded, NUL-terminated arrays. It is 784
 * bytes (room for 5 + 5 CIDR blocks per side), so pass it by pointer.
 *
 * Neighbours: pcx_doc.h (the persistence document and the API output
 * object), pcx_fsm.h (who may do what in which state), pcx_rules.h
 * (CIDR overlap, Region pairing, visibility windows, timers),
 * pcx_filter.h (describe filters).
 */
#ifndef VS_PCX_H
#define VS_PCX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cidr.h"
#include "clock.h"
#include "ids.h"

/* The 9 Status.Code values, with the Status.Message each state shows.
 * Messages of initiating-request, pending-acceptance, provisioning, active
 * and failed are the verified AWS strings (reference section 3); the other
 * four are undocumented by AWS and are our choice [INF]:
 *   rejected -> "Rejected by <accepter account>",
 *   expired  -> "Expired",
 *   deleting -> "Deleting",
 *   deleted  -> "Deleted by <account of the side that deleted it>"
 *               ("Deleted" when no side is recorded).
 * XX(ENUM, code, message prefix, whose account is appended) */
#define VS_PCX_STATE_MAP(XX)                                                        \
    XX(INITIATING_REQUEST, "initiating-request", "Initiating Request to ", VS_PCX_MSG_ACCEPTER) \
    XX(PENDING_ACCEPTANCE, "pending-acceptance", "Pending Acceptance by ", VS_PCX_MSG_ACCEPTER) \
    XX(PROVISIONING, "provisioning", "Provisioning", VS_PCX_MSG_NONE)                \
    XX(ACTIVE, "active", "Active", VS_PCX_MSG_NONE)                                  \
    XX(DELETING, "deleting", "Deleting", VS_PCX_MSG_NONE)                            \
    XX(DELETED, "deleted", "Deleted by ", VS_PCX_MSG_DELETER)                        \
    XX(REJECTED, "rejected", "Rejected by ", VS_PCX_MSG_ACCEPTER)                    \
    XX(FAILED, "failed",                                                             \
       "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range", VS_PCX_MSG_NONE) \
    XX(EXPIRED, "expired", "Expired", VS_PCX_MSG_NONE)

typedef enum {
#define VS_PCX__ENUM(e, code, msg, who) VS_PCX_##e,
    VS_PCX_STATE_MAP(VS_PCX__ENUM)
#undef VS_PCX__ENUM
    VS_PCX_STATE_COUNT
} vs_pcx_state_t;

/* Whose account a status message names. */
enum { VS_PCX_MSG_NONE, VS_PCX_MSG_ACCEPTER, VS_PCX_MSG_DELETER };

/* "pending-acceptance" etc.; "?" for out-of-range values. */
const char *vs_pcx_state_name(vs_pcx_state_t s);
/* 0 and *out set if name is one of the 9 codes (exact, case-sensitive);
 * -1 otherwise. */
int vs_pcx_state_parse(const char *name, vs_pcx_state_t *out);
/* failed, rejected, expired, deleted: no action can change them, they only
 * age out of view. */
bool vs_pcx_state_is_terminal(vs_pcx_state_t s);

/* The two ends of a connection. Bit flags: a same-account, same-Region
 * connection has a single view that is both sides (VS_PCX_SIDE_BOTH). */
typedef enum {
    VS_PCX_SIDE_NONE = 0,
    VS_PCX_SIDE_REQUESTER = 1,
    VS_PCX_SIDE_ACCEPTER = 2,
    VS_PCX_SIDE_BOTH = 3
} vs_pcx_side_t;

/* "none", "requester", "accepter", "both"; parse is the inverse (0 / -1). */
const char *vs_pcx_side_name(vs_pcx_side_t s);
int vs_pcx_side_parse(const char *name, vs_pcx_side_t *out);

/* PeeringOptions of one side (all default false). The two ClassicLink
 * flags are deprecated by AWS; they are stored and echoed. */
typedef struct {
    bool allow_dns_resolution_from_remote_vpc;
    bool allow_egress_from_local_classic_link_to_remote_vpc;
    bool allow_egress_from_local_vpc_to_remote_classic_link;
} vs_pcx_options_t;

/* Room for a VPC's CIDR blocks of each family: as many as the model lets a
 * VPC have (VS_MODEL_MAX_IPV4/IPV6_CIDRS, AWS's default quotas; pcx.c
 * checks at compile time that these are not less). A connection's record
 * was 4 KB with room for AWS's adjustable maximum, 50 of each, where a VPC
 * here has at most 5 and 1: every record created, copied or carried by a
 * message zeroed and copied ~3.6 KB of empty room. A peer's record with
 * more blocks than this fails validation like any malformed one. */
#define VS_PCX_MAX_IPV4 5
#define VS_PCX_MAX_IPV6 5

/* One end: the VPC and what the connection knows about it. The requester
 * always has at least its primary IPv4 CIDR; the accepter's CIDRs are
 * unknown (n_ipv4 == 0) until its agent has validated the request. */
typedef struct {
    char account[VS_ACCOUNT_LEN];
    char region[VS_REGION_LEN];
    char vpc_id[VS_ID_LEN];
    size_t n_ipv4;
    vs_cidr_t ipv4[VS_PCX_MAX_IPV4];    /* [0] is the primary CIDR */
    size_t n_ipv6;
    vs_cidr_t ipv6[VS_PCX_MAX_IPV6];
    vs_pcx_options_t options;
} vs_pcx_vpc_t;

#define VS_PCX_MSG_LEN 128

/* An unaccepted request expires exactly 7 days (168 h) after creation; not
 * adjustable in AWS (reference 5.3). */
#define VS_PCX_EXPIRY_MS (168ull * VS_HOUR_MS)

typedef struct {
    char id[VS_ID_LEN];                 /* "pcx-" + 17 (or legacy 8) hex */
    vs_pcx_vpc_t requester;
    vs_pcx_vpc_t accepter;
    vs_pcx_state_t state;
    char status_message[VS_PCX_MSG_LEN];
    uint64_t version;                   /* bumped by the home on every change */
    uint64_t created_ms;
    uint64_t expiration_ms;             /* created_ms + 168 h */
    uint64_t state_entered_ms;          /* when `state` was entered */
    vs_pcx_side_t deleted_by;           /* REQUESTER/ACCEPTER once deleting/deleted */
    bool inter_region;                  /* requester.region != accepter.region */
} vs_pcx_t;

/* --- building ----------------------------------------------------------- */

/* Fills the identity of one end and clears its CIDRs and options. -1 if a
 * string does not fit or is malformed (account not 12 digits, unknown
 * Region, vpc_id not "vpc-..."). */
int vs_pcx_vpc_set(vs_pcx_vpc_t *v, const char *account, const char *region,
                   const char *vpc_id);
/* Appends a CIDR to the list of its family (the first IPv4 one added is the
 * primary). -1 if that list is full or the block is a duplicate. */
int vs_pcx_vpc_add_cidr(vs_pcx_vpc_t *v, const vs_cidr_t *c);

/* A new connection in initiating-request, as CreateVpcPeeringConnection
 * returns it: version 1, created = state entered = now, expiration = now +
 * VS_PCX_EXPIRY_MS, message "Initiating Request to <accepter account>".
 * -1 (with a reason in why) if the result would not pass
 * vs_pcx_validate(). */
int vs_pcx_init(vs_pcx_t *p, const char *id, const vs_pcx_vpc_t *requester,
                const vs_pcx_vpc_t *accepter, uint64_t now_ms, char *why, size_t whylen);

/* Moves the record to `next` (no permission checks: ask pcx_fsm first):
 * sets the state, its status message and state_entered_ms = now, bumps
 * version, and records `by` as the deleting side when entering deleting or
 * deleted (a later SYSTEM step with by == NONE keeps the recorded side;
 * BOTH, the single owner of a same-account same-Region connection, is
 * recorded as REQUESTER). Leaving deleting/deleted is impossible, so any
 * other state clears the deleting side. */
void vs_pcx_set_state(vs_pcx_t *p, vs_pcx_state_t next, vs_pcx_side_t by, uint64_t now_ms);

/* The status message `state` shows for this record, into buf. Returns
 * bytes written or -1 if buf is too small. */
int vs_pcx_status_message(const vs_pcx_t *p, vs_pcx_state_t state, vs_pcx_side_t deleted_by,
                          char *buf, size_t len);

/* Structural checks every record must pass (IDs, accounts, known Regions,
 * CIDR families and duplicates, requester has a primary IPv4 CIDR,
 * different VPCs, inter_region matches the Regions, expiration >= created,
 * deleted_by only in deleting/deleted). 0 ok, -1 with a reason. */
int vs_pcx_validate(const vs_pcx_t *p, char *why, size_t whylen);

/* The end of the record on `side` (REQUESTER or ACCEPTER); NULL otherwise. */
const vs_pcx_vpc_t *vs_pcx_vpc(const vs_pcx_t *p, vs_pcx_side_t side);

#endif
