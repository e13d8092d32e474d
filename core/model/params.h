/* params: typed access to an EC2 operation's input document, with the
 * errors EC2 gives for missing or malformed parameters.
 *
 * botocore normally checks types and required members on the client, but
 * the agent also takes input from other clients, so every handler reads
 * its input through these: a missing required member is MissingParameter
 * ("The request must contain the parameter VpcId"), a wrong JSON type is
 * InvalidParameterValue, and nothing ever crashes on odd input. Strings
 * with embedded NUL bytes and lists longer than VS_PARAM_LIST_MAX are
 * refused.
 */
#ifndef VS_PARAMS_H
#define VS_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "awserr.h"
#include "json.h"

#define VS_PARAM_LIST_MAX 1000

/* Always -1. */
int vs_param_missing(vs_awserr_t *err, const char *key);
int vs_param_invalid(vs_awserr_t *err, const char *key);

/* String member: *out borrowed from in, NULL if absent (and not required). */
int vs_param_str(const vs_json_t *in, const char *key, bool required, const char **out,
                 vs_awserr_t *err);
/* Boolean member: *out untouched if absent. */
int vs_param_bool(const vs_json_t *in, const char *key, bool *out, vs_awserr_t *err);
/* Integer member: *present says whether it was there. */
int vs_param_int(const vs_json_t *in, const char *key, bool *present, int64_t *out,
                 vs_awserr_t *err);
/* List of strings: *out is the (borrowed) array, NULL if absent. A required
 * list must also be non-empty. */
int vs_param_strlist(const vs_json_t *in, const char *key, bool required,
                     const vs_json_t **out, vs_awserr_t *err);
/* AttributeBooleanValue member ({"Value": true}): *present / *out. */
int vs_param_attr_bool(const vs_json_t *in, const char *key, bool *present, bool *out,
                       vs_awserr_t *err);

#endif
