#include "console_http.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llhttp.h"

typedef struct conn conn_t;

struct console_http {
    uv_loop_t *loop;
    uv_tcp_t server;
    uv_timer_t tick;
    vs_console_t *console;
    conn_t *conns;          /* every open connection, to close them at the end */
    int closing_handles;
    bool shutting;          /* console_http_close ran: the last close frees h */
};

struct conn {
    uv_tcp_t tcp;
    console_http_t *h;
    conn_t *next;
    llhttp_t parser;
    llhttp_settings_t settings;
    char url[2048];
    size_t url_len;
    size_t head_bytes;
    bool url_too_long;
    bool done;              /* a request was read: nothing more is parsed */
    bool closing;
    int sub;                /* live-feed subscription, or -1 */
};

typedef struct {
    uv_write_t req;
    conn_t *c;
    bool close_after;
    char data[];
} wreq_t;

static void s_on_close(uv_handle_t *hd)
{
    conn_t *c = hd->data;
    console_http_t *h = c->h;
    for (conn_t **p = &h->conns; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    free(c);
    if (h->shutting && --h->closing_handles == 0)
        free(h);
}

static void s_close(conn_t *c)
{
    if (c->closing)
        return;
    c->closing = true;
    if (c->sub >= 0) {
        vs_console_unsubscribe(c->h->console, c->sub);
        c->sub = -1;
    }
    uv_close((uv_handle_t *)&c->tcp, s_on_close);
}

static void s_on_write(uv_write_t *req, int status)
{
    wreq_t *w = (wreq_t *)req;
    if ((status < 0 || w->close_after) && !w->c->closing)
        s_close(w->c);
    free(w);
}

static void s_write(conn_t *c, const char *data, size_t len, bool close_after)
{
    if (c->closing)
        return;
    wreq_t *w = malloc(sizeof *w + len);
    if (!w) {
        s_close(c);
        return;
    }
    w->c = c;
    w->close_after = close_after;
    memcpy(w->data, data, len);
    uv_buf_t b = uv_buf_init(w->data, (unsigned)len);
    if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, s_on_write) != 0) {
        free(w);
        s_close(c);
    }
}

static const char *s_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Bad Gateway";
    }
}

static void s_respond(conn_t *c, int status, const char *type, const char *body, size_t len,
                      bool head_only)
{
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
                     "Connection: close\r\n\r\n", status, s_reason(status), type, len);
    s_write(c, head, (size_t)n, head_only || len == 0);
    if (!head_only && len)
        s_write(c, body, len, true);
}

/* --- the live feed's sink --------------------------------------------------------- */

static void s_sink_write(void *ctx, const char *data, size_t len) { s_write(ctx, data, len, false); }
static void s_sink_close(void *ctx)
{
    conn_t *c = ctx;
    c->sub = -1;   /* the console is going away: it forgot us already */
    s_close(c);
}

/* --- parsing ---------------------------------------------------------------------- */

static int s_on_url(llhttp_t *p, const char *at, size_t len)
{
    conn_t *c = p->data;
    if (c->url_len + len >= sizeof c->url) {
        c->url_too_long = true;
        return 0;
    }
    memcpy(c->url + c->url_len, at, len);
    c->url_len += len;
    c->url[c->url_len] = 0;
    return 0;
}

static int s_on_complete(llhttp_t *p)
{
    conn_t *c = p->data;
    c->done = true;
    if (c->url_too_long) {
        s_respond(c, 431, "text/plain", "URL too long\n", 13, false);
        return HPE_PAUSED;
    }
    const char *method = llhttp_method_name((llhttp_method_t)llhttp_get_method(p));
    char *q = strchr(c->url, '?');
    if (q)
        *q++ = 0;
    if (vs_console_is_stream(c->url) && !strcmp(method, "GET")) {
        static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                   "Cache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
        s_write(c, head, sizeof head - 1, false);
        vs_console_sink_t sink = { s_sink_write, s_sink_close, c };
        c->sub = vs_console_subscribe(c->h->console, &sink);
        if (c->sub < 0)
            s_close(c);
        return HPE_PAUSED;
    }
    vs_console_reply_t r;
    vs_console_handle(c->h->console, method, c->url, q, &r);
    s_respond(c, r.status, r.content_type, r.body ? r.body : "", r.body ? r.len : 0,
              !strcmp(method, "HEAD"));
    free(r.body);
    return HPE_PAUSED;
}

