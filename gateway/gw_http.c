/* gw_http: HTTP/1.1 on libuv + llhttp (see gw_http.h). */
#include "gw_http.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gw_buf.h"
#include "llhttp.h"

typedef struct {
    size_t name_off, name_len, val_off, val_len;
} s_hdr_t;

struct gw_http_conn {
    uv_tcp_t tcp;
    gw_http_t *srv;
    gw_http_conn_t *prev, *next;
    llhttp_t parser;
    gw_buf_t in;              /* bytes read but not yet parsed */
    size_t in_off;
    gw_buf_t url, heads, body;
    s_hdr_t hdrs[GW_HTTP_MAX_HEADERS];
    size_t nhdr;
    bool last_was_value;
    gw_header_t view[GW_HTTP_MAX_HEADERS];
    gw_http_req_t req;
    char method[16];
    int fail_status;          /* set by a callback to answer an error */
    const char *fail_code, *fail_msg;
    bool busy;                /* a request was handed out and is not answered yet */
    bool stopped;             /* an HTTP-level error: nothing more is parsed */
    bool keep_alive;
    bool closing;             /* tcp handle close requested */
    bool closed;              /* tcp handle closed */
    bool reading;
    bool streaming;           /* gw_http_stream_begin ran; gone not yet called */
    bool stream_ended;        /* the last chunk is written or the stream is dropped */
    gw_http_gone_cb gone;
    void *gone_ctx;
    uint64_t last_ms;         /* loop time of the last bytes read */
};

struct gw_http {
    uv_tcp_t listener;
    uv_loop_t *loop;
    gw_http_request_cb on_request;
    gw_http_error_cb on_error;
    void *ctx;
    gw_http_conn_t *conns;
    size_t nconns;
    bool closing;
    bool listener_closed;
    bool idle_closed;
    uv_timer_t idle;          /* closes idle and stalled connections */
    uint64_t idle_ms;
};

static void s_conn_close(gw_http_conn_t *c);
static void s_process(gw_http_conn_t *c);
static void s_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

/* --- llhttp callbacks ----------------------------------------------------- */

static gw_http_conn_t *s_conn(llhttp_t *p)
{
    return p->data;
}

static int s_fail(gw_http_conn_t *c, int status, const char *code, const char *msg)
{
    c->fail_status = status;
    c->fail_code = code;
    c->fail_msg = msg;
    return -1;
}

static bool s_head_too_big(gw_http_conn_t *c, size_t more)
{
    return c->url.len + c->heads.len + more > GW_HTTP_MAX_HEAD;
}

static int s_on_message_begin(llhttp_t *p)
{
    gw_http_conn_t *c = s_conn(p);
    gw_buf_reset(&c->url);
    gw_buf_reset(&c->heads);
    gw_buf_reset(&c->body);
    c->nhdr = 0;
    c->last_was_value = false;
    return 0;
}

static int s_on_url(llhttp_t *p, const char *at, size_t len)
{
    gw_http_conn_t *c = s_conn(p);
    if (s_head_too_big(c, len))
        return s_fail(c, 431, "RequestHeaderFieldsTooLarge", "The request line and headers are too large.");
    gw_buf_add(&c->url, at, len);
    return 0;
}

static int s_on_header_field(llhttp_t *p, const char *at, size_t len)
{
    gw_http_conn_t *c = s_conn(p);
    if (s_head_too_big(c, len + 2))
        return s_fail(c, 431, "RequestHeaderFieldsTooLarge", "The request line and headers are too large.");
    if (c->nhdr == 0 || c->last_was_value) {
        if (c->nhdr == GW_HTTP_MAX_HEADERS)
            return s_fail(c, 431, "RequestHeaderFieldsTooLarge", "The request has too many headers.");
        s_hdr_t *h = &c->hdrs[c->nhdr++];
        memset(h, 0, sizeof *h);
        h->name_off = c->heads.len;
        h->val_off = (size_t)-1;
        c->last_was_value = false;
    }
    gw_buf_add(&c->heads, at, len);
    c->hdrs[c->nhdr - 1].name_len += len;
    return 0;
}

