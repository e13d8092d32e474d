/* cluster: `vpcsim cluster up --config FILE` starts a broker and the agents
 * the cluster file names (cluster_config.h) as detached local processes,
 * waits until every agent is online and prints
 *
 *   {"Broker": {"Endpoint": "tcp://127.0.0.1:5555", "Pid": N},
 *    "Agents": [{"AccountId": "...", "Region": "...", "Pid": N, "DataDir": "..."}]}
 *
 * `vpcsim cluster down --config FILE` stops them (SIGTERM, then SIGKILL
 * after 5 s) and prints the same document with each process's "Status".
 * The executables are looked up next to the vpcsim executable, else on PATH.
 */
#ifndef CLI_CLUSTER_H
#define CLI_CLUSTER_H

#include "globals.h"

int cli_cluster_main(const cli_globals_t *g, int argc, char **argv);

#endif
