/* shorthand: the AWS CLI's shorthand syntax for structure and
 * list-of-structure options, ported from awscli/shorthand.py
 * (ShorthandParser), with the same grammar and the same error texts:
 *
 *   Name=vpc-id,Values=vpc-1,vpc-2        {"Name": "vpc-id", "Values": ["vpc-1", "vpc-2"]}
 *   Tags=[{Key=Name,Value=x},{Key=a,Value=b}]
 *   Value="a,b"   Value='a b'   Key=Name,Value=      (quoted and empty values)
 *
 * The parser is purely syntactic: every leaf is a string, a csv value
 * becomes a list, [..] a list and {..} an object. Type coercion against the
 * option's schema (strings to integers, one value to a one-element list) is
 * cli_params_coerce()'s job, as BackCompatVisitor's is in the AWS CLI.
 *
 * No IO: `key@=file://path` values are resolved through the optional
 * paramfile callback.
 */
#ifndef CLI_SHORTHAND_H
#define CLI_SHORTHAND_H

#include "json.h"

/* Loads a `file://` / `fileb://` value. Returns a malloc'd string (caller
 * frees) when `value` names a paramfile; NULL with *err == NULL when it does
 * not (the value is used as is); NULL with *err set (malloc'd) on failure. */
typedef char *(*cli_paramfile_fn)(void *ctx, const char *value, char **err);

/* Parses one shorthand argument. Returns a JSON object owned by the caller,
 * or NULL with *err set to a malloc'd message in the AWS CLI's words, e.g.
 *   Expected: '=', received: 'EOF' for input:
 *   Name
 *       ^
 * (the caller prefixes "Error parsing parameter '--x': "). pf may be NULL. */
vs_json_t *cli_shorthand_parse(const char *input, cli_paramfile_fn pf, void *pf_ctx, char **err);

#endif
