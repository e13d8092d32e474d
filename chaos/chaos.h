/* chaos: `vpcsim chaos run`, a seeded chaos test of the whole system.
 *
 *   vpcsim chaos run --seed N --operations N [--accounts K] [--regions R]
 *                    [--clients C] [--kill-agents] [--kill-broker]
 *                    [--faults drop=P,duplicate=P,delay=MIN-MAX,reorder=P]
 *                    [--call-timeout S] [--convergence-timeout S] [--keep]
 *                    [--print-history]
 *
 * Starts its own broker and K x R agents in a temporary directory, creates
 * VPCs, runs N racing peering operations from C concurrent clients while
 * the broker loses, duplicates, delays and reorders agent-to-agent
 * messages and processes are killed with SIGKILL, then heals everything,
 * waits until both views of every pcx agree and checks that nothing
 * acknowledged was lost, the views agree, the invariants hold and every
 * pcx's history is linearizable (sim/history.h).
 *
 * Prints a progress bar to stderr and the JSON report to stdout (indent 4).
 * Exit status: 0 when the report says "Passed": true, 1 when a check
 * failed (the report names the pcxs; their histories go to stderr), 252 on
 * a usage error, 255 when the cluster could not be run, 130 on Ctrl-C.
 */
#ifndef CLI_CHAOS_H
#define CLI_CHAOS_H

#include "globals.h"

int cli_chaos_main(const cli_globals_t *g, int argc, char **argv);

#endif
