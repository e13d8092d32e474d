#include "console_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "gw_console.h"
#include "gw_http.h"

static void s_on_signal(uv_signal_t *s, int signum)
{
    (void)signum;
    uv_stop(s->loop);
}

static int s_fail(int rc, char *msg)
{
    if (msg)
        fputs(msg, stderr);
    free(msg);
    return rc;
}

/* The console under /console/ (gw_console, as the gateway mounts it); "/"
 * leads there; anything else is not ours. */
static void s_on_request(void *ctx, gw_http_conn_t *conn, const gw_http_req_t *req)
{
    gw_console_t *gc = ctx;
    if (gw_console_serves(req->target)) {
        gw_console_request(gc, conn, req);
        return;
    }
    if (req->target[0] == '/' && (req->target[1] == '\0' || req->target[1] == '?')) {
        gw_http_respond(conn, 301, "text/plain", "Location: /console/\r\n", "see /console/\n", 14);
        return;
    }
    static const char nf[] = "not found: the console is at /console/\n";
    gw_http_respond(conn, 404, "text/plain", NULL, nf, sizeof nf - 1);
}

/* Malformed or oversize HTTP: the status line says it; no body. */
static char *s_on_http_error(void *ctx, int status, const char *code, const char *message,
                             size_t *len)
{
    (void)ctx, (void)status, (void)code, (void)message;
    *len = 0;
    return NULL;
}

int cli_console_main(const cli_globals_t *g, int argc, char **argv)
{
    char host[64] = "127.0.0.1";
    int port = 4566;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--listen") && i + 1 < argc) {
            const char *v = argv[++i];
            const char *colon = strrchr(v, ':');
            char *end = NULL;
            long p = colon ? strtol(colon + 1, &end, 10) : -1;
            if (!colon || (size_t)(colon - v) >= sizeof host || colon == v || !end || *end ||
                p < 1 || p > 65535)
                return s_fail(CLI_EXIT_USAGE, cli_usage_error("argument --listen: expected "
                                                              "HOST:PORT, not '%s'", v));
            memcpy(host, v, (size_t)(colon - v));
            host[colon - v] = 0;
            port = (int)p;
        } else if (!strcmp(argv[i], "help") || !strcmp(argv[i], "--help")) {
            printf("usage: vpcsim console [--listen 127.0.0.1:4566]\n\n"
                   "Serves the read-only live console at http://HOST:PORT/console/ (accounts\n"
                   "and Regions, VPCs, peering connections updating live, events, sequence\n"
                   "diagrams, Reachability Analyzer verdicts) until interrupted.\n");
            return CLI_EXIT_OK;
        } else {
            return s_fail(CLI_EXIT_USAGE, cli_usage_error("unrecognized arguments: %s", argv[i]));
        }
    }
    uv_loop_t loop;
    uv_loop_init(&loop);
    gw_console_t *gc = gw_console_new(&loop, g->broker, g->keys[0] ? g->keys : NULL, g->timeout_s);
    const char *why = gc ? gw_console_error(gc) : "out of memory";
    if (why) {
        char *msg = cli_error_text("%s", why);
        gw_console_destroy(&gc);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        return s_fail(CLI_EXIT_FAILED, msg);
    }
    char herr[256];
    gw_http_t *h = gw_http_new(&loop, host, port, s_on_request, s_on_http_error, gc, herr, sizeof herr);
    if (!h) {
        gw_console_destroy(&gc);
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        return s_fail(CLI_EXIT_FAILED, cli_error_text("%s", herr));
    }
    uv_signal_t sigint, sigterm;
    uv_signal_init(&loop, &sigint);
    uv_signal_init(&loop, &sigterm);
    uv_signal_start(&sigint, s_on_signal, SIGINT);
    uv_signal_start(&sigterm, s_on_signal, SIGTERM);
    fprintf(stderr, "vpcsim console: http://%s:%d/console/ (broker %s)\n", host, port, g->broker);
    uv_run(&loop, UV_RUN_DEFAULT);
    gw_console_destroy(&gc);     /* ends the live streams first */
    gw_http_close(&h);
    uv_close((uv_handle_t *)&sigint, NULL);
    uv_close((uv_handle_t *)&sigterm, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return CLI_EXIT_OK;
}
