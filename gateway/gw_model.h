/* gw_model: botocore service models as C tables. The tables themselves are
 * generated at build time by gen_model.py from Debian's python3-botocore
 * (service-2.json of ec2 2016-11-15 and sts 2011-06-15) into the build dir;
 * this header is their one definition. Everything is static const data:
 * lookups return borrowed pointers into it, valid for the whole program.
 *
 * A shape index of 0 means "no shape" (operations without input/output).
 */
#ifndef GW_MODEL_H
#define GW_MODEL_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    GW_K_NONE = 0,
    GW_K_STRUCT,
    GW_K_LIST,
    GW_K_MAP,
    GW_K_STRING,
    GW_K_INTEGER,
    GW_K_LONG,
    GW_K_BOOLEAN,
    GW_K_FLOAT,
    GW_K_DOUBLE,
    GW_K_TIMESTAMP,
    GW_K_BLOB
} gw_kind_t;

typedef struct {
    const char *name;    /* botocore member name, the JSON key ("VpcIds") */
    const char *query;   /* its key in a request form ("VpcId") */
    const char *xml;     /* its element in a response ("vpcSet") */
    uint16_t shape;
} gw_member_t;

typedef struct {
    uint8_t kind;          /* gw_kind_t */
    uint8_t flattened;     /* list: no wrapper element */
    uint16_t nmembers;     /* structure: members[first .. first+nmembers) */
    uint32_t first;
    uint16_t elem;         /* list: element shape; map: value shape */
    const char *elem_xml;  /* list: element name in XML ("item") */
    const char *name;      /* shape name, for messages */
} gw_shape_t;

typedef struct {
    const char *name;            /* "DescribeVpcs" */
    uint16_t input, output;      /* shape indexes, 0 = none */
    const char *result_wrapper;  /* query protocol: "GetCallerIdentityResult" */
} gw_op_t;

typedef struct {
    const char *name;       /* signing name / endpoint prefix: "ec2", "sts" */
    const char *protocol;   /* "ec2" or "query" */
    const char *version;    /* "2016-11-15" */
    const char *xmlns;      /* response namespace */
    const gw_op_t *ops;     /* sorted by name */
    size_t nops;
    const gw_shape_t *shapes;
    size_t nshapes;
    const gw_member_t *members;
    size_t nmembers;
} gw_service_t;

extern const gw_service_t gw_ec2_service;
extern const gw_service_t gw_sts_service;

/* The service whose signing name is `name` ("ec2", "sts"), or NULL. */
const gw_service_t *gw_model_service(const char *name);
/* The operation called `name` (exact, case-sensitive, as AWS), or NULL. */
const gw_op_t *gw_model_op(const gw_service_t *svc, const char *name);
/* Shape i, or NULL for 0 and out-of-range indexes. */
const gw_shape_t *gw_model_shape(const gw_service_t *svc, uint16_t i);
/* The i-th member of a structure shape (i < sh->nmembers). */
const gw_member_t *gw_model_member(const gw_service_t *svc, const gw_shape_t *sh, size_t i);

#endif
