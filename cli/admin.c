/* admin: broker-side operations (see admin.h). */
#include "admin.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "params.h"
#include "suggest.h"
#include "term.h"
#include "transport.h"

typedef enum { A_PLAIN, A_SECONDS, A_PASSTHROUGH, A_PAGED } s_args_t;

static const struct {
    const char *op;
    const char *title;     /* table title */
    s_args_t args;
    const char *help;
} s_ops[] = {
    { "describe-agents", "DescribeAgents", A_PAGED,
      "Lists the agents the broker knows and their status (--max-items, --starting-token, --page-size)." },
    { "clock", "Clock", A_PLAIN, "Shows the simulated time shared by all agents." },
    { "advance-clock", "AdvanceClock", A_SECONDS,
      "Moves simulated time forward by --seconds N for every agent; due timers fire." },
    { "set-faults", "SetFaults", A_PASSTHROUGH, "Sets fault injection (options forwarded to the broker)." },
    { "partition", "Partition", A_PASSTHROUGH, "Cuts links between agents (options forwarded to the broker)." },
    { "describe-faults", "DescribeFaults", A_PLAIN, "Shows fault injection, isolated agents and fault counters." },
};

#define S_NOPS (sizeof s_ops / sizeof s_ops[0])

static int s_fail(int rc, char *msg)
{
    if (msg)
        fputs(msg, stderr);
    free(msg);
    return rc;
}

int cli_admin_call(const char *endpoint, double timeout_s, bool debug, const char *op, int64_t seconds,
                   const char *args_json, vs_json_t **out, char **err)
{
    return cli_admin_call_keyed(endpoint, NULL, timeout_s, debug, op, seconds, args_json, out, err);
}

int cli_admin_call_keyed(const char *endpoint, const char *keys, double timeout_s, bool debug,
                         const char *op, int64_t seconds, const char *args_json, vs_json_t **out,
                         char **err)
{
    *out = NULL;
    *err = NULL;
    char terr[256] = "";
    vs_principal_t admin = { .kind = VS_PRINCIPAL_ADMIN };
    cli_transport_t *tx = cli_transport_new_as(endpoint, debug, keys && *keys ? keys : NULL, &admin,
                                               terr, sizeof terr);
    if (!tx) {
        *err = cli_error_text("Could not connect to the endpoint URL: \"%s\" (broker): %s", endpoint, terr);
        return CLI_EXIT_FAILED;
    }
    Vpcsim__Wire__AdminRequest req = VPCSIM__WIRE__ADMIN_REQUEST__INIT;
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    req.op = (char *)op;
    req.seconds = seconds;
    req.args_json = (char *)(args_json ? args_json : "");
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REQUEST;
    env.admin_request = &req;
    vs_env_t *reply = NULL;
    cli_tx_status_t st = cli_transport_call(tx, &env, timeout_s, &reply, terr, sizeof terr);
    cli_transport_destroy(&tx);
    if (st == CLI_TX_REFUSED) {
        *err = cli_error_text("Parameter validation failed:\nInvalid request for %s: %s", op, terr);
        return CLI_EXIT_USAGE;
    }
    if (st == CLI_TX_NOT_CONNECTED || st == CLI_TX_TIMEOUT || st == CLI_TX_ERROR) {
        if (st != CLI_TX_ERROR)
            snprintf(terr, sizeof terr, "%s within %g s",
                     st == CLI_TX_TIMEOUT ? "no answer" : "broker not reachable", timeout_s);
        *err = cli_error_text("Could not connect to the endpoint URL: \"%s\" (broker): %s", endpoint, terr);
        return CLI_EXIT_FAILED;
    }
    if (reply->body_case != VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REPLY) {
        const char *d = reply->body_case == VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE && reply->undeliverable->detail
                            ? reply->undeliverable->detail : "unexpected reply";
        *err = cli_error_text("Could not connect to the endpoint URL: \"%s\" (broker): %s", endpoint, d);
        vs_wire_free(&reply);
        return CLI_EXIT_FAILED;
    }
    const Vpcsim__Wire__AdminReply *r = reply->admin_reply;
    int rc = 0;
    if (!r->ok) {
        *err = cli_error_text("An error occurred (AdminError) when calling the %s operation: %s", op,
                              r->error_message ? r->error_message : "");
        rc = CLI_EXIT_SERVICE;
    } else {
        const char *js = r->output_json ? r->output_json : "";
        char perr[128] = "";
        *out = *js ? vs_json_parse(js, strlen(js), perr, sizeof perr) : vs_json_object();
        if (!*out) {
            *err = cli_error_text("The broker returned malformed JSON for %s: %s", op, perr);
            rc = CLI_EXIT_FAILED;
        }
    }
    vs_wire_free(&reply);
    return rc;
}

