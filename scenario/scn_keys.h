/* scn_keys: the keyring a scenario's cluster authenticates with (common/
 * keys.h): a key pair for the broker, the admin, each agent principal
 * ACCOUNT:REGION and each account of the scenario as a client. The runner
 * makes one in its folder and every process and call uses it, unless the
 * run is open (`--no-keys`); the compose file mounts its files.
 */
#ifndef SCN_KEYS_H
#define SCN_KEYS_H

#include <stddef.h>

#include "scn_model.h"

/* The scenario's distinct accounts, in the order their agents are
 * declared: out[] (borrowed from s, at least SCN_MAX_AGENTS entries).
 * Returns how many. Pure. */
size_t scn_keys_accounts(const scn_scenario_t *s, const char **out);

/* Creates (or completes) the keyring in dir. 0, or -1 with err. */
int scn_keys_init(const scn_scenario_t *s, const char *dir, char *err, size_t errlen);

#endif
