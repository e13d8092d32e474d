/* pcx_rules: the pure rules of VPC peering that are not the state machine:
 * CIDR overlap, which Regions may peer, what inter-Region peering changes
 * (IPv6, encryption, MTU), how long terminal connections stay visible to
 * each side, the timers of the lifecycle, the quotas, and what adding a
 * CIDR to a peered VPC does (reference sections 5.3, 6.1-6.5).
 *
 * `modern` selects today's AWS rules; the default (false) is the seed
 * document's: no inter-Region peering in the China Regions and no IPv6
 * over inter-Region peering (CONTRACT.md, Behaviour). Everything else is
 * the same in both.
 */
#ifndef VS_PCX_RULES_H
#define VS_PCX_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awserr.h"
#include "cidr.h"
#include "clock.h"
#include "pcx.h"
#include "pcx_fsm.h"

/* --- timings (simulated ms) ------------------------------------------------ */

/* provisioning -> active and deleting -> deleted take "seconds" in AWS
 * (not specified; reference 5.3) [INF]. */
#define VS_PCX_PROVISIONING_MS (2 * VS_SECOND_MS)
#define VS_PCX_DELETING_MS     (2 * VS_SECOND_MS)
/* Terminal visibility windows (reference 5.1/5.3). */
#define VS_PCX_SHORT_VISIBLE_MS (2 * VS_HOUR_MS)
#define VS_PCX_LONG_VISIBLE_MS  (2 * VS_DAY_MS)

/* --- quotas (reference 6.5) -------------------------------------------------- */

#define VS_PCX_ACTIVE_PER_VPC_DEFAULT 50
#define VS_PCX_ACTIVE_PER_VPC_MAX     125
#define VS_PCX_OUTSTANDING_DEFAULT    25   /* outstanding requests per account */

/* --- CIDR overlap (reference 6.1) ---------------------------------------------- */

/* Any block of a overlaps any block of b (blocks of different families
 * never overlap). */
bool vs_pcx_cidr_sets_overlap(const vs_cidr_t *a, size_t na, const vs_cidr_t *b, size_t nb);
/* The peering rule: any IPv4 block (primary or secondary) of one VPC
 * overlaps any IPv4 block of the other, or any IPv6 block overlaps any
 * IPv6 block. Either makes the request fail. */
bool vs_pcx_vpcs_overlap(const vs_pcx_vpc_t *a, const vs_pcx_vpc_t *b);

/* What AssociateVpcCidrBlock of `c` on VPC `vpc_id` means for this pcx
 * (UG-cidr, reference 6.1). The model refuses the association on BLOCKED
 * and OVERLAP, and on FAILS_PCX lets it happen and steps the pcx with
 * ACCEPTER_CIDR_OVERLAP. */
typedef enum {
    VS_PCX_CIDR_ADD_OK,         /* no constraint from this pcx */
    VS_PCX_CIDR_ADD_BLOCKED,    /* requester VPC of an outstanding (initiating or
                                   pending) request may add no CIDR at all */
    VS_PCX_CIDR_ADD_OVERLAP,    /* provisioning/active: overlaps the peer VPC */
    VS_PCX_CIDR_ADD_FAILS_PCX   /* accepter VPC of an outstanding request adds an
                                   overlapping block: allowed, the request fails */
} vs_pcx_cidr_add_t;
vs_pcx_cidr_add_t vs_pcx_cidr_add_effect(const vs_pcx_t *p, const char *vpc_id,
                                         const vs_cidr_t *c);

/* The pcx joins these two VPCs (in either direction). */
bool vs_pcx_joins(const vs_pcx_t *p, const char *vpc_a, const char *vpc_b);

/* --- Regions and partitions (reference 1, 6.4) -------------------------------- */

