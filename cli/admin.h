/* admin: `vpcsim admin OP [OPTIONS]`, operations the broker answers
 * itself (AdminRequest/AdminReply):
 *
 *   describe-agents              {"Agents": [{"AccountId", "Region", "Partition", "Status", "VpcCount"}]}
 *   clock                        {"SimulatedTime": "...Z", "Speed": 1.0}
 *   advance-clock --seconds N    the new clock document
 *   set-faults ..., partition ...
 *                                forwarded with their options as args_json:
 *                                `--drop 0.5 --between A B --verbose` ->
 *                                {"drop": 0.5, "between": ["A", "B"], "verbose": true}
 *
 * Output as for ec2 (--output json|text|table); ok=false -> exit 254; no
 * broker -> exit 255 naming the endpoint.
 */
#ifndef CLI_ADMIN_H
#define CLI_ADMIN_H

#include <stdint.h>

#include "buf.h"
#include "globals.h"
#include "json.h"

int cli_admin_main(const cli_globals_t *g, int argc, char **argv);

/* One admin exchange with the broker at endpoint. Returns 0 with *out
 * (caller owns) or an exit code with *err a malloc'd message for stderr. */
int cli_admin_call(const char *endpoint, double timeout_s, bool debug, const char *op, int64_t seconds,
                   const char *args_json, vs_json_t **out, char **err);
/* The same authenticated with the admin key of the keyring keys (NULL or
 * "": no keys). */
int cli_admin_call_keyed(const char *endpoint, const char *keys, double timeout_s, bool debug,
                         const char *op, int64_t seconds, const char *args_json, vs_json_t **out,
                         char **err);

/* The pass-through options as a JSON object (see above); NULL with *err
 * (malloc'd, for stderr) on a bad `--args-json`. Pure. */
vs_json_t *cli_admin_args(int argc, char *const *argv, char **err);

#endif
