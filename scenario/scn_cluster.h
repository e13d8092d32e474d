/* scn_cluster: the cluster a scenario runs on, either local processes in a
 * temporary folder (the layout of `vpcsim cluster up`: DIR/cluster.json,
 * DIR/broker, DIR/agents/ACCOUNT-REGION, DIR/logs) or a docker-compose
 * project (scn_compose.h) whose broker is published on a free loopback
 * port. Either way the runner reaches the broker at scn_cluster_endpoint
 * and kills and restarts processes through this module.
 *
 * With keys (the default) the cluster has a keyring (scn_keys.h) in
 * DIR/keys: the broker and agents start with --keys (in compose, each
 * container gets its key files), and every call made here authenticates.
 *
 * Local processes are started, remembered by pid and ended here by pid;
 * they die with the runner (PR_SET_PDEATHSIG). A compose project is taken
 * down with its volumes unless it is kept.
 */
#ifndef SCN_CLUSTER_H
#define SCN_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>

#include "scn_model.h"

typedef struct scn_cluster scn_cluster_t;

/* Starts the broker and every agent of s under dir (which exists) and
 * waits until each answers. compose: in docker-compose, with the image
 * VPCSIM_IMAGE (default vpcsim:latest). keys: make and use a keyring in
 * dir/keys; false leaves the broker open. NULL with the reason in err.
 * The scenario is borrowed and must outlive the cluster. */
scn_cluster_t *scn_cluster_start(const scn_scenario_t *s, const char *dir, bool compose, bool keys,
                                 double timeout_s, char *err, size_t errlen);
/* Stops everything (keep: leaves a compose project running, and says how
 * to stop it on stderr). */
void scn_cluster_destroy(scn_cluster_t **c, bool keep);

const char *scn_cluster_endpoint(const scn_cluster_t *c);
/* The keyring dir, or NULL for an open cluster. */
const char *scn_cluster_keys(const scn_cluster_t *c);

/* kill -9 (or `docker compose kill`) of the broker or agent i. 0 or -1
 * with err. */
int scn_cluster_kill(scn_cluster_t *c, bool broker, size_t agent, char *err, size_t errlen);
/* Starts it again on the same data and waits until it answers. */
int scn_cluster_restart(scn_cluster_t *c, bool broker, size_t agent, double timeout_s, char *err,
                        size_t errlen);

/* The argv prefix that runs Compose here ("docker compose" or
 * "docker-compose"), or NULL with the reason in why. */
const char *const *scn_compose_command(char *why, size_t whylen);

#endif
