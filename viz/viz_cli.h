/* viz_cli: `vpcsim trace` and `vpcsim topology` (CONTRACT.md):
 *
 *   vpcsim trace PCX_ID [--format text|mermaid|svg] [--follow]
 *   vpcsim topology [--format dot|svg|json]
 *
 * Both act as the caller's account (--account/--region or their
 * fallbacks). SVG of the topology is drawn by Graphviz's `dot` program.
 */
#ifndef VS_VIZ_CLI_H
#define VS_VIZ_CLI_H

#include "globals.h"

int cli_trace_main(const cli_globals_t *g, int argc, char **argv);
int cli_topology_main(const cli_globals_t *g, int argc, char **argv);

/* Runs `dot -Tsvg` on dot_text and returns its output, malloc'd; NULL with
 * *err (malloc'd, for stderr) when Graphviz is missing or fails. */
char *viz_dot_to_svg(const char *dot_text, char **err);

#endif
