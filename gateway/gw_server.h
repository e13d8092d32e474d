/* gw_server: the gateway process's parts wired together: the HTTP server
 * (gw_http), the sans-IO request handler (gw_api), the broker
 * connections (gw_upstream) and the console under /console/ (gw_console).
 * Stops on SIGTERM/SIGINT.
 */
#ifndef GW_SERVER_H
#define GW_SERVER_H

#include <uv.h>

#include "gw_creds.h"

typedef struct {
    const char *host;          /* "127.0.0.1" */
    int port;                  /* 4566 */
    const char *broker;        /* "tcp://127.0.0.1:5555" */
    const char *keys_dir;      /* the cluster keyring (copied), or NULL for an open broker */
    gw_creds_t *creds;         /* owned by the server from now on; NULL: 12-digit key ids */
    double timeout_s;          /* how long to wait for an agent */
    double idle_s;             /* close connections silent this long (0: default 60) */
} gw_server_opts_t;

typedef struct gw_server gw_server_t;

/* NULL with err when the port cannot be bound or the broker endpoint is
 * invalid (creds are freed then too). */
gw_server_t *gw_server_new(uv_loop_t *loop, gw_server_opts_t *opts, char *err, size_t errlen);
/* Closes everything; run the loop afterwards to release the handles. */
void gw_server_destroy(gw_server_t **s);

#endif
