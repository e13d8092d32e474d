/* gw_model: lookups in the generated tables (see gw_model.h). */
#include "gw_model.h"

#include <stdlib.h>
#include <string.h>

const gw_service_t *gw_model_service(const char *name)
{
    if (!name)
        return NULL;
    if (strcmp(name, gw_ec2_service.name) == 0)
        return &gw_ec2_service;
    if (strcmp(name, gw_sts_service.name) == 0)
        return &gw_sts_service;
    return NULL;
}

static int s_cmp_op(const void *key, const void *elem)
{
    return strcmp(key, ((const gw_op_t *)elem)->name);
}

const gw_op_t *gw_model_op(const gw_service_t *svc, const char *name)
{
    if (!svc || !name)
        return NULL;
    return bsearch(name, svc->ops, svc->nops, sizeof svc->ops[0], s_cmp_op);
}

const gw_shape_t *gw_model_shape(const gw_service_t *svc, uint16_t i)
{
    if (!svc || i == 0 || i >= svc->nshapes)
        return NULL;
    return &svc->shapes[i];
}

const gw_member_t *gw_model_member(const gw_service_t *svc, const gw_shape_t *sh, size_t i)
{
    return &svc->members[sh->first + i];
}
