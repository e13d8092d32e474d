/* gw_http: an HTTP/1.1 server on libuv with llhttp as the parser.
 * Keep-alive, many connections at once, one request at a time per
 * connection (the next one is parsed only once the previous answer is
 * written, so a pipelining client cannot queue unbounded work), bounded
 * request line + headers and body with an XML error past them (431, 413),
 * malformed HTTP answered with 400 and the connection closed, and idle or
 * stalled connections (no bytes for GW_HTTP_IDLE_MS) closed.
 *
 * The server hands each complete request to on_request with a connection
 * handle; the owner answers later (possibly after an asynchronous call)
 * with gw_http_respond(). A connection whose peer went away stays valid
 * until it is answered (the answer is then dropped), so callers never hold
 * a dangling handle.
 */
#ifndef GW_HTTP_H
#define GW_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "gw_api.h"

#define GW_HTTP_MAX_HEAD    (32u << 10)   /* request line + headers */
#define GW_HTTP_MAX_HEADERS 100
#define GW_HTTP_MAX_BODY    (1u << 20)    /* form bodies are < 1 KiB in practice */
#define GW_HTTP_MAX_CONNS   4096
#define GW_HTTP_IDLE_MS     60000         /* default: a connection silent this long is
                                             closed (unless it waits for our answer) */

typedef struct gw_http gw_http_t;
typedef struct gw_http_conn gw_http_conn_t;

/* req and everything it points to are valid until gw_http_respond(conn). */
typedef void (*gw_http_request_cb)(void *ctx, gw_http_conn_t *conn, const gw_http_req_t *req);
/* Renders a transport-level error (oversize, malformed) as a body the
 * clients understand; returns a malloc'd body (caller frees) or NULL. */
typedef char *(*gw_http_error_cb)(void *ctx, int status, const char *code, const char *message,
                                  size_t *len);

/* Listens on host:port (an IPv4 or IPv6 literal). NULL with err on failure. */
gw_http_t *gw_http_new(uv_loop_t *loop, const char *host, int port, gw_http_request_cb on_request,
                       gw_http_error_cb on_error, void *ctx, char *err, size_t errlen);
/* Stops listening and closes every connection; frees once all handles are
 * closed (run the loop). Pending requests are answered into the void. */
void gw_http_close(gw_http_t **h);

/* Sends the answer to the connection's current request and goes on with
 * the next one. body is copied. extra_headers: "Name: value\r\n" lines or NULL. */
void gw_http_respond(gw_http_conn_t *conn, int status, const char *content_type,
                     const char *extra_headers, const char *body, size_t len);

/* A streaming answer (server-sent events): the status line and headers
 * now, with Transfer-Encoding: chunked and no Content-Length, then each
 * gw_http_stream_write as one chunk as it comes. The connection is read
 * meanwhile only to see the client go (what it sends is discarded), is not
 * closed for being idle, and is closed if the client reads so slowly that
 * more than GW_HTTP_MAX_STREAM_QUEUE bytes wait to be written.
 *
 * Returns 0, and then gone(ctx) is called exactly once, when the
 * connection is done (the client left, a write failed, gw_http_stream_end,
 * or the server closed); conn must not be used after that. Returns -1 when
 * the client already left (conn is released then; gone is never called). */
#define GW_HTTP_MAX_STREAM_QUEUE (1u << 20)
typedef void (*gw_http_gone_cb)(void *ctx);
int gw_http_stream_begin(gw_http_conn_t *conn, int status, const char *content_type,
                         const char *extra_headers, gw_http_gone_cb gone, void *ctx);
/* Sends data as one chunk (copied); ignored once the stream is ending. */
void gw_http_stream_write(gw_http_conn_t *conn, const char *data, size_t len);
/* Ends the stream (the last chunk) and closes the connection. */
void gw_http_stream_end(gw_http_conn_t *conn);

/* Sets the idle timeout (ms > 0; default GW_HTTP_IDLE_MS). */
void gw_http_set_idle_timeout(gw_http_t *h, uint64_t ms);

/* Connections currently open. */
size_t gw_http_conn_count(const gw_http_t *h);

#endif
