/* params: what happens to an option's value after it was parsed, mirroring
 * the AWS CLI and botocore:
 *
 *  - cli_params_coerce: awscli's BackCompatVisitor, applied to shorthand
 *    values only. Strings become integers/floats where the schema says so,
 *    "true"/"false" become booleans, and a single value where a list is
 *    expected becomes a one-element list.
 *  - cli_params_validate: botocore's ParamValidator. Appends one line per
 *    problem in botocore's words ("Invalid type for parameter
 *    Filters[0].Values, value: b, type: <class 'str'>, valid types: <class
 *    'list'>, <class 'tuple'>", "Unknown parameter in Filters[1]: \"Vals\",
 *    must be one of: Name, Values").
 *  - cli_pyrepr / cli_pystr: Python's repr()/str() of a JSON value, which
 *    those messages (and the text/table output) quote.
 *
 * Pure functions: no IO, no global state.
 */
#ifndef CLI_PARAMS_H
#define CLI_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

/* Returns a coerced copy of v (caller owns it) or NULL with *err set to a
 * malloc'd message such as "invalid literal for int() with base 10: 'x'". */
vs_json_t *cli_params_coerce(const char *type, const vs_json_t *v, char **err);

/* Validates v against type; `path` is the botocore name of v ("VpcIds",
 * "Filters[0].Values"). Appends "\n"-terminated lines to errs; returns the
 * number of problems found. */
int cli_params_validate(const char *type, const vs_json_t *v, const char *path, vs_buf_t *errs);

/* Python int(s) for base 10 (surrounding whitespace, sign, '_' between
 * digits); false if s is not such a literal or does not fit in int64. */
bool cli_py_int(const char *s, int64_t *out);

/* Python repr() of v: {'Key': 'a', 'N': [1, True, None]}. */
void cli_pyrepr(vs_buf_t *b, const vs_json_t *v);
/* Python str(): strings raw, everything else as repr(). */
void cli_pystr(vs_buf_t *b, const vs_json_t *v);
/* "<class 'str'>" and friends. */
const char *cli_pytype(const vs_json_t *v);

#endif
