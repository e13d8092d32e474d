/* cluster_config: cluster file parsing (see cluster_config.h). */
#include "cluster_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "proc.h"
#include "json.h"

static char *s_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *s_err(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return strdup(buf);
}

static int s_join(char *out, const char *dir, const char *rel)
{
    /* "./data" relative to dir is dir/data: drop leading "./" segments. */
    while (rel[0] == '.' && rel[1] == '/') {
        rel += 2;
        while (*rel == '/')
            rel++;
    }
    if (!*rel || !strcmp(rel, "."))
        return snprintf(out, CLI_PATH_MAX, "%s", dir) >= CLI_PATH_MAX ? -1 : 0;
    int n = rel[0] == '/' ? snprintf(out, CLI_PATH_MAX, "%s", rel)
                          : snprintf(out, CLI_PATH_MAX, "%s/%s", dir, rel);
    return n < 0 || n >= CLI_PATH_MAX ? -1 : 0;
}

/* Wildcard listen addresses ("tcp://STAR:5555", "tcp://0.0.0.0:5555"): clients on the
 * same machine connect to the loopback address instead. */
static void s_client_endpoint(char *out, size_t n, const char *listen)
{
    const char *p = strstr(listen, "://");
    if (p && (!strncmp(p + 3, "*:", 2) || !strncmp(p + 3, "0.0.0.0:", 8))) {
        const char *port = strchr(p + 3, ':');
        snprintf(out, n, "%.*s://127.0.0.1%s", (int)(p - listen), listen, port);
    } else {
        snprintf(out, n, "%s", listen);
    }
}

void cli_cluster_config_free(cli_cluster_config_t **cp)
{
    if (!cp || !*cp)
        return;
    cli_cluster_config_t *c = *cp;
    for (size_t i = 0; i < c->nagents; i++) {
        for (size_t k = 0; k < c->agents[i].noptions; k++)
            free(c->agents[i].options[k]);
        free(c->agents[i].options);
    }
    free(c->agents);
    for (size_t k = 0; k < c->nbroker_options; k++)
        free(c->broker_options[k]);
    free(c->broker_options);
    free(c);
    *cp = NULL;
}

/* The "options" list of `what` (NULL: none) into *out, *n (owned; *n
 * counts what is to be freed, also after an error). NULL, or the error. */
static char *s_parse_options(const vs_json_t *opts, const char *what, char ***out, size_t *n)
{
    if (opts && vs_json_type(opts) != VS_JSON_ARRAY)
        return s_err("%s.options must be a list of strings", what);
    size_t want = vs_json_len(opts);
    *n = 0;
    *out = calloc(want ? want : 1, sizeof **out);
    if (!*out)
        return s_err("out of memory");
    for (size_t k = 0; k < want; k++) {
        const char *o = vs_json_as_str(vs_json_at(opts, k));
        if (!o)
            return s_err("%s.options[%zu] is not a string", what, k);
        if (!((*out)[k] = strdup(o)))
            return s_err("out of memory");
        *n = k + 1;
    }
    return NULL;
}

static char *s_parse_agent(cli_cluster_agent_t *a, const vs_json_t *j, size_t i, const char *data_dir)
{
    if (vs_json_type(j) != VS_JSON_OBJECT)
        return s_err("agents[%zu] is not an object", i);
    const char *acct = vs_json_get_str(j, "account");
    const char *region = vs_json_get_str(j, "region");
    if (!acct || !vs_account_valid(acct))
        return s_err("agents[%zu].account must be a 12-digit account ID", i);
    if (!region || !vs_region_known(region))
        return s_err("agents[%zu].region \"%s\" is not a known AWS Region", i, region ? region : "");
    snprintf(a->account, sizeof a->account, "%s", acct);
    snprintf(a->region, sizeof a->region, "%s", region);
    snprintf(a->name, sizeof a->name, "agent-%s-%s", acct, region);
    char rel[128];
    snprintf(rel, sizeof rel, "agents/%s-%s", acct, region);
    if (s_join(a->data_dir, data_dir, rel) < 0)
        return s_err("data_dir is too long");
    snprintf(rel, sizeof rel, "logs/%s.log", a->name);
    if (s_join(a->log, data_dir, rel) < 0)
        return s_err("data_dir is too long");
    char what[32];
    snprintf(what, sizeof what, "agents[%zu]", i);
    return s_parse_options(vs_json_get(j, "options"), what, &a->options, &a->noptions);
}

