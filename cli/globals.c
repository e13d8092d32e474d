/* globals: global options, environment fallbacks, usage text (see
 * globals.h). */
#include "globals.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ids.h"

static const char s_usage[] =
    "usage: vpcsim [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
    "To see help text, you can run:\n"
    "\n"
    "  vpcsim help\n"
    "  vpcsim <command> help\n"
    "  vpcsim <command> <subcommand> help\n";

const char *cli_usage_text(void)
{
    return s_usage;
}

static char *s_vformat(const char *pre, const char *post, const char *fmt, va_list ap)
{
    vs_buf_t b = VS_BUF_INIT;
    vs_buf_puts(&b, pre);
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n >= 0) {
        char *tmp = malloc((size_t)n + 1);
        if (tmp) {
            vsnprintf(tmp, (size_t)n + 1, fmt, ap);
            vs_buf_puts(&b, tmp);
            free(tmp);
        }
    }
    vs_buf_puts(&b, post);
    return vs_buf_take(&b);
}

char *cli_usage_error(const char *fmt, ...)
{
    char pre[sizeof s_usage + 32];
    snprintf(pre, sizeof pre, "\n%s\nvpcsim: error: ", s_usage);
    va_list ap;
    va_start(ap, fmt);
    char *s = s_vformat(pre, "\n", fmt, ap);
    va_end(ap);
    return s;
}

char *cli_error_text(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = s_vformat("\n", "\n", fmt, ap);
    va_end(ap);
    return s;
}

/* Options that take a value, and flags. */
typedef enum { G_BROKER, G_ACCOUNT, G_REGION, G_OUTPUT, G_TIMEOUT, G_COLOR, G_QUERY,
               G_KEYS, G_DEBUG, G_NO_PAGINATE, G_NO_PAGER, G_VERSION } s_gopt_t;

static const struct {
    const char *name;
    s_gopt_t id;
    bool takes_value;
} s_gopts[] = {
    { "--broker", G_BROKER, true },
    { "--endpoint-url", G_BROKER, true },     /* the AWS CLI's name for it */
    { "--account", G_ACCOUNT, true },
    { "--region", G_REGION, true },
    { "--output", G_OUTPUT, true },
    { "--timeout", G_TIMEOUT, true },
    { "--color", G_COLOR, true },
    { "--query", G_QUERY, true },
    { "--keys", G_KEYS, true },
    { "--debug", G_DEBUG, false },
    { "--no-paginate", G_NO_PAGINATE, false },
    { "--no-cli-pager", G_NO_PAGER, false },
    { "--version", G_VERSION, false },
};

static int s_set_output(cli_globals_t *g, const char *v, const char *src, char **err)
{
    if (strcmp(v, "json") == 0)
        g->output = CLI_OUT_JSON;
    else if (strcmp(v, "text") == 0)
        g->output = CLI_OUT_TEXT;
    else if (strcmp(v, "table") == 0)
        g->output = CLI_OUT_TABLE;
    else if (strcmp(v, "yaml") == 0)
        g->output = CLI_OUT_YAML;
    else if (strcmp(v, "yaml-stream") == 0)
        g->output = CLI_OUT_YAML_STREAM;
    else {
        *err = cli_usage_error("argument %s: Invalid choice '%s', valid choices are: json | text | "
                               "table | yaml | yaml-stream", src, v);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

static int s_set_timeout(cli_globals_t *g, const char *v, const char *src, char **err)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || !(d > 0) || d > 86400) {
        *err = cli_usage_error("argument %s: invalid value '%s' (seconds, a number above 0)", src, v);
        return CLI_EXIT_USAGE;
    }
    g->timeout_s = d;
    return 0;
}

static int s_copy(char *dst, size_t n, const char *v, const char *src, char **err)
{
    if (strlen(v) >= n) {
        *err = cli_usage_error("argument %s: value too long", src);
        return CLI_EXIT_USAGE;
    }
    snprintf(dst, n, "%s", v);
    return 0;
}