/* A pass-through value: JSON scalars and documents keep their type,
 * anything else is a string. */
static vs_json_t *s_typed(const char *v)
{
    vs_json_t *j = NULL;
    if (v[0] == '[' || v[0] == '{' || v[0] == '-' || (v[0] >= '0' && v[0] <= '9') ||
        !strcmp(v, "true") || !strcmp(v, "false") || !strcmp(v, "null"))
        j = vs_json_parse(v, strlen(v), NULL, 0);
    return j ? j : vs_json_str(v);
}

static void s_add(vs_json_t *args, const char *key, vs_json_t *val)
{
    vs_json_t *prev = (vs_json_t *)vs_json_get(args, key);
    if (!prev) {
        vs_json_set(args, key, val);
        return;
    }
    if (vs_json_type(prev) != VS_JSON_ARRAY) {
        vs_json_t *a = vs_json_array();
        vs_json_push(a, vs_json_clone(prev));
        prev = vs_json_set(args, key, a);
    }
    vs_json_push(prev, val);
}

vs_json_t *cli_admin_args(int argc, char *const *argv, char **err)
{
    *err = NULL;
    vs_json_t *args = vs_json_object();
    for (int i = 0; args && i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) {
            s_add(args, "args", vs_json_str(a));
            continue;
        }
        char key[128];
        const char *eq = strchr(a, '=');
        size_t klen = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        snprintf(key, sizeof key, "%.*s", (int)(klen < sizeof key ? klen : sizeof key - 1), a + 2);
        vs_json_t *vals = vs_json_array();
        if (eq)
            vs_json_push(vals, s_typed(eq + 1));
        while (!eq && i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
            vs_json_push(vals, s_typed(argv[++i]));
        if (!strcmp(key, "args-json")) {
            vs_json_t *doc = vs_json_len(vals) == 1 && vs_json_type(vs_json_at(vals, 0)) == VS_JSON_OBJECT
                                 ? vs_json_clone(vs_json_at(vals, 0)) : NULL;
            vs_json_free(&vals);
            if (!doc) {
                vs_json_free(&args);
                *err = cli_error_text("Error parsing parameter '--args-json': Invalid JSON: expected a JSON object");
                return NULL;
            }
            for (size_t k = 0; k < vs_json_len(doc); k++)
                s_add(args, vs_json_key_at(doc, k), vs_json_clone(vs_json_at(doc, k)));
            vs_json_free(&doc);
            continue;
        }
        size_t n = vs_json_len(vals);
        if (n == 0)
            s_add(args, key, vs_json_bool(true));
        else if (n == 1)
            s_add(args, key, vs_json_clone(vs_json_at(vals, 0)));
        else
            s_add(args, key, vs_json_clone(vals));
        vs_json_free(&vals);
    }
    return args;
}

static void s_help(void)
{
    printf("NAME\n       admin -\n\nDESCRIPTION\n"
           "       Operations answered by the broker itself.\n\n"
           "SYNOPSIS\n       vpcsim [options] admin <subcommand> [parameters]\n\n"
           "AVAILABLE COMMANDS\n");
    for (size_t i = 0; i < S_NOPS; i++)
        printf("       o %-20s %s\n", s_ops[i].op, s_ops[i].help);
    printf("\n       o help\n");
}

