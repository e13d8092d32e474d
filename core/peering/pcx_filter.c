/* pcx_filter: DescribeVpcPeeringConnections filters on one view. */
#include "pcx_filter.h"

#include <string.h>

#include "clock.h"
#include "glob.h"
#include "pcx_doc.h"

typedef enum {
    F_ACC_CIDR,
    F_ACC_OWNER,
    F_ACC_VPC,
    F_EXPIRATION,
    F_REQ_CIDR,
    F_REQ_OWNER,
    F_REQ_VPC,
    F_STATUS_CODE,
    F_STATUS_MESSAGE,
    F_TAG,          /* tag:KEY */
    F_TAG_KEY,
    F_PCX_ID,
    F_UNKNOWN
} s_field_t;

static const char *const s_names[F_TAG] = {
    [F_ACC_CIDR] = "accepter-vpc-info.cidr-block",
    [F_ACC_OWNER] = "accepter-vpc-info.owner-id",
    [F_ACC_VPC] = "accepter-vpc-info.vpc-id",
    [F_EXPIRATION] = "expiration-time",
    [F_REQ_CIDR] = "requester-vpc-info.cidr-block",
    [F_REQ_OWNER] = "requester-vpc-info.owner-id",
    [F_REQ_VPC] = "requester-vpc-info.vpc-id",
    [F_STATUS_CODE] = "status-code",
    [F_STATUS_MESSAGE] = "status-message",
};

static s_field_t s_field(const char *name)
{
    if (!name)
        return F_UNKNOWN;
    for (int i = 0; i < F_TAG; i++)
        if (strcmp(name, s_names[i]) == 0)
            return (s_field_t)i;
    if (strncmp(name, "tag:", 4) == 0 && name[4] != '\0')
        return F_TAG;
    if (strcmp(name, "tag-key") == 0)
        return F_TAG_KEY;
    if (strcmp(name, "vpc-peering-connection-id") == 0)
        return F_PCX_ID;
    return F_UNKNOWN;
}

static bool s_is_plain_str(const vs_json_t *v)
{
    const char *s = vs_json_as_str(v);
    return s && strlen(s) == vs_json_str_len(v);
}

int vs_pcx_filter_check(const vs_json_t *filters, vs_awserr_t *err)
{
    if (!filters)
        return 0;
    if (vs_json_type(filters) != VS_JSON_ARRAY)
        return vs_awserr_set(err, "InvalidParameterValue", "The filter 'null' is invalid");
    size_t total = 0;
    for (size_t i = 0; i < vs_json_len(filters); i++) {
        const vs_json_t *f = vs_json_at(filters, i);
        const vs_json_t *name = vs_json_get(f, "Name");
        if (!s_is_plain_str(name))
            return vs_awserr_set(err, "InvalidParameterValue", "The filter 'null' is invalid");
        const char *n = vs_json_as_str(name);
        if (s_field(n) == F_UNKNOWN)
            return vs_awserr_set(err, "InvalidParameterValue", "The filter '%s' is invalid", n);
        const vs_json_t *values = vs_json_get(f, "Values");
        if (!values)
            continue;
        if (vs_json_type(values) != VS_JSON_ARRAY)
            return vs_awserr_set(err, "InvalidParameterValue", "The filter '%s' is invalid", n);
        for (size_t j = 0; j < vs_json_len(values); j++)
            if (!s_is_plain_str(vs_json_at(values, j)))
                return vs_awserr_set(err, "InvalidParameterValue",
                                     "The filter '%s' is invalid", n);
        total += vs_json_len(values);
        if (total > VS_PCX_FILTER_MAX_VALUES)
            return vs_awserr_set(err, "FilterLimitExceeded",
                                 "The maximum number of filter values specified on a single "
                                 "call is %d",
                                 VS_PCX_FILTER_MAX_VALUES);
    }
    return 0;
}

/* Any of the filter's values matches text. */
static bool s_any(const vs_json_t *values, const char *text)
{
    for (size_t i = 0; text && i < vs_json_len(values); i++)
        if (vs_glob_match(vs_json_as_str(vs_json_at(values, i)), text))
            return true;
    return false;
}