static void s_alloc(uv_handle_t *hd, size_t suggested, uv_buf_t *buf)
{
    (void)hd;
    (void)suggested;
    static char slab[8192];   /* the loop is single-threaded; read_cb consumes it at once */
    *buf = uv_buf_init(slab, sizeof slab);
}

static void s_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    conn_t *c = s->data;
    if (nread < 0) {
        s_close(c);
        return;
    }
    if (nread == 0 || c->done)
        return;   /* after the request, the client only waits (or closes) */
    c->head_bytes += (size_t)nread;
    if (c->head_bytes > CONSOLE_HTTP_MAX_HEAD) {
        c->done = true;
        s_respond(c, 431, "text/plain", "request too large\n", 18, false);
        return;
    }
    llhttp_errno_t e = llhttp_execute(&c->parser, buf->base, (size_t)nread);
    if (e != HPE_OK && e != HPE_PAUSED && !c->done) {
        c->done = true;
        s_respond(c, 400, "text/plain", "malformed HTTP request\n", 23, false);
    }
}

static void s_on_connection(uv_stream_t *server, int status)
{
    console_http_t *h = server->data;
    if (status < 0)
        return;
    conn_t *c = calloc(1, sizeof *c);
    if (!c)
        return;
    c->h = h;
    c->sub = -1;
    uv_tcp_init(h->loop, &c->tcp);
    c->tcp.data = c;
    c->next = h->conns;
    h->conns = c;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
        s_close(c);
        return;
    }
    llhttp_settings_init(&c->settings);
    c->settings.on_url = s_on_url;
    c->settings.on_message_complete = s_on_complete;
    llhttp_init(&c->parser, HTTP_REQUEST, &c->settings);
    c->parser.data = c;
    uv_read_start((uv_stream_t *)&c->tcp, s_alloc, s_on_read);
}

static void s_on_tick(uv_timer_t *t)
{
    console_http_t *h = t->data;
    vs_console_tick(h->console);
}

console_http_t *console_http_new(uv_loop_t *loop, const char *host, int port, vs_console_t *c,
                                 char *err, size_t errlen)
{
    struct sockaddr_in addr;
    if (uv_ip4_addr(host, port, &addr) != 0) {
        snprintf(err, errlen, "not an IPv4 address: %s", host);
        return NULL;
    }
    console_http_t *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    h->loop = loop;
    h->console = c;
    uv_tcp_init(loop, &h->server);
    h->server.data = h;
    int rc = uv_tcp_bind(&h->server, (const struct sockaddr *)&addr, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&h->server, 128, s_on_connection);
    if (rc != 0) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", host, port, uv_strerror(rc));
        uv_close((uv_handle_t *)&h->server, NULL);
        uv_run(loop, UV_RUN_NOWAIT);
        free(h);
        return NULL;
    }
    uv_timer_init(loop, &h->tick);
    h->tick.data = h;
    uv_timer_start(&h->tick, s_on_tick, 500, 500);
    return h;
}

static void s_on_handle_closed(uv_handle_t *hd)
{
    console_http_t *h = hd->data;
    if (--h->closing_handles == 0)
        free(h);
}

void console_http_close(console_http_t **hp)
{
    if (!hp || !*hp)
        return;
    console_http_t *h = *hp;
    /* Every connection in the list will call s_on_close once, whether it
     * was closing already or is closed now. */
    h->shutting = true;
    h->closing_handles = 2;
    for (conn_t *c = h->conns; c; c = c->next) {
        h->closing_handles++;
        s_close(c);
    }
    uv_close((uv_handle_t *)&h->server, s_on_handle_closed);
    uv_close((uv_handle_t *)&h->tick, s_on_handle_closed);
    *hp = NULL;
}
