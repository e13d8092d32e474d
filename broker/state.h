/* state: the broker's soft state in --data-dir, so that a restarted broker
 * still answers AGENT_OFFLINE (not NO_SUCH_AGENT) for agents that have not
 * re-registered yet, and never moves simulated time backwards.
 *
 * Everything here can be rebuilt from the agents' Hellos (which carry
 * their clocks), so the file is small and best effort: a missing file is
 * a fresh start and a corrupt one is reported and ignored. It is written
 * atomically (temporary file, fsync, rename, fsync of the directory), and
 * a lock file keeps two brokers from sharing a directory.
 *
 * Writing the whole file on every Hello made a flood of registrations cost
 * O(n^2), so it is written at the broker's sweeps; an agent it has never
 * seen is also appended to a journal before it is welcomed (one short
 * write, no fsync), so that a broker killed before the next sweep still
 * knows, once restarted, every agent it ever welcomed. The journal is
 * emptied after each write of the file, and read after it at a load.
 *
 *   DIR/broker-state.json
 *   {"Version": 1, "SimulatedTimeMs": 1795795200000,
 *    "Agents": [{"AccountId": "111111111111", "Region": "us-east-1",
 *                "Partition": "aws", "LastHelloMs": 1795795100000}]}
 *   DIR/broker-agents.journal
 *   111111111111 us-east-1 1795795100000
 */
#ifndef BK_STATE_H
#define BK_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "registry.h"

typedef struct bk_state bk_state_t;

/* Opens (creating it if needed) and locks the directory, and checks that
 * files can be written there. NULL with a reason in err when the
 * directory is unusable. */
bk_state_t *bk_state_open(const char *dir, char *err, size_t errlen);
void bk_state_close(bk_state_t **st);

/* Adds the saved agents to reg (offline) and sets *sim_ms to the saved
 * clock (0 if none). Agents whose last Hello is more than ttl_ms before
 * now_wall_ms are left out and counted in *expired: a registration that
 * never came back must not be remembered for ever. Returns 0, or -1 with
 * err set when the file exists but cannot be used (the caller logs and
 * carries on: soft state). */
int bk_state_load(bk_state_t *st, bk_registry_t *reg, uint64_t *sim_ms, uint64_t now_wall_ms,
                  uint64_t ttl_ms, size_t *expired, char *err, size_t errlen);

/* Appends agent a to the journal (it is in no saved file yet). 0 ok, -1
 * with err. */
int bk_state_note_agent(bk_state_t *st, const bk_agent_t *a, char *err, size_t errlen);

/* Writes the agents of reg and sim_ms, then empties the journal. 0 ok,
 * -1 with err. */
int bk_state_save(bk_state_t *st, const bk_registry_t *reg, uint64_t sim_ms, char *err,
                  size_t errlen);

#endif