static int s_on_header_field_complete(llhttp_t *p)
{
    gw_buf_addc(&s_conn(p)->heads, '\0');
    return 0;
}

static int s_on_header_value(llhttp_t *p, const char *at, size_t len)
{
    gw_http_conn_t *c = s_conn(p);
    if (s_head_too_big(c, len + 2))
        return s_fail(c, 431, "RequestHeaderFieldsTooLarge", "The request line and headers are too large.");
    s_hdr_t *h = &c->hdrs[c->nhdr - 1];
    if (!c->last_was_value) {
        h->val_off = c->heads.len;
        c->last_was_value = true;
    }
    gw_buf_add(&c->heads, at, len);
    h->val_len += len;
    return 0;
}

static int s_on_header_value_complete(llhttp_t *p)
{
    gw_http_conn_t *c = s_conn(p);
    s_hdr_t *h = &c->hdrs[c->nhdr - 1];
    if (!c->last_was_value) {          /* empty value: no on_header_value call */
        h->val_off = c->heads.len;
        c->last_was_value = true;
    }
    gw_buf_addc(&c->heads, '\0');
    return 0;
}

static int s_on_headers_complete(llhttp_t *p)
{
    gw_http_conn_t *c = s_conn(p);
    if ((p->flags & F_CONTENT_LENGTH) && p->content_length > GW_HTTP_MAX_BODY)
        return s_fail(c, 413, "RequestEntityTooLarge",
                      "The request body is larger than the 1 MiB the gateway accepts.");
    return 0;
}

static int s_on_body(llhttp_t *p, const char *at, size_t len)
{
    gw_http_conn_t *c = s_conn(p);
    if (c->body.len + len > GW_HTTP_MAX_BODY)
        return s_fail(c, 413, "RequestEntityTooLarge",
                      "The request body is larger than the 1 MiB the gateway accepts.");
    gw_buf_add(&c->body, at, len);
    return 0;
}

static int s_on_message_complete(llhttp_t *p)
{
    gw_http_conn_t *c = s_conn(p);
    if (c->url.oom || c->heads.oom || c->body.oom)
        return s_fail(c, 500, "InternalError", "out of memory");
    gw_buf_adds(&c->url, "");
    gw_buf_adds(&c->body, "");
    for (size_t i = 0; i < c->nhdr; i++) {
        char *name = c->heads.data + c->hdrs[i].name_off;
        for (char *q = name; *q; q++)
            *q = (char)tolower((unsigned char)*q);
        c->view[i].name = name;
        c->view[i].value = c->hdrs[i].val_off == (size_t)-1 ? "" : c->heads.data + c->hdrs[i].val_off;
    }
    snprintf(c->method, sizeof c->method, "%s", llhttp_method_name((llhttp_method_t)p->method));
    c->req = (gw_http_req_t){
        .method = c->method, .target = c->url.data, .headers = c->view, .nheaders = c->nhdr,
        .body = (const uint8_t *)c->body.data, .body_len = c->body.len,
    };
    c->keep_alive = llhttp_should_keep_alive(p);
    c->busy = true;
    return HPE_PAUSED;        /* parse nothing more until this one is answered */
}

static const llhttp_settings_t s_settings = {
    .on_message_begin = s_on_message_begin,
    .on_url = s_on_url,
    .on_header_field = s_on_header_field,
    .on_header_value = s_on_header_value,
    .on_header_field_complete = s_on_header_field_complete,
    .on_header_value_complete = s_on_header_value_complete,
    .on_headers_complete = s_on_headers_complete,
    .on_body = s_on_body,
    .on_message_complete = s_on_message_complete,
};

/* --- writing -------------------------------------------------------------- */

typedef struct {
    uv_write_t req;
    gw_http_conn_t *conn;
    char *data;
    bool close_after;
} s_write_t;

static const char *s_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Unknown";
    }
}

static void s_after_write(uv_write_t *w, int status)
{
    s_write_t *sw = (s_write_t *)w;
    gw_http_conn_t *c = sw->conn;
    bool close_after = sw->close_after || status < 0;
    free(sw->data);
    free(sw);
    if (close_after) {
        s_conn_close(c);
        return;
    }
    s_process(c);
}

