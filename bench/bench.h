/* bench: the benchmarks of vpcsim-bench, one function per subcommand
 * (each takes its own argv, argv[0] being the subcommand; returns the exit
 * status and prints its figures as one JSON object on stdout).
 */
#ifndef VS_BENCH_H
#define VS_BENCH_H

#include "bclient.h"

int vs_bench_handshake(int argc, char **argv);
int vs_bench_floor(int argc, char **argv);
int vs_bench_reach(int argc, char **argv);
int vs_bench_codec(int argc, char **argv);

#endif
