/* scn_keys: a scenario's keyring (see scn_keys.h). */
#include "scn_keys.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "keys.h"

size_t scn_keys_accounts(const scn_scenario_t *s, const char **out)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nagents && i < SCN_MAX_AGENTS; i++) {
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = !strcmp(out[k], s->agents[i].account);
        if (!seen)
            out[n++] = s->agents[i].account;
    }
    return n;
}

int scn_keys_init(const scn_scenario_t *s, const char *dir, char *err, size_t errlen)
{
    char names[SCN_MAX_AGENTS][64];
    const char *agents[SCN_MAX_AGENTS];
    const char *clients[SCN_MAX_AGENTS];
    size_t n = s->nagents < SCN_MAX_AGENTS ? s->nagents : SCN_MAX_AGENTS;
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "%s:%s", s->agents[i].account, s->agents[i].region);
        agents[i] = names[i];
    }
    size_t nc = scn_keys_accounts(s, clients);
    char why[600];
    if (vs_keys_init(dir, agents, n, clients, nc, NULL, why, sizeof why) < 0) {
        snprintf(err, errlen, "cannot create the keyring in %s: %s", dir, why);
        return -1;
    }
    return 0;
}
