/* ranges: see ranges.h. The rows were taken from the ec2 service model
 * (botocore 1.43) for the operations vpcsim implements: every member with
 * a "min" that can be broken (min 0 on a string or a port can only be
 * broken by a negative number). */
#include "ranges.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef enum { R_VALUE, R_LENGTH, R_EACH_LENGTH } s_kind_t;

typedef struct {
    const char *action;
    const char *member;        /* top-level member, or "List[].Member" */
    s_kind_t kind;             /* the value, a string's length, each string's length */
    int64_t min;
} s_range_t;

static const s_range_t s_ranges[] = {
    { "DescribeVpcs", "MaxResults", R_VALUE, 5 },
    { "DescribeVpcPeeringConnections", "MaxResults", R_VALUE, 5 },
    { "DescribeSubnets", "MaxResults", R_VALUE, 5 },
    { "DescribeRouteTables", "MaxResults", R_VALUE, 5 },
    { "DescribeSecurityGroups", "MaxResults", R_VALUE, 5 },
    { "DescribeStaleSecurityGroups", "MaxResults", R_VALUE, 5 },
    { "DescribeStaleSecurityGroups", "NextToken", R_LENGTH, 1 },
    { "DescribeNetworkAcls", "MaxResults", R_VALUE, 5 },
    { "DescribeNetworkInsightsAnalyses", "MaxResults", R_VALUE, 1 },
    { "CreateNetworkInsightsPath", "DestinationPort", R_VALUE, 0 },
    { "StartNetworkInsightsAnalysis", "FilterInArns", R_EACH_LENGTH, 1 },
    { "StartNetworkInsightsAnalysis", "FilterOutArns", R_EACH_LENGTH, 1 },
};

static int s_value(const char *name, int64_t v, int64_t min, vs_buf_t *errs)
{
    if (v >= min)
        return 0;
    vs_buf_printf(errs, "Invalid value for parameter %s, value: %" PRId64 ", valid min value: %" PRId64 "\n",
                   name, v, min);
    return 1;
}

static int s_length(const char *name, const vs_json_t *v, int64_t min, vs_buf_t *errs)
{
    const char *s = vs_json_as_str(v);
    if (!s || (int64_t)strlen(s) >= min)
        return 0;
    /* botocore prints the length it measured. */
    vs_buf_printf(errs, "Invalid length for parameter %s, value: %zu, valid min length: %" PRId64 "\n",
                   name, strlen(s), min);
    return 1;
}

int cli_ranges_check(const char *action, const vs_json_t *input, int64_t page_size,
                     vs_buf_t *errs)
{
    int n = 0;
    for (size_t i = 0; i < sizeof s_ranges / sizeof s_ranges[0]; i++) {
        const s_range_t *r = &s_ranges[i];
        if (strcmp(r->action, action) != 0)
            continue;
        const vs_json_t *v = vs_json_get(input, r->member);
        switch (r->kind) {
        case R_VALUE:
            if (v && vs_json_is_int(v))
                n += s_value(r->member, vs_json_as_int(v, 0), r->min, errs);
            else if (!v && page_size > 0 && !strcmp(r->member, "MaxResults"))
                n += s_value(r->member, page_size, r->min, errs);
            break;
        case R_LENGTH:
            n += v ? s_length(r->member, v, r->min, errs) : 0;
            break;
        case R_EACH_LENGTH:
            for (size_t k = 0; vs_json_type(v) == VS_JSON_ARRAY && k < vs_json_len(v); k++) {
                char name[96];
                snprintf(name, sizeof name, "%s[%zu]", r->member, k);
                n += s_length(name, vs_json_at(v, k), r->min, errs);
            }
            break;
        }
    }
    return n;
}
