/* unpack: one option's argument strings to its JSON value, following
 * awscli/argprocess.py (unpack_cli_arg, ParamShorthandParser) and the
 * paramfile handler:
 *
 *   scalar        "vpc-1" -> "vpc-1"; integers with Python's int()
 *   [scalar]      several args, commas ("a,b") or JSON ('["a","b"]')
 *   {..}          JSON ('{"Value":true}') or shorthand ("Value=true")
 *   [{..}]        JSON ('[{...}]', or one '{...}' per arg) or shorthand,
 *                 one structure per argument
 *
 * No IO of its own: `file://` values go through the paramfile callback.
 */
#ifndef CLI_UNPACK_H
#define CLI_UNPACK_H

#include "json.h"
#include "shorthand.h"

/* Returns the value (caller owns it) or NULL with *err a malloc'd message
 * for stderr: "\nError parsing parameter '--filters': ...\n". `flag` is the
 * option as the user knows it ("--filters"); `type` its schema notation.
 * List types take all n values; other types take vals[0]. */
vs_json_t *cli_unpack(const char *flag, const char *type, const char *const *vals, int n,
                      cli_paramfile_fn pf, void *pf_ctx, char **err);

/* Parses a JSON argument, with Python's error text on failure:
 * "\nError parsing parameter '--x': Invalid JSON: Expecting value: line 1
 * column 10 (char 9)\nJSON received: {...}\n". */
vs_json_t *cli_unpack_json(const char *flag, const char *text, char **err);

#endif
