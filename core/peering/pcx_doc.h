/* pcx_doc: the two JSON forms of a peering connection record (pcx.h):
 *
 *  1. the persistence / replication document, which the home agent stores
 *     and sends to the accepter's agent (vs_pcx_to_doc / vs_pcx_from_doc);
 *  2. the VpcPeeringConnection object of the EC2 API output, as the AWS CLI
 *     prints it for one view (vs_pcx_render), with AWS's field presence
 *     rules.
 *
 * Tags are per view and not part of the record: the caller passes the
 * view's tag list as a JSON array [{"Key": k, "Value": v}, ...].
 */
#ifndef VS_PCX_DOC_H
#define VS_PCX_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "json.h"
#include "pcx.h"
#include "tags.h"

#define VS_PCX_DOC_SCHEMA 1

/* The document (caller owns; NULL on OOM):
 * {"Kind":"pcx","Schema":1,"Id","State","StatusMessage","Version",
 *  "CreatedMs","ExpirationMs","StateEnteredMs","DeletedBy","InterRegion",
 *  "Requester":{VPC},"Accepter":{VPC}} with
 * VPC = {"Account","Region","VpcId","Ipv4":[cidr...],"Ipv6":[cidr...],
 *        "Options":{"AllowDnsResolutionFromRemoteVpc",
 *                   "AllowEgressFromLocalClassicLinkToRemoteVpc",
 *                   "AllowEgressFromLocalVpcToRemoteClassicLink"}}.
 * State is the Status.Code text, DeletedBy a vs_pcx_side_name(), times are
 * integer epoch milliseconds of simulated time. */
vs_json_t *vs_pcx_to_doc(const vs_pcx_t *p);

/* Decodes and fully validates a document (borrowed): every member above is
 * required with its exact type, "Kind" must be "pcx" and "Schema" 1,
 * integers must be exact and in 0..2^53, CIDRs canonical and of the right
 * family, and the result must pass vs_pcx_validate(). Unknown members are
 * ignored, for forward compatibility between agents. 0 ok (out written),
 * -1 with a one-line reason in why (out untouched). */
int vs_pcx_from_doc(const vs_json_t *doc, vs_pcx_t *out, char *why, size_t whylen);

/* The VpcPeeringConnection output object of one view, keys in the AWS CLI
 * order: AccepterVpcInfo, ExpirationTime, RequesterVpcInfo, Status, Tags,
 * VpcPeeringConnectionId; inside a VpcInfo: CidrBlock, Ipv6CidrBlockSet,
 * CidrBlockSet, OwnerId, PeeringOptions, VpcId, Region. `tags` is that
 * view's tag array (borrowed, NULL = none; entries without string Key and
 * Value are skipped). Caller owns the result; NULL on OOM. Both views
 * render identically except for the tags, so the view is not a parameter.
 *
 * Field presence (reference 2.6; [INF] where marked):
 *  - OwnerId, VpcId, Region: both sides, always.
 *  - Requester CidrBlock/CidrBlockSet/Ipv6CidrBlockSet/PeeringOptions: every
 *    state except deleted (Ansible: "returned when connection is not in
 *    the deleted state"; PeeringOptions hidden with them [INF]).
 *  - Accepter CidrBlock/CidrBlockSet/Ipv6CidrBlockSet/PeeringOptions: only
 *    once accepted: provisioning (AWS's accept example shows the accepter
 *    CidrBlock in provisioning), active, and deleting [INF]; never in
 *    initiating/pending/failed/rejected/expired/deleted.
 *  - Ipv6CidrBlockSet only when the VPC has IPv6 CIDRs (the seed's real
 *    output omits it for an IPv4-only VPC); CidrBlock and CidrBlockSet only
 *    when the IPv4 list is known (non-empty).
 *  - ExpirationTime ("2019-06-22T08:55:29+00:00", VS_TS_CLI) only in
 *    initiating-request and pending-acceptance.
 *  - Tags always (possibly []). */
vs_json_t *vs_pcx_render(const vs_pcx_t *p, const vs_json_t *tags);

/* vs_pcx_render() printed compactly, as vs_json_dump(doc, 0) prints it,
 * straight onto b without building the tree: the replies of the hot
 * actions (create, accept, describe) print thousands of these a second.
 * `tags` is the view's tag list (NULL = none), printed as
 * vs_pcx_render(p, vs_tags_to_json(tags)) would. Returns 0, or -1 if a
 * field could not be printed (a CIDR or time out of range), in which case
 * b is left as it was and the caller may fall back on the tree; an OOM
 * shows in b->oom. check_pcx_text.c holds both paths to the same bytes. */
int vs_pcx_render_text(vs_buf_t *b, const vs_pcx_t *p, const vs_tags_t *tags);

/* Whether the output shows the CIDR blocks and PeeringOptions of `side`
 * (REQUESTER or ACCEPTER) in `state` (the rules above; the describe
 * filters use the same, so a hidden CIDR never matches). */
bool vs_pcx_side_details_visible(vs_pcx_state_t state, vs_pcx_side_t side);
/* Whether ExpirationTime is shown in `state`. */
bool vs_pcx_expiration_visible(vs_pcx_state_t state);

/* Copies a view's tag array into EC2 output shape: an array of
 * {"Key", "Value"} objects, skipping malformed entries. NULL in -> [].
 * Caller owns; NULL on OOM. */
vs_json_t *vs_pcx_tags_render(const vs_json_t *tags);

#endif
