/* chaos_proc: the local cluster a chaos run starts, kills and restarts.
 *
 * The layout is the one of `vpcsim cluster up` (cluster_config.h): the run
 * writes DIR/cluster.json and parses it with cli_cluster_config_parse, so
 * the broker keeps its state in DIR/broker, each agent in
 * DIR/agents/ACCOUNT-REGION and every log goes to DIR/logs. With --keep the
 * same file restarts the final state: `vpcsim cluster up --config
 * DIR/cluster.json`.
 *
 * Every process is started here, remembered by pid and ended here by pid:
 * kill -9 for the faults, SIGTERM then SIGKILL at the end. Children die
 * with the run (PR_SET_PDEATHSIG), so even a killed `vpcsim chaos run`
 * leaves nothing behind.
 */
#ifndef CLI_CHAOS_PROC_H
#define CLI_CHAOS_PROC_H

#include <stdbool.h>
#include <stddef.h>

#include "cluster_config.h"

typedef struct ch_cluster ch_cluster_t;

/* Writes DIR/cluster.json for a broker on a free loopback port and one
 * agent per (accounts[i], regions[i]) with agent_opts (borrowed strings),
 * and starts nothing yet. NULL with err on failure. */
ch_cluster_t *ch_cluster_new(const char *dir, char accounts[][16], char regions[][32], size_t n,
                             const char *const *agent_opts, size_t nopts, char *err, size_t errlen);
/* Stops every process still running (SIGTERM, SIGKILL after 5 s). */
void ch_cluster_destroy(ch_cluster_t **c);

const char *ch_cluster_endpoint(const ch_cluster_t *c);
const cli_cluster_config_t *ch_cluster_config(const ch_cluster_t *c);
size_t ch_cluster_nagents(const ch_cluster_t *c);

/* Start (or restart, on the same data dir) the broker / agent i. 0 or -1. */
int ch_cluster_start_broker(ch_cluster_t *c);
int ch_cluster_start_agent(ch_cluster_t *c, size_t i);
/* kill -9 and reap. 0, or -1 if it was not running. */
int ch_cluster_kill_broker(ch_cluster_t *c);
int ch_cluster_kill_agent(ch_cluster_t *c, size_t i);
/* Is the process still running (reaps it if it died)? When it exited on
 * its own, *status describes how ("exited with status 1"). */
bool ch_cluster_broker_alive(ch_cluster_t *c);
bool ch_cluster_agent_alive(ch_cluster_t *c, size_t i);

/* Waits until the broker answers, lists every agent online and every agent
 * answers an API call, at most timeout_s. 0, or -1 with what is missing
 * (and where the logs are) in why. */
int ch_cluster_wait_online(ch_cluster_t *c, double timeout_s, char *why, size_t whylen);

/* Removes dir and everything under it. */
int ch_rmtree(const char *dir);

#endif
