/* simulate: `vpcsim simulate`, the seeded deterministic simulation of the
 * peering protocol (sim/simrun.h), in one process, no broker or agents:
 *
 *   vpcsim simulate --seed N --schedules M [--operations K]
 *                   [--faults drop=P,duplicate=P,delay=MIN-MAX] [--crash P]
 *                   [--planted-bug stale-replica]
 *   vpcsim simulate --replay SEED:SCHEDULE [same options]
 *
 * Runs schedules 0..M-1 of seed N (each one is "N:i") and prints on stdout
 * (indent 4)
 *
 *   {"Seed", "Schedules", "Operations", "Acknowledged", "Unknown",
 *    "LostAcknowledged", "DivergedViews", "InvariantViolations",
 *    "LinearizabilityViolations", "FailedSchedules": ["N:i", ...], "Passed"}
 *
 * with a progress indicator, and one line per failed schedule naming the
 * check and the pcx, on stderr. --replay runs one schedule with a trace of
 * every message, call, reply and state change on stderr, then the report
 * with the failing pcx's history. The same options give the same stdout
 * byte for byte. Exit 0 exactly when every schedule passed; 1 when one
 * failed; 252 on a usage error.
 */
#ifndef SIM_SIMULATE_H
#define SIM_SIMULATE_H

/* argv[0] is the command name ("simulate"), the options follow. */
int sim_simulate_main(int argc, char **argv);

#endif
