/* route_lookup: which route a packet leaving a subnet takes, and whether
 * that route currently works - for the route files (DescribeRouteTables
 * shows the computed state) and for reachability analysis.
 *
 * A route's State is not stored but derived whenever it is read, so it
 * follows its target without any bookkeeping when the target changes:
 *  - local routes are always active;
 *  - a route to a peering connection is active only while this agent's
 *    view of that pcx exists, is not aged out and is in state `active`;
 *    an IPv6 route over an inter-Region pcx is also blackhole when the
 *    rules in force do not carry IPv6 inter-Region (pcx_rules.h);
 *  - a route to an internet gateway is active only while that gateway is
 *    attached to the route table's VPC;
 *  - routes to other targets (instances, NAT gateways, interfaces) keep
 *    the state stored with them.
 */
#ifndef VS_ROUTE_LOOKUP_H
#define VS_ROUTE_LOOKUP_H

#include <stdbool.h>

#include "network.h"

/* The route of rtb (local routes included) that traffic to dst takes by
 * longest-prefix match, or NULL if none matches (IPv4 and IPv6 routes
 * never match the other family). If blackhole is not NULL it is set to
 * whether the route's computed state is blackhole (false when no route
 * matched). Borrowed; valid until the table changes. */
const vs_route_t *vs_rtb__lookup(const vs_model_t *m, const vs_rtb_t *rtb, const vs_ip_t *dst,
                                 bool *blackhole);

/* The computed state of route r of rtb: true = "active", false =
 * "blackhole" (rules above). */
bool vs_route__active(const vs_model_t *m, const vs_rtb_t *rtb, const vs_route_t *r);
static inline const char *vs_route__state(const vs_model_t *m, const vs_rtb_t *rtb,
                                          const vs_route_t *r)
{
    return vs_route__active(m, rtb, r) ? "active" : "blackhole";
}

#endif
