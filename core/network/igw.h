/* igw: the internet gateway object (ec2_igw.c), shared with the route
 * files (a route to an igw is active only while it is attached to the
 * table's VPC) and with reachability analysis.
 */
#ifndef VS_IGW_H
#define VS_IGW_H

#include "network.h"

typedef struct vs_igw {
    vs_obj_t base;
    char vpc_id[VS_ID_LEN];    /* the attached VPC; "" while detached */
} vs_igw_t;

extern const vs_kind_t vs_kind_igw;

/* The internet gateway attached to vpc_id, or NULL (borrowed). A VPC has
 * at most one. */
const vs_igw_t *vs_igw__for_vpc(const vs_model_t *m, const char *vpc_id);

#endif
