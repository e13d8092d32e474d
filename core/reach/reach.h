/* reach: the reachability engine behind the Reachability Analyzer actions
 * (ec2_insights.c). It walks a packet from a source instance to a
 * destination address as the VPC data plane would, and records every
 * component it crosses in the shape DescribeNetworkInsightsAnalyses
 * prints (PathComponent, Explanation), with AWS's explanation codes when
 * the packet is dropped (reference 7.2 and 7.4).
 *
 * The walk is split where a packet crosses a VPC peering connection to a
 * VPC this agent does not own:
 *  - the SOURCE side (vs_reach_start) checks the source interface's
 *    security groups (egress), the route table of its subnet (longest
 *    prefix match, route state), the peering connection (active, the
 *    destination inside the peer VPC's CIDRs: no transitive peering and no
 *    edge-to-edge routing);
 *  - the DESTINATION side (vs_reach_dest) finds the interface holding the
 *    destination address, checks its security groups (ingress; stateful,
 *    so the reply needs no rule) and the route back from its subnet to the
 *    source address, which must be the same active connection.
 * When both ends are in this model the two halves run back to back; when
 * not, the caller carries a vs_reach_probe_t to the agent owning the peer
 * VPC and brings its vs_reach_part_t back (reach_proto.c).
 *
 * Both sides also check the network ACLs of their subnet (reach_acl.c),
 * stateless, in both directions: the request on the way out and in, the
 * reply (to an ephemeral port) on the way back.
 *
 * Not modelled: NAT gateways, transit gateways, prefix lists, public IPv4
 * addresses.
 */
#ifndef VS_REACH_H
#define VS_REACH_H

#include <stdbool.h>

#include "instance.h"
#include "network.h"
#include "pcx.h"

/* The packet analysed. */
typedef struct vs_reach_pkt {
    int proto;                 /* 6 (tcp) or 17 (udp) */
    int port;                  /* destination port; -1 = any */
    vs_ip_t src, dst;
} vs_reach_pkt_t;

/* What the destination side needs to know about the source. */
typedef struct vs_reach_probe {
    vs_reach_pkt_t pkt;
    char src_account[VS_ACCOUNT_LEN];
    char src_vpc[VS_ID_LEN];
    char src_sgs[VS_INSTANCE_MAX_SGS][VS_ID_LEN];
    size_t nsrc_sgs;
    char dst_vpc[VS_ID_LEN];
    char pcx_id[VS_ID_LEN];    /* the connection crossed; "" = same VPC */
    char want_eni[VS_ID_LEN];  /* the named destination interface; "" = any */
} vs_reach_probe_t;

/* One side's verdict. Components are unnumbered (no SequenceNumber yet). */
typedef struct vs_reach_part {
    bool ok;                   /* this side lets the packet through */
    vs_json_t *fwd;            /* forward-path components (array, owned) */
    vs_json_t *ret;            /* return-path components (array, owned) */
    vs_json_t *expl;           /* !ok: Explanations (array, owned) */
    char warning[320];         /* WarningMessage; "" = none */
} vs_reach_part_t;

void vs_reach_part_free(vs_reach_part_t *p);

typedef struct vs_reach_query {
    const vs_instance_t *src;  /* borrowed */
    const vs_instance_t *dst;  /* destination resource of this model, or NULL */
    vs_ip_t dst_ip;            /* the destination address when dst is NULL */
    int proto, port;
} vs_reach_query_t;

typedef enum { VS_REACH_DONE, VS_REACH_PROBE } vs_reach_status_t;

typedef struct vs_reach_run {
    vs_reach_status_t status;
    /* DONE: the analysis result; components numbered. */
    bool found;
    vs_json_t *fwd, *ret, *expl;   /* owned; fwd/ret set when found, expl when not */
    char warning[320];
    /* PROBE: the rest of the walk belongs to the agent owning peer_vpc. */
    vs_reach_probe_t probe;
    char peer_account[VS_ACCOUNT_LEN];
    char peer_region[VS_REGION_LEN];
    bool inter_region;             /* the hop is encrypted (pcx_rules) */
    vs_json_t *fwd_head;           /* source side of the forward path (owned) */
    vs_json_t *ret_tail;           /* source side of the return path (owned) */
} vs_reach_run_t;

/* Runs the source side, and the destination side too when it is local.
 * Always returns a run to free with vs_reach_run_free; -1 only on OOM. */
int vs_reach_start(vs_model_t *m, const vs_reach_query_t *q, vs_reach_run_t *run);

/* The destination side for a probe whose dst_vpc this model owns. When
 * the probe came from another agent, from_account/from_region are its
 * broker-stamped sender and the probe is believed only if that agent owns
 * the other end of probe->pcx_id (both NULL: a local probe). Returns -1
 * (out untouched) for a probe to refuse, else 0 with out filled. */
