/* topology: what an account sees of the network as a picture: accounts
 * and Regions as clusters, VPCs with their CIDRs, peering connections as
 * edges coloured by state, and the route tables' routes through a
 * connection (active or blackhole). Sans-IO: the topology document is
 * assembled from Describe* outputs (vs_topo_add_*), then rendered as
 * Graphviz dot; `vpcsim topology` (viz_cli.c) fetches the outputs and runs
 * `dot -Tsvg` for SVG.
 *
 * Document:
 *   {"Accounts": [{"AccountId", "Regions": [{"Region", "Vpcs": [{"VpcId",
 *      "Name", "CidrBlocks": [..], "Owned": bool}]}]}],
 *    "PeeringConnections": [{"VpcPeeringConnectionId", "State",
 *      "RequesterVpcId", "AccepterVpcId"}],
 *    "Routes": [{"RouteTableId", "VpcId", "DestinationCidrBlock",
 *      "VpcPeeringConnectionId", "State"}]}
 */
#ifndef VS_TOPOLOGY_H
#define VS_TOPOLOGY_H

#include "json.h"

/* An empty document (caller owns). */
vs_json_t *vs_topo_new(void);
/* Adds what one (account, Region) described: DescribeVpcs,
 * DescribeVpcPeeringConnections and DescribeRouteTables outputs (any may
 * be NULL; all borrowed). The other end of each connection is added to its
 * own account and Region, not owned. 0, or -1 on a malformed output. */
int vs_topo_add(vs_json_t *doc, const char *account, const char *region, const vs_json_t *vpcs,
                const vs_json_t *pcxs, const vs_json_t *rtbs);

/* The document as Graphviz dot, malloc'd; NULL with err on a malformed
 * document. */
char *vs_topo_dot(const vs_json_t *doc, char *err, size_t errlen);

/* The colour a connection state is drawn in ("#2e7d32" for active). */
const char *vs_topo_state_color(const char *state);

#endif
