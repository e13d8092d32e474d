#include "viz_cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ids.h"
#include "topology.h"
#include "trace.h"
#include "viz_fetch.h"

static int s_fail(int rc, char *msg)
{
    if (msg)
        fputs(msg, stderr);
    free(msg);
    return rc;
}

/* --- trace -------------------------------------------------------------------- */

typedef struct {
    char **keys;
    size_t n, cap;
} s_seen_t;

static bool s_seen_add(s_seen_t *s, const char *key)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->keys[i], key))
            return false;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char **k = realloc(s->keys, cap * sizeof *k);
        if (!k)
            return false;
        s->keys = k;
        s->cap = cap;
    }
    s->keys[s->n] = strdup(key);
    if (!s->keys[s->n])
        return false;
    s->n++;
    return true;
}

static void s_seen_free(s_seen_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->keys[i]);
    free(s->keys);
}

static volatile sig_atomic_t s_stop;
static void s_on_sigint(int sig) { (void)sig; s_stop = 1; }

/* Prints every step not printed yet; returns 0 or an exit code. */
static int s_follow_once(viz_fetch_t *f, const char *pcx, vs_trace_format_t fmt, s_seen_t *seen,
                         bool *header)
{
    vs_json_t *h = NULL;
    char *err = NULL;
    int rc = viz_fetch_history(f, pcx, false, &h, &err);
    if (rc == CLI_EXIT_SERVICE && !*header) {
        free(err);   /* not there yet: --follow waits for it */
        return 0;
    }
    if (rc)
        return s_fail(rc, err);
    char berr[160];
    vs_trace_t *t = vs_trace_build(h, berr, sizeof berr);
    vs_json_free(&h);
    if (!t)
        return s_fail(CLI_EXIT_FAILED, cli_error_text("cannot draw the history: %s", berr));
    if (!*header) {
        char *s = vs_trace_render_header(t, fmt);
        fputs(s ? s : "", stdout);
        free(s);
        *header = true;
    }
    for (size_t i = 0; i < vs_trace_steps(t); i++) {
        if (!s_seen_add(seen, vs_trace_step_key(t, i)))
            continue;
        char *s = vs_trace_render_step(t, fmt, i);
        fputs(s ? s : "", stdout);
        free(s);
    }
    fflush(stdout);
    vs_trace_destroy(&t);
    return 0;
}

int cli_trace_main(const cli_globals_t *g, int argc, char **argv)
{
    const char *pcx = NULL, *format = "text";
    bool follow = false;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc)
            format = argv[++i];
        else if (!strcmp(argv[i], "--follow"))
            follow = true;
        else if (!strcmp(argv[i], "help") || !strcmp(argv[i], "--help")) {
            printf("usage: vpcsim trace PCX_ID [--format text|mermaid|svg] [--follow]\n\n"
                   "The messages and state changes of one peering connection as a sequence\n"
                   "diagram, as the caller's account may see them. --follow prints new steps\n"
                   "as they happen (text or mermaid) until interrupted.\n");
            return CLI_EXIT_OK;
        } else if (argv[i][0] != '-' && !pcx)
            pcx = argv[i];
        else
            return s_fail(CLI_EXIT_USAGE, cli_usage_error("unrecognized arguments: %s", argv[i]));
    }
    int fmt = vs_trace_format_parse(format);
    if (!pcx)
        return s_fail(CLI_EXIT_USAGE, cli_usage_error("the following arguments are required: PCX_ID"));
    if (!vs_id_valid(pcx, "pcx"))
        return s_fail(CLI_EXIT_USAGE, cli_usage_error("argument PCX_ID: invalid peering connection "
                                                      "ID '%s' (pcx- and 17 hex digits)", pcx));
    if (fmt < 0)
        return s_fail(CLI_EXIT_USAGE, cli_usage_error("argument --format: invalid choice: '%s' "
                                                      "(choose from 'text', 'mermaid', 'svg')", format));
    if (follow && fmt == VS_TRACE_SVG)
        return s_fail(CLI_EXIT_USAGE, cli_usage_error("--follow prints text or mermaid, not svg"));
    char *err = NULL;
    int rc = cli_globals_require_identity(g, &err);
    if (rc)
        return s_fail(rc, err);
    viz_fetch_t *f = viz_fetch_new(g->broker, g->keys[0] ? g->keys : NULL, g->account, g->region, g->timeout_s, g->debug, &err);
    if (!f)
        return s_fail(CLI_EXIT_FAILED, err);
    if (follow) {
        s_seen_t seen = { 0 };
        bool header = false;
        signal(SIGINT, s_on_sigint);
        signal(SIGTERM, s_on_sigint);
        while (!s_stop && (rc = s_follow_once(f, pcx, (vs_trace_format_t)fmt, &seen, &header)) == 0) {
            struct timespec ts = { 0, 500 * 1000 * 1000 };
            nanosleep(&ts, NULL);
        }
        s_seen_free(&seen);
        viz_fetch_destroy(&f);
        return s_stop ? CLI_EXIT_OK : rc;
    }
    vs_json_t *h = NULL;
    rc = viz_fetch_history(f, pcx, true, &h, &err);
    viz_fetch_destroy(&f);
    if (rc)
        return s_fail(rc, err);
    char berr[160];
    vs_trace_t *t = vs_trace_build(h, berr, sizeof berr);
    vs_json_free(&h);
    if (!t)
        return s_fail(CLI_EXIT_FAILED, cli_error_text("cannot draw the history: %s", berr));
    char *s = vs_trace_render(t, (vs_trace_format_t)fmt);
    vs_trace_destroy(&t);
    if (!s)
        return s_fail(CLI_EXIT_FAILED, cli_error_text("out of memory"));
    fputs(s, stdout);
    free(s);
    return CLI_EXIT_OK;
}

