/* cluster_config: the cluster file of `vpcsim cluster up|down --config FILE`:
 *
 *   {"broker": {"listen": "tcp://127.0.0.1:5555", "options": ["--cpu", "0"]},
 *    "data_dir": "./vpcsim-data",
 *    "agents": [{"account": "111111111111", "region": "ap-northeast-1",
 *                "options": ["--modern-rules"]}, ...]}
 *
 * "options" (each may be left out) are more arguments for vpcsim-broker or
 * for that vpcsim-agent.
 *
 * data_dir is relative to the folder of the config file; the broker keeps
 * its state in DATA/broker, each agent in DATA/agents/ACCOUNT-REGION, logs
 * go to DATA/logs/NAME.log and the pids of a running cluster to
 * DATA/cluster.pids. A keyring (`vpcsim keys init`) is kept in DATA/keys
 * and used by every process, unless the file says "keys": false (an open
 * broker). Pure: parses text, resolves paths, no IO.
 */
#ifndef CLI_CLUSTER_CONFIG_H
#define CLI_CLUSTER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CLI_PATH_MAX 4096

typedef struct {
    char account[16];
    char region[32];
    char **options;          /* extra vpcsim-agent arguments, owned */
    size_t noptions;
    char name[64];           /* "agent-111111111111-ap-northeast-1" */
    char data_dir[CLI_PATH_MAX];
    char log[CLI_PATH_MAX];
} cli_cluster_agent_t;

typedef struct {
    char listen[256];        /* the broker's --listen */
    char endpoint[256];      /* where clients connect (wildcard hosts -> 127.0.0.1) */
    char data_dir[CLI_PATH_MAX];
    char broker_dir[CLI_PATH_MAX];
    char broker_log[CLI_PATH_MAX];
    char logs_dir[CLI_PATH_MAX];
    char pid_file[CLI_PATH_MAX];
    char keys_dir[CLI_PATH_MAX];   /* "" when "keys": false */
    char **broker_options;   /* extra vpcsim-broker arguments, owned */
    size_t nbroker_options;
    cli_cluster_agent_t *agents;
    size_t nagents;
} cli_cluster_config_t;

/* Parses the config text; config_dir is the folder relative paths start
 * from. Returns NULL with *err (malloc'd, one line) on any problem. */
cli_cluster_config_t *cli_cluster_config_parse(const char *text, size_t len, const char *config_dir,
                                               char **err);
void cli_cluster_config_free(cli_cluster_config_t **cfg);

/* Starts the cluster's broker, or its agent i, as a child process (exe:
 * the vpcsim-broker / vpcsim-agent to run) with its data dir, the
 * keyring keys_dir ("" or NULL: none) and its own options, logging to its
 * log file (cli_proc_spawn: die_with_parent, who). The pid, or -1. */
pid_t cli_cluster_spawn_broker(const cli_cluster_config_t *c, const char *exe, const char *keys_dir,
                               bool die_with_parent, const char *who);
pid_t cli_cluster_spawn_agent(const cli_cluster_config_t *c, size_t i, const char *exe,
                              const char *keys_dir, bool die_with_parent, const char *who);

#endif