static void s_write_buf(gw_http_conn_t *c, gw_buf_t *b, bool close_after);

static void s_date(char *date, size_t cap)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, cap, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static void s_send(gw_http_conn_t *c, int status, const char *content_type, const char *extra,
                   const char *body, size_t len, bool close_after)
{
    char date[64];
    s_date(date, sizeof date);
    gw_buf_t b;
    gw_buf_init(&b);
    gw_buf_printf(&b,
                  "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nDate: %s\r\n"
                  "Server: vpcsim-gateway\r\n%s%s\r\n",
                  status, s_reason(status), content_type, len, date, extra ? extra : "",
                  close_after ? "Connection: close\r\n" : "");
    gw_buf_add(&b, body, len);
    s_write_buf(c, &b, close_after);
}

/* Writes b's bytes (taken from b) to c. */
static void s_write_buf(gw_http_conn_t *c, gw_buf_t *b, bool close_after)
{
    s_write_t *sw = calloc(1, sizeof *sw);
    size_t n = 0;
    char *data = gw_buf_take(b, &n);
    if (!sw || !data) {
        free(sw);
        free(data);
        s_conn_close(c);
        return;
    }
    sw->conn = c;
    sw->data = data;
    sw->close_after = close_after;
    uv_buf_t ub = uv_buf_init(data, (unsigned)n);
    if (uv_write(&sw->req, (uv_stream_t *)&c->tcp, &ub, 1, s_after_write) != 0) {
        free(data);
        free(sw);
        s_conn_close(c);
    }
}

void gw_http_respond(gw_http_conn_t *c, int status, const char *content_type,
                     const char *extra_headers, const char *body, size_t len)
{
    c->busy = false;
    if (c->closing) {            /* the peer left while we worked: drop the answer */
        s_conn_close(c);
        return;
    }
    bool close_after = !c->keep_alive || c->srv->closing;
    s_send(c, status, content_type, extra_headers, body, len, close_after);
}

/* An error found by the HTTP layer itself: answer it and close. */
static void s_send_error(gw_http_conn_t *c, int status, const char *code, const char *msg)
{
    size_t len = 0;
    char *body = c->srv->on_error ? c->srv->on_error(c->srv->ctx, status, code, msg, &len) : NULL;
    s_send(c, status, "text/xml;charset=UTF-8", NULL, body ? body : "", body ? len : 0, true);
    free(body);
}

/* --- reading -------------------------------------------------------------- */

static void s_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    gw_http_conn_t *c = h->data;
    size_t want = 64u << 10;
    /* Read into the tail of the input buffer. */
    gw_buf_t *in = &c->in;
    if (in->cap < in->len + want + 1) {
        size_t cap = in->len + want + 1;
        char *p = realloc(in->data, cap);
        if (!p) {
            *buf = uv_buf_init(NULL, 0);
            return;
        }
        in->data = p;
        in->cap = cap;
    }
    *buf = uv_buf_init(in->data + in->len, (unsigned)want);
}

/* Feeds buffered input to the parser until a request is complete (then
 * hands it out and waits for the answer) or the input is used up. */
static void s_process(gw_http_conn_t *c)
{
    while (!c->busy && !c->stopped && !c->closing) {
        size_t avail = c->in.len - c->in_off;
        if (avail == 0) {
            c->in.len = c->in_off = 0;
            if (!c->reading && uv_read_start((uv_stream_t *)&c->tcp, s_alloc, s_on_read) == 0)
                c->reading = true;
            return;
        }
        const char *start = c->in.data + c->in_off;
        llhttp_errno_t e = llhttp_execute(&c->parser, start, avail);
        if (e == HPE_OK) {
            c->in_off += avail;
            continue;
        }
        if (e == HPE_PAUSED) {
            const char *pos = llhttp_get_error_pos(&c->parser);
            c->in_off += pos ? (size_t)(pos - start) : avail;
            llhttp_resume(&c->parser);
            if (c->reading) {
                uv_read_stop((uv_stream_t *)&c->tcp);
                c->reading = false;
            }
            c->srv->on_request(c->srv->ctx, c, &c->req);
            return;        /* on_request may have answered and re-entered s_process */
        }
        if (c->reading) {
            uv_read_stop((uv_stream_t *)&c->tcp);
            c->reading = false;
        }
        c->stopped = true;    /* answered below, then closed */
        if (c->fail_status)
            s_send_error(c, c->fail_status, c->fail_code, c->fail_msg);
        else
            s_send_error(c, 400, "MalformedHTTPRequest", "The request is not valid HTTP/1.1.");
        return;
    }
}