/* A paged operation as the AWS CLI pages describe calls: page after page
 * (each at most --page-size, and small enough for one frame) until the
 * broker gives no NextToken or --max-items are collected; then the output
 * has a NextToken to pass to --starting-token. */
static int s_paged(const cli_globals_t *g, const char *op, int64_t max_items, int64_t page_size,
                   const char *start, vs_json_t **out, char **err)
{
    *out = NULL;
    char *token = start ? strdup(start) : NULL;
    int64_t have = 0;
    int rc = 0;
    for (;;) {
        int64_t want = page_size;
        if (max_items > 0 && max_items - have < want)
            want = max_items - have;
        vs_json_t *args = vs_json_object();
        vs_json_set_int(args, "MaxResults", want);
        if (token)
            vs_json_set_str(args, "NextToken", token);
        char *args_json = vs_json_dump(args, 0);
        vs_json_free(&args);
        vs_json_t *page = NULL;
        rc = cli_admin_call_keyed(g->broker, g->keys, g->timeout_s, g->debug, op, 0, args_json,
                                  &page, err);
        free(args_json);
        free(token);
        token = NULL;
        if (rc) {
            vs_json_free(out);
            return rc;
        }
        const char *next = vs_json_get_str(page, "NextToken");
        token = next ? strdup(next) : NULL;
        vs_json_remove(page, "NextToken");
        const vs_json_t *items = vs_json_get(page, "Agents");
        size_t got = vs_json_len(items);
        have += (int64_t)got;
        if (!*out) {
            *out = page;
        } else {
            vs_json_t *all = (vs_json_t *)vs_json_get(*out, "Agents");
            for (size_t i = 0; all && i < vs_json_len(items); i++)
                vs_json_push(all, vs_json_clone(vs_json_at(items, i)));
            vs_json_free(&page);
        }
        if (!token || got == 0 || (max_items > 0 && have >= max_items))
            break;
    }
    if (token)
        vs_json_set_str(*out, "NextToken", token);
    free(token);
    return 0;
}

static bool s_opt(const char *a, const char *name, int argc, char **argv, int *i, const char **val)
{
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0 || (a[n] != '=' && a[n] != '\0'))
        return false;
    if (a[n] == '=')
        *val = a + n + 1;
    else
        *val = *i + 1 < argc ? argv[++*i] : NULL;
    return true;
}

static int s_paged_main(const cli_globals_t *g, size_t k, int argc, char **argv)
{
    int64_t max_items = 0, page_size = 1000;
    const char *start = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int64_t *num = NULL;
        const char *name = NULL;
        if (s_opt(argv[i], "--max-items", argc, argv, &i, &v))
            num = &max_items, name = "--max-items";
        else if (s_opt(argv[i], "--page-size", argc, argv, &i, &v))
            num = &page_size, name = "--page-size";
        else if (s_opt(argv[i], "--starting-token", argc, argv, &i, &v))
            name = "--starting-token";
        else {
            vs_buf_t m = VS_BUF_INIT;
            vs_buf_printf(&m, "\n%s\nUnknown options: %s\n", cli_usage_text(), argv[i]);
            return s_fail(CLI_EXIT_USAGE, vs_buf_take(&m));
        }
        if (!v)
            return s_fail(CLI_EXIT_USAGE, cli_usage_error("argument %s: expected one argument", name));
        if (!num) {
            start = v;
        } else if (!cli_py_int(v, num) || *num < 1) {
            return s_fail(CLI_EXIT_USAGE, cli_error_text("Error parsing parameter '%s': expected a "
                                                         "positive integer, received: '%s'", name, v));
        }
    }
    if (page_size > 1000)
        page_size = 1000;     /* the broker's largest page */
    vs_json_t *out = NULL;
    char *err = NULL;
    int rc = s_paged(g, s_ops[k].op, max_items, page_size, start, &out, &err);
    if (rc)
        return s_fail(rc, err);
    char *text = cli_output_format(out, g->output, s_ops[k].title, cli_term_width());
    vs_json_free(&out);
    cli_print_stdout(text);
    free(text);
    return CLI_EXIT_OK;
}