int vs_reach_dest(const vs_model_t *m, const vs_reach_probe_t *p, const char *from_account,
                  const char *from_region, vs_reach_part_t *out);

/* Completes a PROBE run with the destination's verdict (borrowed): the run
 * becomes DONE. Frees fwd_head / ret_tail. */
void vs_reach_finish(vs_reach_run_t *run, const vs_reach_part_t *dst);

void vs_reach_run_free(vs_reach_run_t *run);

/* Probe / part <-> message bodies (JSON objects; caller owns). from_json:
 * 0 ok, -1 malformed (out is then freed / unusable). */
vs_json_t *vs_reach_probe_to_json(const vs_reach_probe_t *p);
int vs_reach_probe_from_json(const vs_json_t *j, vs_reach_probe_t *out);
vs_json_t *vs_reach_part_to_json(const vs_reach_part_t *p);
int vs_reach_part_from_json(const vs_json_t *j, vs_reach_part_t *out);

/* --- building blocks (reach_json.c) ---------------------------------------------- */

/* AnalysisComponent {Id, Arn, Name?} for an object of this model; `type`
 * is the ARN resource type ("instance", "security-group", ...). */
vs_json_t *vs_reach__comp(const vs_model_t *m, const char *type, const char *id);
/* The same for a resource of another agent. */
vs_json_t *vs_reach__comp_at(const char *account, const char *region, const char *type,
                             const char *id);
/* AnalysisPacketHeader of pkt, or of its reply (reverse). */
vs_json_t *vs_reach__header(const vs_reach_pkt_t *pkt, bool reverse);
/* AnalysisRouteTableRoute of r; state "active" / "blackhole". */
vs_json_t *vs_reach__route(const vs_route_t *r, const char *state);
/* "tcp", "udp" or the number. */
const char *vs_reach__proto_name(int proto, char *buf, size_t len);
/* PathComponents of the walk (unnumbered, keys in order): an instance
 * with its packet header (outbound or inbound; reverse = the reply), its
 * interface, a route table with the route used, and the hop across a
 * peering connection from end `from` to end `to` (inter-Region hops carry
 * an AdditionalDetails entry: encrypted, AEAD, and the MTU). */
vs_json_t *vs_reach__inst_pc(const vs_model_t *m, const vs_instance_t *i,
                             const vs_reach_pkt_t *pkt, bool outbound, bool reverse);
vs_json_t *vs_reach__eni_pc(const vs_model_t *m, const vs_instance_t *i);
vs_json_t *vs_reach__rtb_pc(const vs_model_t *m, const vs_rtb_t *rtb, const vs_route_t *r,
                            bool blackhole);
vs_json_t *vs_reach__pcx_pc(const vs_model_t *m, const vs_pcx_t *p, const vs_pcx_vpc_t *from,
                            const vs_pcx_vpc_t *to);
/* AnalysisComponent of a connection (ARN of its requester) / of one end's VPC. */
vs_json_t *vs_reach__pcx_ref(const vs_pcx_t *p);
vs_json_t *vs_reach__vpc_ref(const vs_pcx_vpc_t *v);
/* A new object with obj's members in `order` (NULL-terminated), then any
 * others; obj is consumed. */
vs_json_t *vs_reach__ordered(vs_json_t *obj, const char *const *order);
/* An Explanation in the shape's key order (obj consumed). */
vs_json_t *vs_reach__expl(vs_json_t *obj);
/* A PathComponent in the shape's key order (obj consumed). */
vs_json_t *vs_reach__pc(vs_json_t *obj);
/* The network ACL step (reach_acl.c): does the ACL of subnet_id admit pkt
 * leaving (egress) or entering the subnet? reply: the packet is pkt's
 * reply, sent to an ephemeral port (1024-65535); otherwise pkt itself (any
 * port when pkt->port is -1). Appends the ACL's PathComponent (with the
 * rule that admitted it) to comps, or a SUBNET_ACL_RESTRICTION explanation
 * naming the ACL and the rule that refused it to expl. */
bool vs_reach__acl_check(const vs_model_t *m, const char *subnet_id, bool egress,
                         const vs_reach_pkt_t *pkt, bool reply, vs_json_t *comps,
                         vs_json_t *expl);
/* Is ip an address of subnet_id? (Traffic inside a subnet meets no ACL.) */
bool vs_reach__same_subnet(const vs_model_t *m, const char *subnet_id, const vs_ip_t *ip);
/* Appends clones of src's elements to dst. */
void vs_reach__append(vs_json_t *dst, const vs_json_t *src);
/* A copy of the component list with SequenceNumber 1..n first in each. */
vs_json_t *vs_reach__number(const vs_json_t *list);

#endif
