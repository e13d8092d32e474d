/* gw_server: HTTP -> gw_api -> broker -> gw_api -> HTTP (see gw_server.h). */
#include "gw_server.h"

#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gw_api.h"
#include "gw_buf.h"
#include "gw_console.h"
#include "gw_http.h"
#include "gw_upstream.h"
#include "gw_xml.h"
#include "log.h"

struct gw_server {
    uv_loop_t *loop;
    gw_http_t *http;
    gw_upstream_t *up;
    gw_console_t *console;
    gw_creds_t *creds;
    bool keyed;                /* --keys: each account's client key */
    double timeout_s;
    uv_signal_t sigterm, sigint;
    int closed_handles;
};

/* One request being answered. */
typedef struct {
    gw_server_t *srv;
    gw_http_conn_t *conn;
    gw_api_result_t res;
    char request_id[37];
} s_call_t;

static void s_uuid(char out[37])
{
    uint8_t b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

static void s_answer(s_call_t *call)
{
    char extra[96];
    snprintf(extra, sizeof extra, "x-amzn-RequestId: %s\r\n", call->request_id);
    gw_http_respond(call->conn, call->res.status, "text/xml;charset=UTF-8", extra, call->res.body,
                    call->res.body_len);
    VS_DEBUG("%s %s/%s -> %d (%s)", call->res.op ? call->res.op->name : "-",
             call->res.account[0] ? call->res.account : "-", call->res.region[0] ? call->res.region : "-",
             call->res.status, call->request_id);
    gw_api_result_clear(&call->res);
    free(call);
}

static void s_fail(s_call_t *call, int status, const char *code, const char *fmt, const char *a,
                   const char *b)
{
    gw_err_t err;
    err.status = status;
    snprintf(err.code, sizeof err.code, "%s", code);
    snprintf(err.message, sizeof err.message, fmt, a, b);
    gw_api_fail(&call->res, &err, call->request_id);
    s_answer(call);
}

static void s_on_request(void *ctx, gw_http_conn_t *conn, const gw_http_req_t *req)
{
    gw_server_t *srv = ctx;
    if (gw_console_serves(req->target)) {
        gw_console_request(srv->console, conn, req);
        return;
    }
    s_call_t *call = calloc(1, sizeof *call);
    if (!call) {
        gw_http_respond(conn, 500, "text/plain", NULL, "out of memory\n", 14);
        return;
    }
    call->srv = srv;
    call->conn = conn;
    s_uuid(call->request_id);
    gw_api_handle(srv->creds, req, time(NULL), call->request_id, &call->res);
    if (call->res.kind == GW_API_RESPOND) {
        s_answer(call);
        return;
    }
    char why[300];
    switch (gw_upstream_call(srv->up, call->res.account, call->res.region, call->res.op->name,
                             call->res.input_json, call, why, sizeof why)) {
    case GW_UP_CALL_OK:
        return;
    case GW_UP_CALL_NO_KEY:
        /* The caller's identity is fine, but the cluster's keyring has no
         * client key for its account, so the broker would not let the
         * gateway act as it: as AWS says of an account it does not know. */
        VS_WARN("account %s: no client key: %s", call->res.account, why);
        /* The reason (with the keyring's path) goes to the log only. */
        s_fail(call, 401, "AuthFailure",
               "vpcsim's keyring has no client key for account %s (client-%s.key and broker.pub "
               "are needed); add one with `vpcsim keys init DIR --client ACCOUNT`.",
               call->res.account, call->res.account);
        return;
    case GW_UP_CALL_BUSY:
    default:
        s_fail(call, 503, "RequestLimitExceeded", "Request limit exceeded%s%s.", "", "");
        return;
    }
}

static void s_on_upstream(void *ctx, void *call_ctx, gw_up_status_t st, const vs_env_t *reply)
{
    s_call_t *call = call_ctx;
    const char *acct = call->res.account, *region = call->res.region;
    switch (st) {
    case GW_UP_REPLY: {
        const Vpcsim__Wire__ApiReply *r = reply->api_reply;
        gw_api_reply(&call->res, r->ok, r->output_json, r->error_code, r->error_message,
                     call->request_id);
        s_answer(call);
        return;
    }
    case GW_UP_UNDELIVERABLE:
        if (reply->undeliverable->reason == VPCSIM__WIRE__UNDELIVERABLE_REASON__NO_SUCH_AGENT) {
            /* Like a Region the account has not opted in to: fails fast
             * (4xx), because retrying cannot help. */
            s_fail(call, 403, "OptInRequired",
                   "No vpcsim agent serves account %s in Region %s.", acct, region);
            return;
        }
        s_fail(call, 503, "Unavailable",
               "The vpcsim agent for account %s in Region %s is not reachable now.", acct, region);
        return;
    case GW_UP_REFUSED:
        if (call->srv->keyed)
            s_fail(call, 401, "AuthFailure",
                   "vpcsim's broker refused the client key of account %s%s (see the gateway's log).",
                   acct, "");
        else
            s_fail(call, 401, "AuthFailure",
                   "vpcsim's broker requires keys: start vpcsim-gateway with --keys DIR (the "
                   "cluster's keyring)%s%s.", "", "");
        return;
    case GW_UP_TIMEOUT:
        s_fail(call, 503, "Unavailable",
               "The vpcsim agent for account %s in Region %s did not answer in time.", acct, region);
        return;
    case GW_UP_CANCELLED:
    default:
        s_fail(call, 503, "Unavailable", "The gateway is shutting down%s%s.", "", "");
        return;
    }
}

static char *s_on_http_error(void *ctx, int status, const char *code, const char *message, size_t *len)
{
    char rid[37];
    s_uuid(rid);
    gw_buf_t b;
    gw_buf_init(&b);
    gw_xml_error(&b, NULL, code, message, rid);
    return gw_buf_take(&b, len);
}

static void s_on_signal(uv_signal_t *sig, int signum)
{
    gw_server_t *srv = sig->data;
    VS_INFO("signal %d: stopping", signum);
    uv_signal_stop(&srv->sigterm);
    uv_signal_stop(&srv->sigint);
    uv_stop(srv->loop);
}

static void s_on_signal_closed(uv_handle_t *h)
{
    gw_server_t *srv = h->data;
    if (++srv->closed_handles == 2)
        free(srv);
}

gw_server_t *gw_server_new(uv_loop_t *loop, gw_server_opts_t *opts, char *err, size_t errlen)
{
    gw_server_t *srv = calloc(1, sizeof *srv);
    if (!srv) {
        gw_creds_destroy(&opts->creds);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    srv->loop = loop;
    srv->creds = opts->creds;
    opts->creds = NULL;
    srv->keyed = opts->keys_dir != NULL;
    srv->timeout_s = opts->timeout_s > 0 ? opts->timeout_s : 10.0;
    srv->up = gw_upstream_new(loop, opts->broker, opts->keys_dir, srv->timeout_s, s_on_upstream, srv,
                              err, errlen);
    if (srv->up) {
        srv->console = gw_console_new(loop, opts->broker, opts->keys_dir, srv->timeout_s);
        if (!srv->console) {
            snprintf(err, errlen, "out of memory");
            gw_upstream_close(&srv->up);
        }
    }
    if (srv->up)
        srv->http = gw_http_new(loop, opts->host, opts->port, s_on_request, s_on_http_error, srv,
                                err, errlen);
    if (srv->http && opts->idle_s > 0)
        gw_http_set_idle_timeout(srv->http, (uint64_t)(opts->idle_s * 1000.0));
    if (!srv->http) {
        gw_console_destroy(&srv->console);
        gw_upstream_close(&srv->up);
        gw_creds_destroy(&srv->creds);
        free(srv);
        return NULL;
    }
    uv_signal_init(loop, &srv->sigterm);
    uv_signal_init(loop, &srv->sigint);
    srv->sigterm.data = srv->sigint.data = srv;
    uv_signal_start(&srv->sigterm, s_on_signal, SIGTERM);
    uv_signal_start(&srv->sigint, s_on_signal, SIGINT);
    VS_INFO("EC2 Query API on http://%s:%d, broker %s, %s, %s", opts->host, opts->port, opts->broker,
            srv->creds ? "signatures verified (--credentials)"
                       : "12-digit access key ids are account ids, secrets not checked",
            opts->keys_dir ? "each account's client key from the keyring (--keys)"
                           : "open broker (no --keys)");
    VS_INFO("console on http://%s:%d/console/", opts->host, opts->port);
    return srv;
}

void gw_server_destroy(gw_server_t **sp)
{
    if (!sp || !*sp)
        return;
    gw_server_t *srv = *sp;
    *sp = NULL;
    gw_upstream_close(&srv->up);      /* answers pending calls (503) */
    gw_console_destroy(&srv->console); /* ends the live streams before their connections close */
    gw_http_close(&srv->http);
    gw_creds_destroy(&srv->creds);
    /* srv is freed when the second signal handle has closed. */
    uv_close((uv_handle_t *)&srv->sigterm, s_on_signal_closed);
    uv_close((uv_handle_t *)&srv->sigint, s_on_signal_closed);
}
