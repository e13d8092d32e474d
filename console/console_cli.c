#include "console_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "console.h"
#include "console_http.h"

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
    char *err = NULL;
    vs_console_t *c = vs_console_new(g->broker, g->keys[0] ? g->keys : NULL, g->timeout_s, &err);
    if (!c)
        return s_fail(CLI_EXIT_FAILED, cli_error_text("%s", err ? err : "cannot start the console"));
    uv_loop_t loop;
    uv_loop_init(&loop);
    char herr[256];
    console_http_t *h = console_http_new(&loop, host, port, c, herr, sizeof herr);
    if (!h) {
        vs_console_destroy(&c);
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
    console_http_close(&h);
    uv_close((uv_handle_t *)&sigint, NULL);
    uv_close((uv_handle_t *)&sigterm, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    vs_console_destroy(&c);
    uv_loop_close(&loop);
    return CLI_EXIT_OK;
}