static void s_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    gw_http_conn_t *c = s->data;
    if (nread < 0) {
        s_conn_close(c);
        return;
    }
    c->last_ms = uv_now(c->srv->loop);
    if (c->streaming) {         /* only to see the client go: drop what it sends */
        c->in.len = c->in_off = 0;
        return;
    }
    c->in.len += (size_t)nread;
    s_process(c);
}

/* --- connections ---------------------------------------------------------- */

static void s_conn_free(gw_http_conn_t *c)
{
    gw_http_t *h = c->srv;
    if (c->prev)
        c->prev->next = c->next;
    else
        h->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    h->nconns--;
    gw_buf_free(&c->in);
    gw_buf_free(&c->url);
    gw_buf_free(&c->heads);
    gw_buf_free(&c->body);
    free(c);
}

static void s_server_maybe_free(gw_http_t *h)
{
    if (h->closing && h->listener_closed && h->idle_closed && h->nconns == 0)
        free(h);
}

static void s_on_idle_tick(uv_timer_t *t)
{
    gw_http_t *h = t->data;
    uint64_t now = uv_now(h->loop);
    for (gw_http_conn_t *c = h->conns, *next; c; c = next) {
        next = c->next;
        if (!c->busy && !c->closing && now - c->last_ms >= h->idle_ms)
            s_conn_close(c);
    }
}

static void s_on_conn_closed(uv_handle_t *hd)
{
    gw_http_conn_t *c = hd->data;
    gw_http_t *h = c->srv;
    c->closed = true;
    if (c->streaming) {         /* the stream's owner lets go of c now */
        c->streaming = false;
        c->busy = false;
        c->gone(c->gone_ctx);
    }
    if (!c->busy) {
        s_conn_free(c);
        s_server_maybe_free(h);
    }
}

static void s_conn_close(gw_http_conn_t *c)
{
    if (c->closed && !c->busy) {
        gw_http_t *h = c->srv;
        s_conn_free(c);
        s_server_maybe_free(h);
        return;
    }
    if (c->closing)
        return;
    c->closing = true;
    uv_close((uv_handle_t *)&c->tcp, s_on_conn_closed);
}

static void s_on_connection(uv_stream_t *server, int status)
{
    gw_http_t *h = server->data;
    if (status < 0)
        return;
    gw_http_conn_t *c = calloc(1, sizeof *c);
    if (!c)
        return;
    c->srv = h;
    uv_tcp_init(h->loop, &c->tcp);
    c->tcp.data = c;
    c->next = h->conns;
    if (h->conns)
        h->conns->prev = c;
    h->conns = c;
    h->nconns++;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0 || h->nconns > GW_HTTP_MAX_CONNS) {
        s_conn_close(c);
        return;
    }
    uv_tcp_nodelay(&c->tcp, 1);
    c->last_ms = uv_now(h->loop);
    llhttp_init(&c->parser, HTTP_REQUEST, &s_settings);
    c->parser.data = c;
    if (uv_read_start((uv_stream_t *)&c->tcp, s_alloc, s_on_read) == 0)
        c->reading = true;
    else
        s_conn_close(c);
}