cli_cluster_config_t *cli_cluster_config_parse(const char *text, size_t len, const char *config_dir,
                                               char **err)
{
    char why[160];
    *err = NULL;
    vs_json_t *doc = vs_json_parse(text, len, why, sizeof why);
    if (!doc) {
        *err = s_err("not valid JSON: %s", why);
        return NULL;
    }
    cli_cluster_config_t *c = calloc(1, sizeof *c);
    if (!c) {
        vs_json_free(&doc);
        *err = s_err("out of memory");
        return NULL;
    }
    const vs_json_t *broker = vs_json_get(doc, "broker");
    const char *listen = vs_json_get_str(broker, "listen");
    const char *data_dir = vs_json_get(doc, "data_dir") ? vs_json_get_str(doc, "data_dir") : "./vpcsim-data";
    const vs_json_t *agents = vs_json_get(doc, "agents");
    if (vs_json_type(doc) != VS_JSON_OBJECT)
        *err = s_err("the config must be a JSON object");
    else if (!listen || !*listen || strlen(listen) >= sizeof c->listen)
        *err = s_err("broker.listen must be an endpoint such as \"tcp://127.0.0.1:5555\"");
    else if (!data_dir || !*data_dir)
        *err = s_err("data_dir must be a path");
    else if (vs_json_type(agents) != VS_JSON_ARRAY)
        *err = s_err("agents must be a list");
    if (*err || (*err = s_parse_options(vs_json_get(broker, "options"), "broker",
                                        &c->broker_options, &c->nbroker_options)))
        goto fail;
    snprintf(c->listen, sizeof c->listen, "%s", listen);
    s_client_endpoint(c->endpoint, sizeof c->endpoint, listen);
    if (s_join(c->data_dir, config_dir, data_dir) < 0 || s_join(c->broker_dir, c->data_dir, "broker") < 0 ||
        s_join(c->logs_dir, c->data_dir, "logs") < 0 || s_join(c->broker_log, c->data_dir, "logs/broker.log") < 0 ||
        s_join(c->pid_file, c->data_dir, "cluster.pids") < 0) {
        *err = s_err("data_dir is too long");
        goto fail;
    }
    const vs_json_t *keys = vs_json_get(doc, "keys");
    if (keys && vs_json_type(keys) != VS_JSON_BOOL) {
        *err = s_err("keys must be true (the default: a keyring in data_dir/keys) or false");
        goto fail;
    }
    if (vs_json_as_bool(keys, true) && s_join(c->keys_dir, c->data_dir, "keys") < 0) {
        *err = s_err("data_dir is too long");
        goto fail;
    }
    c->nagents = vs_json_len(agents);
    c->agents = calloc(c->nagents ? c->nagents : 1, sizeof *c->agents);
    if (!c->agents) {
        c->nagents = 0;
        *err = s_err("out of memory");
        goto fail;
    }
    for (size_t i = 0; i < c->nagents; i++) {
        if ((*err = s_parse_agent(&c->agents[i], vs_json_at(agents, i), i, c->data_dir)))
            goto fail;
        for (size_t k = 0; k < i; k++) {
            if (!strcmp(c->agents[k].name, c->agents[i].name)) {
                *err = s_err("agents[%zu] repeats account %s in %s", i, c->agents[i].account,
                             c->agents[i].region);
                goto fail;
            }
        }
    }
    vs_json_free(&doc);
    return c;
fail:
    vs_json_free(&doc);
    cli_cluster_config_free(&c);
    return NULL;
}

/* Runs base[0..nbase) (the program and its own arguments), then --keys
 * keys_dir if there is one, then the config's extra options, logging to
 * log (cli_proc_spawn). The pid, or -1. */
static pid_t s_spawn(char *const *base, size_t nbase, const char *keys_dir, char *const *options,
                     size_t noptions, const char *log, bool die_with_parent, const char *who)
{
    char **argv = calloc(nbase + 2 + noptions + 1, sizeof *argv);
    if (!argv)
        return -1;
    size_t k = 0;
    for (size_t b = 0; b < nbase; b++)
        argv[k++] = base[b];
    if (keys_dir && keys_dir[0]) {
        argv[k++] = "--keys";
        argv[k++] = (char *)keys_dir;
    }
    for (size_t o = 0; o < noptions; o++)
        argv[k++] = options[o];
    pid_t pid = cli_proc_spawn(argv, log, die_with_parent, who);
    free(argv);
    return pid;
}

pid_t cli_cluster_spawn_broker(const cli_cluster_config_t *c, const char *exe, const char *keys_dir,
                               bool die_with_parent, const char *who)
{
    char *const base[] = { (char *)exe, "--listen", (char *)c->listen, "--data-dir",
                           (char *)c->broker_dir };
    return s_spawn(base, sizeof base / sizeof *base, keys_dir, c->broker_options,
                   c->nbroker_options, c->broker_log, die_with_parent, who);
}

pid_t cli_cluster_spawn_agent(const cli_cluster_config_t *c, size_t i, const char *exe,
                              const char *keys_dir, bool die_with_parent, const char *who)
{
    if (i >= c->nagents)
        return -1;
    const cli_cluster_agent_t *a = &c->agents[i];
    char *const base[] = { (char *)exe, "--broker", (char *)c->endpoint, "--account",
                           (char *)a->account, "--region", (char *)a->region, "--data-dir",
                           (char *)a->data_dir };
    return s_spawn(base, sizeof base / sizeof *base, keys_dir, a->options, a->noptions, a->log,
                   die_with_parent, who);
}