/* --- topology ----------------------------------------------------------------- */

char *viz_dot_to_svg(const char *dot_text, char **err)
{
    *err = NULL;
    char in_path[] = "/tmp/vpcsim-dot-XXXXXX";
    int fd = mkstemp(in_path);
    if (fd < 0) {
        *err = cli_error_text("cannot write a temporary file: %s", strerror(errno));
        return NULL;
    }
    size_t len = strlen(dot_text);
    bool ok = write(fd, dot_text, len) == (ssize_t)len;
    close(fd);
    /* in_path is our own mkstemp name: no quoting problem. */
    char cmd[128];
    snprintf(cmd, sizeof cmd, "dot -Tsvg '%s' 2>/dev/null", in_path);
    FILE *p = ok ? popen(cmd, "r") : NULL;
    char *out = NULL;
    size_t n = 0, cap = 0;
    while (p) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *o = realloc(out, cap);
            if (!o)
                break;
            out = o;
        }
        size_t r = fread(out + n, 1, 4096, p);
        n += r;
        if (r == 0)
            break;
    }
    int status = p ? pclose(p) : -1;
    unlink(in_path);
    if (status != 0 || !out || n == 0) {
        free(out);
        *err = cli_error_text("Graphviz's dot program failed or is missing (--format svg needs it: "
                              "apt-get install graphviz, or bash scripts/install-deps.sh)");
        return NULL;
    }
    out[n] = 0;
    return out;
}

int cli_topology_main(const cli_globals_t *g, int argc, char **argv)
{
    const char *format = "dot";
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            format = argv[++i];
        } else if (!strcmp(argv[i], "help") || !strcmp(argv[i], "--help")) {
            printf("usage: vpcsim topology [--format dot|svg|json]\n\n"
                   "The caller's VPCs in every Region of its account, their peering\n"
                   "connections (coloured by state) and the routes through them (active or\n"
                   "blackhole). svg is drawn by Graphviz's dot.\n");
            return CLI_EXIT_OK;
        } else {
            return s_fail(CLI_EXIT_USAGE, cli_usage_error("unrecognized arguments: %s", argv[i]));
        }
    }
    if (strcmp(format, "dot") && strcmp(format, "svg") && strcmp(format, "json"))
        return s_fail(CLI_EXIT_USAGE, cli_usage_error("argument --format: invalid choice: '%s' "
                                                      "(choose from 'dot', 'svg', 'json')", format));
    char *err = NULL;
    int rc = cli_globals_require_identity(g, &err);
    if (rc)
        return s_fail(rc, err);
    viz_fetch_t *f = viz_fetch_new(g->broker, g->keys[0] ? g->keys : NULL, g->account, g->region, g->timeout_s, g->debug, &err);
    if (!f)
        return s_fail(CLI_EXIT_FAILED, err);
    vs_json_t *doc = NULL;
    rc = viz_fetch_topology(f, &doc, &err);
    viz_fetch_destroy(&f);
    if (rc)
        return s_fail(rc, err);
    char *out = NULL;
    if (!strcmp(format, "json")) {
        out = vs_json_dump(doc, 4);
    } else {
        char derr[160];
        char *dot = vs_topo_dot(doc, derr, sizeof derr);
        if (dot && !strcmp(format, "svg")) {
            out = viz_dot_to_svg(dot, &err);
            free(dot);
        } else {
            out = dot;
        }
        if (!dot && !err)
            err = cli_error_text("cannot draw the topology: %s", derr);
    }
    vs_json_free(&doc);
    if (!out)
        return s_fail(CLI_EXIT_FAILED, err ? err : cli_error_text("out of memory"));
    fputs(out, stdout);
    if (!strcmp(format, "json"))
        fputs("\n", stdout);
    free(out);
    return CLI_EXIT_OK;
}
