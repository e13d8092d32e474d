/* viz_fetch: what the trace, topology and console need from a running
 * cluster, fetched as the caller's account through the broker: one API
 * call to one (account, Region) agent, a connection's history from every
 * agent that took part, and the topology document.
 */
#ifndef VS_VIZ_FETCH_H
#define VS_VIZ_FETCH_H

#include <stdbool.h>

#include "json.h"

typedef struct viz_fetch viz_fetch_t;

/* endpoint, keys_dir (a keyring: requests authenticate as the caller's
 * client key, admin calls with the admin key; NULL: an open broker) and
 * caller (the account every request is made as) are copied.
 * NULL with *err (malloc'd, for stderr) when the socket cannot be made. */
viz_fetch_t *viz_fetch_new(const char *endpoint, const char *keys_dir, const char *caller,
                           const char *region, double timeout_s, bool debug, char **err);
void viz_fetch_destroy(viz_fetch_t **f);
/* From now on, ask as account (in region) instead: the console observes
 * every account, each through its own eyes. */
void viz_fetch_act_as(viz_fetch_t *f, const char *account, const char *region);
/* The broker's clock document (caller owns), or NULL. */
vs_json_t *viz_fetch_clock(viz_fetch_t *f);
/* The broker's describe-agents document (caller owns), or NULL with *err. */
vs_json_t *viz_fetch_agents(viz_fetch_t *f, char **err);

/* One API call to the agent of (account, region) as the caller. Returns 0
 * with *out (caller owns), or a CLI exit code (254 service error, 255 not
 * reachable) with *err malloc'd in the AWS CLI's words. */
int viz_fetch_call(viz_fetch_t *f, const char *account, const char *region, const char *action,
                   const vs_json_t *input, vs_json_t **out, char **err);

/* The history document of connection pcx (viz/trace.h): the caller's own
 * agent first, then every agent its events name as the other side (each
 * answers with what the caller may see). 0 with *out, or an exit code
 * with *err; 254 InvalidVpcPeeringConnectionID.NotFound when the caller's
 * agent knows nothing of it. Agents that do not answer are left out, with
 * a note on stderr when `warn`. */
int viz_fetch_history(viz_fetch_t *f, const char *pcx, bool warn, vs_json_t **out, char **err);

/* The topology document (viz/topology.h) of the caller's account in every
 * Region where it has an agent online (the caller's Region when the broker
 * cannot say). 0 with *out, or an exit code with *err. */
int viz_fetch_topology(viz_fetch_t *f, vs_json_t **out, char **err);

#endif
