/* scenario: `vpcsim scenario run|compose`, multi-account scenarios written
 * down as YAML files (scn_model.h describes the format).
 *
 *   vpcsim scenario run FILE [--compose] [--keep] [--faults drop=P,...] [--seed N] [--output json]
 *   vpcsim scenario compose FILE          the docker-compose file, on stdout
 *
 * Exit status of run: 0 every expectation held, 1 one did not, 252 a bad
 * file or command line (nothing started), 255 the cluster did not start.
 */
#ifndef SCENARIO_H
#define SCENARIO_H

#include "globals.h"

int scenario_main(const cli_globals_t *g, int argc, char **argv);

#endif