gw_http_t *gw_http_new(uv_loop_t *loop, const char *host, int port, gw_http_request_cb on_request,
                       gw_http_error_cb on_error, void *ctx, char *err, size_t errlen)
{
    struct sockaddr_storage addr;
    if (uv_ip4_addr(host, port, (struct sockaddr_in *)&addr) != 0 &&
        uv_ip6_addr(host, port, (struct sockaddr_in6 *)&addr) != 0) {
        snprintf(err, errlen, "\"%s\" is not an IP address", host);
        return NULL;
    }
    gw_http_t *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    h->loop = loop;
    h->idle_ms = GW_HTTP_IDLE_MS;
    h->on_request = on_request;
    h->on_error = on_error;
    h->ctx = ctx;
    uv_tcp_init(loop, &h->listener);
    h->listener.data = h;
    int rc = uv_tcp_bind(&h->listener, (const struct sockaddr *)&addr, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&h->listener, 511, s_on_connection);
    if (rc == 0) {
        uv_timer_init(loop, &h->idle);
        h->idle.data = h;
        uv_timer_start(&h->idle, s_on_idle_tick, 250, 250);
    }
    if (rc != 0) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", host, port, uv_strerror(rc));
        h->closing = true;
        uv_close((uv_handle_t *)&h->listener, NULL);
        /* The handle is freed by the loop; the struct is leaked only until
         * the process exits, which it does on this error. */
        return NULL;
    }
    return h;
}

static void s_on_listener_closed(uv_handle_t *hd)
{
    gw_http_t *h = hd->data;
    h->listener_closed = true;
    s_server_maybe_free(h);
}

static void s_on_idle_closed(uv_handle_t *hd)
{
    gw_http_t *h = hd->data;
    h->idle_closed = true;
    s_server_maybe_free(h);
}

void gw_http_close(gw_http_t **hp)
{
    if (!hp || !*hp)
        return;
    gw_http_t *h = *hp;
    *hp = NULL;
    h->closing = true;
    for (gw_http_conn_t *c = h->conns, *next; c; c = next) {
        next = c->next;
        s_conn_close(c);
    }
    uv_timer_stop(&h->idle);
    uv_close((uv_handle_t *)&h->idle, s_on_idle_closed);
    uv_close((uv_handle_t *)&h->listener, s_on_listener_closed);
}

int gw_http_stream_begin(gw_http_conn_t *c, int status, const char *content_type,
                         const char *extra_headers, gw_http_gone_cb gone, void *ctx)
{
    if (c->closing) {            /* the peer left while we worked */
        c->busy = false;
        s_conn_close(c);
        return -1;
    }
    c->streaming = true;
    c->gone = gone;
    c->gone_ctx = ctx;
    char date[64];
    s_date(date, sizeof date);
    gw_buf_t b;
    gw_buf_init(&b);
    gw_buf_printf(&b,
                  "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n"
                  "Date: %s\r\nServer: vpcsim-gateway\r\n%s\r\n",
                  status, s_reason(status), content_type, date, extra_headers ? extra_headers : "");
    s_write_buf(c, &b, false);
    /* Read again, only to learn when the client goes. */
    c->in.len = c->in_off = 0;
    if (!c->closing && !c->reading &&
        uv_read_start((uv_stream_t *)&c->tcp, s_alloc, s_on_read) == 0)
        c->reading = true;
    return 0;
}

void gw_http_stream_write(gw_http_conn_t *c, const char *data, size_t len)
{
    if (!c->streaming || c->stream_ended || c->closing || len == 0)
        return;
    if (c->tcp.write_queue_size > GW_HTTP_MAX_STREAM_QUEUE) {
        c->stream_ended = true;   /* a client that does not read: let it go */
        s_conn_close(c);
        return;
    }
    gw_buf_t b;
    gw_buf_init(&b);
    gw_buf_printf(&b, "%zx\r\n", len);
    gw_buf_add(&b, data, len);
    gw_buf_adds(&b, "\r\n");
    s_write_buf(c, &b, false);
}

void gw_http_stream_end(gw_http_conn_t *c)
{
    if (!c->streaming || c->stream_ended || c->closing)
        return;
    c->stream_ended = true;
    gw_buf_t b;
    gw_buf_init(&b);
    gw_buf_adds(&b, "0\r\n\r\n");
    s_write_buf(c, &b, true);
}

void gw_http_set_idle_timeout(gw_http_t *h, uint64_t ms)
{
    if (h && ms > 0)
        h->idle_ms = ms;
}

size_t gw_http_conn_count(const gw_http_t *h)
{
    return h ? h->nconns : 0;
}
