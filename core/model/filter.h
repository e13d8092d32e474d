/* filter: the Filters of EC2 Describe* calls, generic over the resource.
 *
 * A Describe* names the filters it supports in a table of
 * {name, getter}; the getter lists an object's values for that filter
 * (a VPC has several "cidr-block-association.cidr-block" values). An
 * object passes when EVERY filter has at least one value matching ANY of
 * the filter's patterns (AND across filters, OR across values), where a
 * pattern may use EC2's wildcards ('*', '?', backslash escapes; see
 * glob.h). "tag:KEY" and "tag-key" are handled here for every resource.
 *
 * Unknown filter names are refused as EC2 does: InvalidParameterValue
 * "The filter 'x' is invalid".
 */
#ifndef VS_FILTER_H
#define VS_FILTER_H

#include <stdbool.h>

#include "awserr.h"
#include "json.h"
#include "tags.h"

#define VS_FILTERS_MAX        50
#define VS_FILTER_VALUES_MAX  200

/* The values one object has for one filter (collected by a getter). */
typedef struct vs_fvals vs_fvals_t;
void vs_fvals_add(vs_fvals_t *v, const char *s);
void vs_fvals_addf(vs_fvals_t *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vs_fvals_add_bool(vs_fvals_t *v, bool b);

/* ctx is whatever the caller passes to vs_filters_match (the model). */
typedef void (*vs_filter_get_fn)(const void *ctx, const void *obj, vs_fvals_t *out);

typedef struct vs_filter_field {
    const char *name;          /* "vpc-id" */
    vs_filter_get_fn get;
} vs_filter_field_t;           /* tables end with {NULL, NULL} */

typedef struct vs_filters vs_filters_t;

/* Parses the "Filters" member (borrowed; NULL = no filters) against
 * fields. *out is NULL when there are no filters. -1 with err set on a
 * wrong type, an unknown name or too many filters / values. */
int vs_filters_parse(const vs_json_t *filters, const vs_filter_field_t *fields,
                     vs_filters_t **out, vs_awserr_t *err);
void vs_filters_free(vs_filters_t **f);

/* true if obj (with its tags) passes every filter; NULL filters pass all. */
bool vs_filters_match(const vs_filters_t *f, const void *ctx, const void *obj,
                      const vs_tags_t *tags);

#endif
