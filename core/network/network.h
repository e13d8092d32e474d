/* network: subnets and route tables, shared by the network files
 * (subnets, gateways, route tables and routes, security groups, instances)
 * and the Reachability Analyzer above them.
 */
#ifndef VS_NETWORK_H
#define VS_NETWORK_H

#include "vpc.h"

struct vs_subnet {
    vs_obj_t base;
    char vpc_id[VS_ID_LEN];
    vs_cidr_t cidr;
    bool has_v6;
    vs_cidr_t v6;
    char v6_assoc_id[VS_ASSOC_ID_LEN];
    char az[VS_AZ_LEN];
    uint64_t ips_used;         /* addresses held by interfaces (instances code) */
    bool map_public_ip;
    bool assign_ipv6;
};

/* A route; empty target strings are absent. */
typedef struct vs_route {
    vs_cidr_t dest;            /* IPv4 or IPv6 destination */
    char gateway_id[VS_ID_LEN];        /* "local", "igw-..." */
    char instance_id[VS_ID_LEN];
    char instance_owner_id[VS_ACCOUNT_LEN];
    char nat_gateway_id[VS_ID_LEN];
    char network_interface_id[VS_ID_LEN];
    char pcx_id[VS_ID_LEN];
    char origin[24];           /* CreateRouteTable | CreateRoute */
    char state[12];            /* active | blackhole */
} vs_route_t;

typedef struct vs_rtb_assoc {
    char id[VS_ASSOC_ID_LEN];  /* rtbassoc-... */
    bool main;
    char subnet_id[VS_ID_LEN];
    char gateway_id[VS_ID_LEN];
} vs_rtb_assoc_t;

typedef struct vs_rtb {
    vs_obj_t base;
    char vpc_id[VS_ID_LEN];
    vs_route_t *routes;
    size_t nroutes;
    vs_rtb_assoc_t *assocs;
    size_t nassocs;
} vs_rtb_t;

extern const vs_kind_t vs_kind_subnet;
extern const vs_kind_t vs_kind_rtb;

vs_json_t *vs_subnet__output(const vs_model_t *m, const vs_obj_t *o);

/* Route table helpers (ec2_rtb.c) for the route/peering files. */
vs_rtb_t *vs_rtb__create(vs_model_t *m, const vs_vpc_t *vpc, bool main);
vs_route_t *vs_rtb__find_route(vs_rtb_t *rtb, const vs_cidr_t *dest);
/* Appends a copy of r; -1 on OOM. Marks rtb dirty. */
int vs_rtb__add_route(vs_model_t *m, vs_rtb_t *rtb, const vs_route_t *r);
bool vs_rtb__remove_route(vs_model_t *m, vs_rtb_t *rtb, const vs_cidr_t *dest);
vs_json_t *vs_rtb__output(const vs_model_t *m, const vs_obj_t *o);
/* The table whose routes apply to traffic leaving subnet s: its explicit
 * association if it has one, else its VPC's main table. NULL if neither
 * exists (borrowed). */
const vs_rtb_t *vs_rtb__for_subnet(const vs_model_t *m, const vs_subnet_t *s);


/* The modules of this layer (listed by core/service). */
extern const vs_module_t vs_module_subnet;
extern const vs_module_t vs_module_rtb;
extern const vs_module_t vs_module_igw;
extern const vs_module_t vs_module_route;

#endif
