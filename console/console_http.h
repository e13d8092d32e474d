/* console_http: the smallest HTTP/1.1 server that serves the console
 * (console.h) on its own port, for `vpcsim console --listen` while the
 * gateway (issue 8) does not mount it: libuv for the sockets, llhttp
 * (Debian's node-llhttp sources) for parsing. GET only, one request per
 * connection (answered with Connection: close), except the live feed,
 * which stays open as a server-sent-event stream.
 */
#ifndef VS_CONSOLE_HTTP_H
#define VS_CONSOLE_HTTP_H

#include <stddef.h>
#include <uv.h>

#include "console.h"

#define CONSOLE_HTTP_MAX_HEAD (16u << 10)   /* request line and headers */

typedef struct console_http console_http_t;

/* Listens on host:port (an IPv4 literal) and serves c (borrowed) until
 * closed; ticks the live feed every 500 ms. NULL with err on failure. */
console_http_t *console_http_new(uv_loop_t *loop, const char *host, int port, vs_console_t *c,
                                 char *err, size_t errlen);
/* Stops listening and closes every connection; run the loop afterwards. */
void console_http_close(console_http_t **h);

#endif