int cli_admin_main(const cli_globals_t *g, int argc, char **argv)
{
    if (argc < 1)
        return s_fail(CLI_EXIT_USAGE, cli_usage_error("the following arguments are required: operation"));
    if (!strcmp(argv[0], "help")) {
        s_help();
        return CLI_EXIT_OK;
    }
    size_t k;
    for (k = 0; k < S_NOPS; k++)
        if (!strcmp(s_ops[k].op, argv[0]))
            break;
    if (k == S_NOPS) {
        const char *names[S_NOPS + 1];
        for (size_t i = 0; i < S_NOPS; i++)
            names[i] = s_ops[i].op;
        names[S_NOPS] = "help";
        vs_buf_t b = VS_BUF_INIT;
        cli_suggest_invalid_choice(&b, "operation", argv[0], names, S_NOPS + 1);
        char *m = cli_usage_error("%s", vs_buf_str(&b));
        vs_buf_release(&b);
        return s_fail(CLI_EXIT_USAGE, m);
    }
    if (argc == 2 && !strcmp(argv[1], "help")) {
        printf("NAME\n       %s -\n\nDESCRIPTION\n       %s\n", s_ops[k].op, s_ops[k].help);
        if (s_ops[k].args == A_SECONDS)
            printf("\nOPTIONS\n       --seconds (integer) [required]\n          Seconds of simulated time to add.\n");
        return CLI_EXIT_OK;
    }
    if (s_ops[k].args == A_PAGED)
        return s_paged_main(g, k, argc, argv);
    int64_t seconds = 0;
    char *args_json = NULL, *err = NULL;
    if (s_ops[k].args == A_PASSTHROUGH) {
        vs_json_t *args = cli_admin_args(argc - 1, argv + 1, &err);
        if (!args)
            return s_fail(CLI_EXIT_USAGE, err);
        args_json = vs_json_dump(args, 0);
        vs_json_free(&args);
    } else {
        const char *value = NULL;
        bool have = false;
        for (int i = 1; i < argc; i++) {
            const char *a = argv[i];
            if (s_ops[k].args == A_SECONDS && !strncmp(a, "--seconds", 9) && (a[9] == '=' || !a[9])) {
                if (a[9] == '=')
                    value = a + 10;
                else if (i + 1 < argc)
                    value = argv[++i];
                else
                    return s_fail(CLI_EXIT_USAGE, cli_usage_error("argument --seconds: expected one argument"));
                have = true;
                continue;
            }
            vs_buf_t m = VS_BUF_INIT;
            vs_buf_printf(&m, "\n%s\nUnknown options: %s\n", cli_usage_text(), a);
            return s_fail(CLI_EXIT_USAGE, vs_buf_take(&m));
        }
        if (s_ops[k].args == A_SECONDS) {
            if (!have)
                return s_fail(CLI_EXIT_USAGE, cli_usage_error("the following arguments are required: --seconds"));
            if (!cli_py_int(value, &seconds) || seconds < 0)
                return s_fail(CLI_EXIT_USAGE,
                              cli_error_text("Error parsing parameter '--seconds': expected a whole number of "
                                             "seconds, 0 or more, received: '%s'", value));
        }
    }
    vs_json_t *out = NULL;
    int rc = cli_admin_call_keyed(g->broker, g->keys, g->timeout_s, g->debug, s_ops[k].op, seconds,
                                  args_json, &out, &err);
    free(args_json);
    if (rc)
        return s_fail(rc, err);
    char *text = cli_output_format(out, g->output, s_ops[k].title, cli_term_width());
    vs_json_free(&out);
    cli_print_stdout(text);
    free(text);
    return CLI_EXIT_OK;
}
