/* agent: the vpcsim-agent daemon around one core model: one libuv loop, one
 * ZeroMQ DEALER to the broker (watched by zloop), the SQLite store, and the
 * clock that follows the broker's simulated time.
 *
 * Every loop turn ends in agent__commit_turn(): changed objects and new
 * outbox messages are written in one transaction, and only then are the
 * replies and messages of that turn sent. So whatever a client was told
 * succeeded is on disk, and kill -9 at any point loses nothing that was
 * acknowledged.
 */
#ifndef AGENT_AGENT_H
#define AGENT_AGENT_H

#include <stdbool.h>
#include <stdio.h>

typedef struct agent_config {
    const char *broker;        /* tcp://host:port */
    const char *account;       /* 12 digits, checked by the caller */
    const char *region;        /* known Region, checked by the caller */
    const char *data_dir;
    bool modern_rules;
    bool cascade_vpc_delete;
    int max_active_pcx_per_vpc;
    int max_outstanding_pcx;
    int heartbeat_ms;          /* 0 = 1000 */
    const char *keys_dir;      /* keyring (--keys); NULL: no CURVE */
    bool salvage;              /* move damaged stored records aside instead of refusing to start */
    bool full_sync;            /* --fsync: fsync every commit (survives power loss) */
    int event_retention;       /* events kept (--event-retention); 0 = 10000 */
} agent_config_t;

/* Runs the agent until SIGTERM/SIGINT. Returns the process exit code:
 * 0 clean stop, 2 unusable data dir (message on stderr), 1 fatal error. */
int agent_run(const agent_config_t *cfg);

/* --dump-objects: prints every object stored in data_dir/agent.db as its
 * JSON document, one per line, to out. 0 ok, 1 if some record is damaged
 * (named on stderr), 2 if the store cannot be opened (in use, missing). */
int agent_dump_objects(const char *data_dir, FILE *out);

#endif
