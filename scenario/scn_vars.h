/* scn_vars: ${NAME.PATH} references in scenario strings. NAME is the name
 * of an earlier step's output, PATH a scn_path.h path into it:
 * "${vpc_a.Vpc.VpcId}", "${pcx.VpcPeeringConnection.VpcPeeringConnectionId}".
 * "$$" is a literal "$". Pure.
 */
#ifndef SCN_VARS_H
#define SCN_VARS_H

#include <stddef.h>

#include "json.h"

/* Called for each reference; returns 0 to go on or -1 (having written err). */
typedef int (*scn_var_ref_fn)(void *ctx, const char *name, const char *path, char *err, size_t errlen);

/* Visits every reference in s. 0, or -1 with err (a malformed reference,
 * or what fn reported). */
int scn_vars_each(const char *s, scn_var_ref_fn fn, void *ctx, char *err, size_t errlen);

/* The output document kept under name, or NULL if there is none (yet). */
typedef const vs_json_t *(*scn_var_lookup_fn)(void *ctx, const char *name);

/* s with every reference replaced by its value (strings as they are, other
 * scalars as JSON text, lists and objects as compact JSON). malloc'd, or
 * NULL with err when a name has no output or its path selects nothing. */
char *scn_vars_expand(const char *s, scn_var_lookup_fn lookup, void *ctx, char *err, size_t errlen);

/* A JSON value as a scenario compares and substitutes it (see above). */
char *scn_vars_text(const vs_json_t *v);

#endif
