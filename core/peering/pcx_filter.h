/* pcx_filter: the Filters of DescribeVpcPeeringConnections, applied to one
 * view of a peering connection.
 *
 * `filters` is the botocore input member as a JSON array
 * [{"Name": "status-code", "Values": ["active", "pending-acceptance"]}, ...]
 * (borrowed; NULL = no filter). A pcx matches when EVERY filter matches
 * (AND) and a filter matches when ANY of its values matches any of the
 * pcx's values for that name (OR). Names and values are case-sensitive;
 * values may use the EC2 wildcards '*' and '?' with '\' escapes (glob.h).
 *
 * The 12 names (reference 2.6):
 *   accepter-vpc-info.cidr-block   any IPv4 block of the accepter VPC (primary or
 *                                  secondary), only while the output shows them:
 *                                  provisioning, active, deleting [INF]
 *   accepter-vpc-info.owner-id     accepter account
 *   accepter-vpc-info.vpc-id       accepter VPC ID
 *   expiration-time                only while ExpirationTime is shown (initiating,
 *                                  pending); a literal timestamp in any form
 *                                  vs_time_parse() accepts matches the same instant,
 *                                  a wildcard pattern is matched against both
 *                                  "2019-06-22T08:55:29+00:00" and
 *                                  "2019-06-22T08:55:29.000Z" [INF]
 *   requester-vpc-info.cidr-block  any IPv4 block of the requester VPC, every state
 *                                  but deleted (as shown)
 *   requester-vpc-info.owner-id    requester account
 *   requester-vpc-info.vpc-id      requester VPC ID
 *   status-code                    Status.Code (initiating-request included)
 *   status-message                 Status.Message
 *   tag:KEY                        value of this view's tag KEY (KEY is literal)
 *   tag-key                        any key of this view's tags
 *   vpc-peering-connection-id      the pcx ID
 *
 * Errors (checked before any matching, so a describe that matches nothing
 * still reports them):
 *   InvalidParameterValue  The filter 'NAME' is invalid   (unknown name, "tag:" with an
 *                          empty key, an entry without a string Name -> 'null', Values
 *                          not an array of strings)
 *   FilterLimitExceeded    The maximum number of filter values specified on a single
 *                          call is 200   (more than 200 values in all) [INF text]
 * A filter whose Values is missing or empty matches nothing [INF].
 */
#ifndef VS_PCX_FILTER_H
#define VS_PCX_FILTER_H

#include <stdbool.h>

#include "awserr.h"
#include "json.h"
#include "pcx.h"

#define VS_PCX_FILTER_MAX_VALUES 200

/* Validates a Filters array. 0 ok, -1 with err. */
int vs_pcx_filter_check(const vs_json_t *filters, vs_awserr_t *err);

/* 1 if the view (record + that view's tag array, borrowed, NULL = none)
 * matches all filters, 0 if not, -1 with err if the filters are invalid. */
int vs_pcx_filter_match(const vs_pcx_t *p, const vs_json_t *tags, const vs_json_t *filters,
                        vs_awserr_t *err);

#endif
