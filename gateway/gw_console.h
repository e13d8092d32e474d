/* gw_console: the live web console (console/console.h) mounted under
 * /console/ on the gateway's port, as CONTRACT.md pins it
 * (http://127.0.0.1:4566/console/). Plain requests go through
 * vs_console_handle; /console/api/stream is answered as server-sent events
 * over a streaming response (gw_http_stream_*), fed by vs_console_tick
 * every 500 ms. "/console" is redirected to "/console/". The gateway mounts
 * it beside the EC2 Query API; `vpcsim console` serves it alone.
 *
 * The console observes every account: with a keyring it needs the admin
 * key and each account's client key (what `vpcsim keys init` writes). Its
 * calls to the cluster block the loop (a few milliseconds on loopback), so
 * they get a short timeout of their own (GW_CONSOLE_TIMEOUT_S at most).
 *
 * Ownership: the mount owns the console, its timer and one small record
 * per live stream; the streams end when the mount is destroyed.
 */
#ifndef GW_CONSOLE_H
#define GW_CONSOLE_H

#include <stdbool.h>
#include <uv.h>

#include "gw_http.h"

#define GW_CONSOLE_TIMEOUT_S 2.0

typedef struct gw_console gw_console_t;

/* Never NULL unless out of memory: if the console cannot start, the mount
 * answers 503 with the reason (and the gateway goes on serving the API). */
gw_console_t *gw_console_new(uv_loop_t *loop, const char *broker, const char *keys_dir,
                             double timeout_s);
/* Why the console could not start, or NULL when it runs. */
const char *gw_console_error(const gw_console_t *gc);
/* True for "/console" and anything under "/console/" (target may carry a query). */
bool gw_console_serves(const char *target);
/* Answers req on conn (now, or as a stream). */
void gw_console_request(gw_console_t *gc, gw_http_conn_t *conn, const gw_http_req_t *req);
/* Ends every stream and stops the timer; run the loop afterwards. */
void gw_console_destroy(gw_console_t **gc);

#endif
