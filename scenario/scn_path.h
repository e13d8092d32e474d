/* scn_path: the JMESPath-like subset scenario files use to point into an
 * output document:
 *
 *   Vpc.VpcId                                 keys
 *   VpcPeeringConnections[0].Status.Code      indexes ([-1] is the last)
 *   Reservations[*].Instances[0]              projections: the rest of the
 *   Tags[?Key=='Name'].Value                  path applies to every element
 *                                             (or every one that matches)
 *   Tags[?Key=='Name'].Value | [0]            a pipe ends the projection
 *   ForwardPathComponents[].AdditionalDetails[]   [] flattens one level
 *   length(VpcPeeringConnections)             the length of a list, object
 *                                             or string
 *
 * A key that is absent, or an index out of range, gives NULL (JMESPath's
 * null) rather than an error; only a malformed path is an error.
 * Pure; the result is a new document the caller owns.
 */
#ifndef SCN_PATH_H
#define SCN_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"

#define SCN_PATH_MAX 512

/* Checks the syntax only. 0, or -1 with the reason in err. */
int scn_path_check(const char *path, char *err, size_t errlen);

/* Evaluates path on doc. Returns 0 with *out (caller frees; NULL when the
 * path selects nothing), or -1 with the reason in err (bad syntax). */
int scn_path_eval(const char *path, const vs_json_t *doc, vs_json_t **out, char *err, size_t errlen);

#endif