int cli_globals_parse(int argc, char **argv, cli_getenv_fn env, void *env_ctx,
                      cli_globals_t *g, char **rest, int *nrest, char **err)
{
    memset(g, 0, sizeof *g);
    *err = NULL;
    *nrest = 0;
    const char *val[G_VERSION + 1] = { 0 };
    bool flag[G_VERSION + 1] = { 0 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        size_t k, n = sizeof s_gopts / sizeof s_gopts[0];
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        size_t alen = eq ? (size_t)(eq - a) : strlen(a);
        for (k = 0; k < n; k++)
            if (strlen(s_gopts[k].name) == alen && strncmp(a, s_gopts[k].name, alen) == 0)
                break;
        if (k == n) {
            rest[(*nrest)++] = argv[i];
            continue;
        }
        if (!s_gopts[k].takes_value) {
            if (eq) {
                *err = cli_usage_error("argument %s: ignored explicit argument '%s'", s_gopts[k].name, eq + 1);
                return CLI_EXIT_USAGE;
            }
            flag[s_gopts[k].id] = true;
            continue;
        }
        if (eq) {
            val[s_gopts[k].id] = eq + 1;
        } else if (i + 1 < argc && !(argv[i + 1][0] == '-' && argv[i + 1][1] == '-')) {
            val[s_gopts[k].id] = argv[++i];
        } else {
            *err = cli_usage_error("argument %s: expected one argument", s_gopts[k].name);
            return CLI_EXIT_USAGE;
        }
    }
    if (val[G_QUERY]) {
        *err = cli_usage_error("argument --query: JMESPath queries are not supported by vpcsim");
        return CLI_EXIT_USAGE;
    }
    if (val[G_COLOR] && strcmp(val[G_COLOR], "on") && strcmp(val[G_COLOR], "off") &&
        strcmp(val[G_COLOR], "auto")) {
        *err = cli_usage_error("argument --color: Invalid choice, valid choices are: on | off | auto");
        return CLI_EXIT_USAGE;
    }
    g->debug = flag[G_DEBUG];
    g->no_paginate = flag[G_NO_PAGINATE];
    g->version = flag[G_VERSION];

    const char *e;
    int rc;
    if (val[G_BROKER])
        rc = s_copy(g->broker, sizeof g->broker, val[G_BROKER], "--broker", err);
    else if ((e = env(env_ctx, "VPCSIM_BROKER")) && *e)
        rc = s_copy(g->broker, sizeof g->broker, e, "VPCSIM_BROKER", err);
    else
        rc = s_copy(g->broker, sizeof g->broker, CLI_DEFAULT_BROKER, "--broker", err);
    if (rc)
        return rc;

    if (val[G_ACCOUNT]) {
        g->account_src = "--account";
        rc = s_copy(g->account, sizeof g->account, val[G_ACCOUNT], "--account", err);
    } else if ((e = env(env_ctx, "VPCSIM_ACCOUNT")) && *e) {
        g->account_src = "VPCSIM_ACCOUNT";
        rc = s_copy(g->account, sizeof g->account, e, "VPCSIM_ACCOUNT", err);
    }
    if (rc)
        return rc;

    if (val[G_REGION]) {
        g->region_src = "--region";
        rc = s_copy(g->region, sizeof g->region, val[G_REGION], "--region", err);
    } else if ((e = env(env_ctx, "AWS_REGION")) && *e) {
        g->region_src = "AWS_REGION";
        rc = s_copy(g->region, sizeof g->region, e, "AWS_REGION", err);
    } else if ((e = env(env_ctx, "AWS_DEFAULT_REGION")) && *e) {
        g->region_src = "AWS_DEFAULT_REGION";
        rc = s_copy(g->region, sizeof g->region, e, "AWS_DEFAULT_REGION", err);
    }
    if (rc)
        return rc;

    g->output = CLI_OUT_JSON;
    g->output_given = val[G_OUTPUT] != NULL;
    if (val[G_OUTPUT])
        rc = s_set_output(g, val[G_OUTPUT], "--output", err);
    else if ((e = env(env_ctx, "AWS_DEFAULT_OUTPUT")) && *e)
        rc = s_set_output(g, e, "AWS_DEFAULT_OUTPUT", err);
    if (rc)
        return rc;

    if (val[G_KEYS])
        rc = s_copy(g->keys, sizeof g->keys, val[G_KEYS], "--keys", err);
    else if ((e = env(env_ctx, "VPCSIM_KEYS")) && *e)
        rc = s_copy(g->keys, sizeof g->keys, e, "VPCSIM_KEYS", err);
    if (rc)
        return rc;

    /* As the AWS CLI: AWS_MAX_ATTEMPTS counts the first try. Unset, a call
     * retries until its timeout. */
    if ((e = env(env_ctx, "AWS_MAX_ATTEMPTS")) && *e) {
        char *end = NULL;
        long v = strtol(e, &end, 10);
        if (*end || v < 1 || v > 1000) {
            *err = cli_error_text("Invalid value for AWS_MAX_ATTEMPTS: '%s' (a whole number, 1 or more)", e);
            return CLI_EXIT_CONFIG;
        }
        g->max_attempts = (int)v;
    }

    g->timeout_s = CLI_DEFAULT_TIMEOUT;
    if (val[G_TIMEOUT])
        rc = s_set_timeout(g, val[G_TIMEOUT], "--timeout", err);
    else if ((e = env(env_ctx, "VPCSIM_TIMEOUT")) && *e)
        rc = s_set_timeout(g, e, "VPCSIM_TIMEOUT", err);
    return rc;
}

int cli_globals_require_identity(const cli_globals_t *g, char **err)
{
    *err = NULL;
    if (!g->account_src && !g->region_src) {
        *err = cli_usage_error("You must specify an account and a Region: use --account and --region, "
                               "or set VPCSIM_ACCOUNT and AWS_REGION (or AWS_DEFAULT_REGION).");
        return CLI_EXIT_USAGE;
    }
    if (!g->account_src) {
        *err = cli_usage_error("You must specify an account: use --account ACCOUNT_ID or set VPCSIM_ACCOUNT.");
        return CLI_EXIT_USAGE;
    }
    if (!g->region_src) {
        *err = cli_usage_error("You must specify a Region: use --region REGION or set AWS_REGION "
                               "(or AWS_DEFAULT_REGION).");
        return CLI_EXIT_USAGE;
    }
    if (!vs_account_valid(g->account)) {
        *err = cli_usage_error("argument %s: invalid account ID '%s': an AWS account ID is 12 digits",
                               g->account_src, g->account);
        return CLI_EXIT_USAGE;
    }
    if (!vs_region_known(g->region)) {
        *err = cli_usage_error("argument %s: unknown Region '%s': use an AWS Region name such as "
                               "us-east-1 or ap-northeast-1", g->region_src, g->region);
        return CLI_EXIT_USAGE;
    }
    return 0;
}
