/* gw_console: the console under /console/ (see gw_console.h). */
#include "gw_console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "log.h"

struct gw_console {
    uv_timer_t tick;
    vs_console_t *console;     /* NULL: could not start (why says why) */
    char why[512];
};

/* One live stream: freed when gw_http says the connection is gone. */
typedef struct {
    gw_console_t *gc;          /* NULL once the console ended the stream */
    gw_http_conn_t *conn;
    int sub;                   /* subscription id, or -1 */
} s_stream_t;

#define S_HEADERS "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"

static void s_on_tick(uv_timer_t *t)
{
    gw_console_t *gc = t->data;
    if (gc->console)
        vs_console_tick(gc->console);
}

gw_console_t *gw_console_new(uv_loop_t *loop, const char *broker, const char *keys_dir,
                             double timeout_s)
{
    gw_console_t *gc = calloc(1, sizeof *gc);
    if (!gc)
        return NULL;
    char *err = NULL;
    double t = timeout_s > 0 && timeout_s < GW_CONSOLE_TIMEOUT_S ? timeout_s : GW_CONSOLE_TIMEOUT_S;
    gc->console = vs_console_new(broker, keys_dir, t, &err);
    if (!gc->console) {
        /* err is a CLI error text, between newlines. */
        const char *e = err ? err : "out of memory";
        while (*e == '\n' || *e == '\r')
            e++;
        snprintf(gc->why, sizeof gc->why, "the console cannot start: %s", e);
        size_t n = strlen(gc->why);
        while (n > 0 && (gc->why[n - 1] == '\n' || gc->why[n - 1] == '\r'))
            gc->why[--n] = '\0';
        VS_WARN("%s", gc->why);
    }
    free(err);
    uv_timer_init(loop, &gc->tick);
    gc->tick.data = gc;
    uv_timer_start(&gc->tick, s_on_tick, 500, 500);
    return gc;
}

const char *gw_console_error(const gw_console_t *gc)
{
    return gc->console ? NULL : gc->why;
}

bool gw_console_serves(const char *target)
{
    return strncmp(target, "/console", 8) == 0 &&
           (target[8] == '\0' || target[8] == '/' || target[8] == '?');
}

/* --- the live feed -------------------------------------------------------- */

static void s_sink_write(void *ctx, const char *data, size_t len)
{
    s_stream_t *st = ctx;
    gw_http_stream_write(st->conn, data, len);
}

/* The console is going away (gw_console_destroy): it forgot us already. */
static void s_sink_close(void *ctx)
{
    s_stream_t *st = ctx;
    st->sub = -1;
    st->gc = NULL;
    gw_http_stream_end(st->conn);
}

static void s_stream_gone(void *ctx)
{
    s_stream_t *st = ctx;
    if (st->gc && st->gc->console && st->sub >= 0)
        vs_console_unsubscribe(st->gc->console, st->sub);
    free(st);
}

static void s_stream(gw_console_t *gc, gw_http_conn_t *conn)
{
    s_stream_t *st = calloc(1, sizeof *st);
    if (!st) {
        gw_http_respond(conn, 500, "text/plain", S_HEADERS, "out of memory\n", 14);
        return;
    }
    st->gc = gc;
    st->conn = conn;
    st->sub = -1;
    if (gw_http_stream_begin(conn, 200, "text/event-stream", S_HEADERS, s_stream_gone, st) != 0) {
        free(st);
        return;
    }
    vs_console_sink_t sink = { s_sink_write, s_sink_close, st };
    st->sub = vs_console_subscribe(gc->console, &sink);
    if (st->sub < 0) {
        /* Too many watchers: say so in the stream, then end it. */
        static const char msg[] = "event: error\ndata: too many live console subscribers\n\n";
        gw_http_stream_write(conn, msg, sizeof msg - 1);
        gw_http_stream_end(conn);
    }
}

/* --- requests ------------------------------------------------------------- */

void gw_console_request(gw_console_t *gc, gw_http_conn_t *conn, const gw_http_req_t *req)
{
    const char *target = req->target;
    const char *q = strchr(target, '?');
    size_t plen = q ? (size_t)(q - target) : strlen(target);
    if (plen == 8) {             /* "/console": the page's relative links need the slash */
        gw_http_respond(conn, 301, "text/plain", "Location: /console/\r\n" S_HEADERS,
                        "see /console/\n", 14);
        return;
    }
    if (!gc->console) {
        gw_http_respond(conn, 503, "text/plain", S_HEADERS, gc->why, strlen(gc->why));
        return;
    }
    char *path = strndup(target, plen);
    if (!path) {
        gw_http_respond(conn, 500, "text/plain", S_HEADERS, "out of memory\n", 14);
        return;
    }
    if (vs_console_is_stream(path) && strcmp(req->method, "GET") == 0) {
        free(path);
        s_stream(gc, conn);
        return;
    }
    vs_console_reply_t r;
    vs_console_handle(gc->console, req->method, path, q ? q + 1 : NULL, &r);
    free(path);
    /* HEAD: the headers alone (an empty body keeps the connection's framing). */
    bool head = strcmp(req->method, "HEAD") == 0;
    gw_http_respond(conn, r.status, r.content_type, S_HEADERS, r.body && !head ? r.body : "",
                    r.body && !head ? r.len : 0);
    free(r.body);
}

static void s_on_timer_closed(uv_handle_t *h)
{
    free(h->data);
}

void gw_console_destroy(gw_console_t **gcp)
{
    if (!gcp || !*gcp)
        return;
    gw_console_t *gc = *gcp;
    *gcp = NULL;
    /* Ends every stream (s_sink_close), so no stream refers to gc after. */
    vs_console_destroy(&gc->console);
    uv_timer_stop(&gc->tick);
    uv_close((uv_handle_t *)&gc->tick, s_on_timer_closed);
}
