/* vpcsim-bench: benchmarks against a running cluster (see bench/README.md).
 *
 *   vpcsim-bench handshake [...]   peering handshakes, answered and settled
 *   vpcsim-bench floor [...]       the transport alone: a message relayed and back
 *   vpcsim-bench reach [...]       Reachability Analyzer over many VPCs
 *   vpcsim-bench codec [...]       the Envelope codec alone (no cluster)
 *
 * Without a subcommand (the first argument an option), handshake.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "floor"))
        return vs_bench_floor(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "reach"))
        return vs_bench_reach(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "codec"))
        return vs_bench_codec(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "handshake"))
        return vs_bench_handshake(argc - 1, argv + 1);
    if (argc > 1 && strncmp(argv[1], "--", 2) != 0) {
        return 2;
    }
    return vs_bench_handshake(argc, argv);
}