static bool s_cidrs(const vs_json_t *values, const vs_pcx_vpc_t *v)
{
    char buf[VS_CIDR_STRLEN];
    for (size_t i = 0; i < v->n_ipv4; i++)
        if (vs_cidr_format(&v->ipv4[i], buf, sizeof buf) >= 0 && s_any(values, buf))
            return true;
    return false;
}

static bool s_expiration(const vs_json_t *values, uint64_t exp_ms)
{
    char cli[40], zulu[40];
    bool have_cli = vs_time_format(exp_ms, VS_TS_CLI, cli, sizeof cli) >= 0;
    bool have_zulu = vs_time_format(exp_ms, VS_TS_ZULU, zulu, sizeof zulu) >= 0;
    for (size_t i = 0; i < vs_json_len(values); i++) {
        const char *v = vs_json_as_str(vs_json_at(values, i));
        uint64_t t;
        if (!vs_glob_has_wildcard(v) && vs_time_parse(v, &t) == 0) {
            /* The CLI prints whole seconds: the value a user copies from
             * ExpirationTime must match the record's time in ms. */
            if (t == exp_ms || t == exp_ms - exp_ms % 1000)
                return true;
            continue;
        }
        if ((have_cli && vs_glob_match(v, cli)) || (have_zulu && vs_glob_match(v, zulu)))
            return true;
    }
    return false;
}

/* tag:KEY (key != NULL) or tag-key (key == NULL). */
static bool s_tags(const vs_json_t *values, const vs_json_t *tags, const char *key)
{
    size_t n = vs_json_type(tags) == VS_JSON_ARRAY ? vs_json_len(tags) : 0;
    for (size_t i = 0; i < n; i++) {
        const vs_json_t *t = vs_json_at(tags, i);
        const char *k = vs_json_get_str(t, "Key"), *v = vs_json_get_str(t, "Value");
        if (!k || !v)
            continue;
        if (key ? (strcmp(k, key) == 0 && s_any(values, v)) : s_any(values, k))
            return true;
    }
    return false;
}

static bool s_one(const vs_pcx_t *p, const vs_json_t *tags, const char *name,
                  const vs_json_t *values)
{
    switch (s_field(name)) {
    case F_ACC_CIDR:
        return vs_pcx_side_details_visible(p->state, VS_PCX_SIDE_ACCEPTER) &&
               s_cidrs(values, &p->accepter);
    case F_REQ_CIDR:
        return vs_pcx_side_details_visible(p->state, VS_PCX_SIDE_REQUESTER) &&
               s_cidrs(values, &p->requester);
    case F_ACC_OWNER:
        return s_any(values, p->accepter.account);
    case F_ACC_VPC:
        return s_any(values, p->accepter.vpc_id);
    case F_REQ_OWNER:
        return s_any(values, p->requester.account);
    case F_REQ_VPC:
        return s_any(values, p->requester.vpc_id);
    case F_EXPIRATION:
        return vs_pcx_expiration_visible(p->state) && s_expiration(values, p->expiration_ms);
    case F_STATUS_CODE:
        return s_any(values, vs_pcx_state_name(p->state));
    case F_STATUS_MESSAGE:
        return s_any(values, p->status_message);
    case F_TAG:
        return s_tags(values, tags, name + 4);
    case F_TAG_KEY:
        return s_tags(values, tags, NULL);
    case F_PCX_ID:
        return s_any(values, p->id);
    default:
        return false;
    }
}

int vs_pcx_filter_match(const vs_pcx_t *p, const vs_json_t *tags, const vs_json_t *filters,
                        vs_awserr_t *err)
{
    if (vs_pcx_filter_check(filters, err) < 0)
        return -1;
    for (size_t i = 0; i < vs_json_len(filters); i++) {
        const vs_json_t *f = vs_json_at(filters, i);
        if (!s_one(p, tags, vs_json_get_str(f, "Name"), vs_json_get(f, "Values")))
            return 0;
    }
    return 1;
}