/* May a VPC in region_a peer with a VPC in region_b? Both must be known
 * Regions of the same partition (aws / aws-cn / aws-us-gov never peer
 * across). Same Region: always. aws: any pair. aws-cn: seed = no
 * inter-Region peering at all; modern = only cn-north-1 <-> cn-northwest-1.
 * aws-us-gov: only us-gov-east-1 <-> us-gov-west-1. On false, a one-line
 * reason goes to why (may be NULL). */
bool vs_pcx_regions_peerable(const char *region_a, const char *region_b, bool modern,
                             char *why, size_t whylen);

/* IPv6 traffic over the connection: always intra-Region; inter-Region only
 * with modern rules (seed: "IPv6를 통한 리전간 VPC peering는 지원하지 않는다"). */
bool vs_pcx_ipv6_allowed(bool inter_region, bool modern);

/* Inter-Region traffic is AEAD-encrypted (seed; AWS: AES-256); intra-Region
 * peering traffic is not (by the peering itself). */
bool vs_pcx_encrypted(bool inter_region);

/* Largest packet crossing the connection: 9001 (jumbo) intra-Region;
 * inter-Region 1500 under the seed's rules (the historic PG-basics limit:
 * "jumbo frames are not supported for inter-Region VPC peering") and 8500
 * with modern rules (current EC2 MTU page, since March 2025). */
int vs_pcx_mtu(bool inter_region, bool modern);

/* --- visibility windows (reference 5.1, 5.3) --------------------------------- */

/* The simulated ms until which `side` (REQUESTER, ACCEPTER, or BOTH for
 * the single view of a same-account same-Region pcx) still sees the pcx:
 * visible while now_ms < the result. UINT64_MAX while not terminal.
 * Counted from state_entered_ms of the terminal state:
 *   failed:   requester 2 h; accepter never (0) [INF: AWS names only the requester]
 *   expired:  both 2 days
 *   rejected: requester 2 days, accepter 2 h; same account: both 2 h
 *   deleted:  the side that deleted it 2 h, the other 2 days; same account:
 *             both 2 h; no recorded deleter: both 2 days [INF]
 * "Same account" = requester and accepter accounts are equal (also across
 * Regions). BOTH is the later of the two sides. */
uint64_t vs_pcx_visible_until(const vs_pcx_t *p, vs_pcx_side_t side);
bool vs_pcx_visible(const vs_pcx_t *p, vs_pcx_side_t side, uint64_t now_ms);
/* When the last view is gone and the record can be dropped (the later of
 * both sides); UINT64_MAX while not terminal. */
uint64_t vs_pcx_purge_at(const vs_pcx_t *p);

/* --- timers ------------------------------------------------------------------- */

/* The next system event due for this pcx and when: EXPIRE at expiration_ms
 * (initiating/pending), PROVISIONED at state_entered + VS_PCX_PROVISIONING_MS
 * (provisioning), DELETE_DONE at state_entered + VS_PCX_DELETING_MS
 * (deleting). false if none (active, terminal). Step it through pcx_fsm
 * once now_ms >= *at_ms; initiating-request also leaves by the accepter
 * agent's answer (VALIDATED_OK / VALIDATION_FAILED), not by a timer. */
bool vs_pcx_next_event(const vs_pcx_t *p, vs_pcx_action_t *event, uint64_t *at_ms);

/* --- ModifyVpcPeeringConnectionOptions checks (reference 2.7) ------------------- */

/* ClassicLink options named in a request on an inter-Region pcx ->
 * OperationNotPermitted (AWS's text). 0 ok, -1 with err. */
int vs_pcx_check_classic_link(bool inter_region, bool request_names_classic_link,
                              vs_awserr_t *err);
/* Enabling AllowDnsResolutionFromRemoteVpc needs DNS hostnames and DNS
 * support on both VPCs -> InvalidVpcPeeringConnectionState.DnsHostnamesDisabled.
 * 0 ok, -1 with err. */
int vs_pcx_check_dns_option(bool enabling_dns_resolution, bool both_vpcs_have_dns,
                            vs_awserr_t *err);

#endif
