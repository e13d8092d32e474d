/* console_cli: `vpcsim console [--listen 127.0.0.1:4566]`: serves the live
 * console (console.h) on its own port until SIGINT/SIGTERM, for when the
 * gateway does not serve it (on the gateway's HTTP server, gw_http, and its
 * console mount, gw_console). The page is http://HOST:PORT/console/. */
#ifndef VS_CONSOLE_CLI_H
#define VS_CONSOLE_CLI_H

#include "globals.h"

int cli_console_main(const cli_globals_t *g, int argc, char **argv);

#endif
