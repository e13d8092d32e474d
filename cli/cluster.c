/* cluster: local cluster processes (see cluster.h). */
#include "cluster.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "proc.h"
#include "buf.h"
#include "cluster_config.h"
#include "keys.h"
#include "paramfile.h"

#define S_UP_TIMEOUT_S 15.0
#define S_DOWN_TIMEOUT_S 5.0

static int s_fail(int rc, char *msg)
{
    if (msg)
        fputs(msg, stderr);
    free(msg);
    return rc;
}

/* Is pid alive and one of our executables (not a reused pid)? */
static bool s_ours(pid_t pid)
{
    if (pid <= 0)
        return false;
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *rp = strrchr(buf, ')');
    if (!rp || rp[1] != ' ' || rp[2] == 'Z' || rp[2] == 'X')
        return false;
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    f = fopen(path, "r");
    if (!f)
        return false;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *base = strrchr(buf, '/');
    base = base ? base + 1 : buf;
    return !strncmp(base, "vpcsim-", 7);
}

static void s_reap(pid_t pid)
{
    while (waitpid(pid, NULL, WNOHANG) < 0 && errno == EINTR)
        ;
}

/* SIGTERM each, wait up to S_DOWN_TIMEOUT_S, SIGKILL the rest. status[i]
 * gets "stopped", "killed" or "not running". */
static void s_stop(const pid_t *pids, size_t n, const char **status)
{
    for (size_t i = 0; i < n; i++) {
        status[i] = "not running";
        if (s_ours(pids[i]) && kill(pids[i], SIGTERM) == 0)
            status[i] = "stopped";
    }
    double deadline = cli_proc_now() + S_DOWN_TIMEOUT_S;
    for (;;) {
        bool alive = false;
        for (size_t i = 0; i < n; i++) {
            s_reap(pids[i]);
            alive |= !strcmp(status[i], "stopped") && s_ours(pids[i]);
        }
        if (!alive || cli_proc_now() >= deadline)
            break;
        cli_proc_sleep_ms(50);
    }
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(status[i], "stopped") && s_ours(pids[i])) {
            kill(pids[i], SIGKILL);
            status[i] = "killed";
        }
    }
    for (int k = 0; k < 20; k++) {
        bool alive = false;
        for (size_t i = 0; i < n; i++) {
            s_reap(pids[i]);
            alive |= s_ours(pids[i]);
        }
        if (!alive)
            break;
        cli_proc_sleep_ms(50);
    }
}

static vs_json_t *s_summary(const cli_cluster_config_t *c, const pid_t *pids, const char **status)
{
    vs_json_t *doc = vs_json_object();
    vs_json_t *b = vs_json_set(doc, "Broker", vs_json_object());
    vs_json_set_str(b, "Endpoint", c->endpoint);
    vs_json_set_int(b, "Pid", pids[0]);
    if (status)
        vs_json_set_str(b, "Status", status[0]);
    /* Clients need it: VPCSIM_KEYS=<Keys> or --keys <Keys>. */
    if (c->keys_dir[0])
        vs_json_set_str(b, "Keys", c->keys_dir);
    vs_json_t *agents = vs_json_set(doc, "Agents", vs_json_array());
    for (size_t i = 0; i < c->nagents; i++) {
        vs_json_t *a = vs_json_push(agents, vs_json_object());
        vs_json_set_str(a, "AccountId", c->agents[i].account);
        vs_json_set_str(a, "Region", c->agents[i].region);
        vs_json_set_int(a, "Pid", pids[i + 1]);
        vs_json_set_str(a, "DataDir", c->agents[i].data_dir);
        if (status)
            vs_json_set_str(a, "Status", status[i + 1]);
    }
    return doc;
}

/* Reads the pid file: pids[0] broker, pids[1..] agents, matched to the
 * config by account and Region (0 when not recorded). -1 if absent. */
static int s_read_pids(const cli_cluster_config_t *c, pid_t *pids)
{
    char *err = NULL, ref[CLI_PATH_MAX + 8];
    snprintf(ref, sizeof ref, "file://%s", c->pid_file);
    char *text = cli_paramfile_load(NULL, ref, &err);
    free(err);
    if (!text)
        return -1;
    vs_json_t *doc = vs_json_parse(text, strlen(text), NULL, 0);
    free(text);
    memset(pids, 0, (c->nagents + 1) * sizeof *pids);
    pids[0] = (pid_t)vs_json_get_int(vs_json_get(doc, "Broker"), "Pid", 0);
    const vs_json_t *agents = vs_json_get(doc, "Agents");
    for (size_t k = 0; k < vs_json_len(agents); k++) {
        const vs_json_t *a = vs_json_at(agents, k);
        for (size_t i = 0; i < c->nagents; i++)
            if (!strcmp(c->agents[i].account, vs_json_get_str(a, "AccountId") ?: "") &&
                !strcmp(c->agents[i].region, vs_json_get_str(a, "Region") ?: ""))
                pids[i + 1] = (pid_t)vs_json_get_int(a, "Pid", 0);
    }
    vs_json_free(&doc);
    return 0;
}

static void s_print_doc(const vs_json_t *doc)
{
    char *s = vs_json_dump(doc, 4);
    if (s)
        printf("%s\n", s);
    fflush(stdout);
    free(s);
}

/* Which configured agents are not online yet, per describe-agents. */
static size_t s_not_online(const cli_cluster_config_t *c, const vs_json_t *agents_doc, vs_buf_t *names)
{
    size_t missing = 0;
    const vs_json_t *list = vs_json_get(agents_doc, "Agents");
    for (size_t i = 0; i < c->nagents; i++) {
        bool online = false;
        for (size_t k = 0; k < vs_json_len(list) && !online; k++) {
            const vs_json_t *a = vs_json_at(list, k);
            online = !strcmp(vs_json_get_str(a, "AccountId") ?: "", c->agents[i].account) &&
                     !strcmp(vs_json_get_str(a, "Region") ?: "", c->agents[i].region) &&
                     !strcmp(vs_json_get_str(a, "Status") ?: "", "online");
        }
        if (!online) {
            if (names)
                vs_buf_printf(names, "%s%s in %s", missing ? ", " : "", c->agents[i].account,
                               c->agents[i].region);
            missing++;
        }
    }
    return missing;
}

/* Creates (or completes) the cluster's keyring: the broker, the admin,
 * each agent and each agent's account as a client. */
static int s_keyring(const cli_cluster_config_t *c, vs_buf_t *why)
{
    const char **agents = calloc(c->nagents + 1, sizeof *agents);
    const char **clients = calloc(c->nagents + 1, sizeof *clients);
    char (*names)[64] = calloc(c->nagents + 1, sizeof *names);
    size_t nc = 0;
    int rc = -1;
    if (!agents || !clients || !names) {
        vs_buf_puts(why, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < c->nagents; i++) {
        snprintf(names[i], sizeof names[i], "%s:%s", c->agents[i].account, c->agents[i].region);
        agents[i] = names[i];
        bool seen = false;
        for (size_t k = 0; k < nc && !seen; k++)
            seen = !strcmp(clients[k], c->agents[i].account);
        if (!seen)
            clients[nc++] = c->agents[i].account;
    }
    char err[600];
    if (vs_keys_init(c->keys_dir, agents, c->nagents, clients, nc, NULL, err, sizeof err) < 0) {
        vs_buf_printf(why, "cannot create the keyring: %s", err);
        goto out;
    }
    rc = 0;
out:
    free(agents);
    free(clients);
    free(names);
    return rc;
}

static int s_up(const cli_globals_t *g, const cli_cluster_config_t *c, const char *config)
{
    size_t n = c->nagents + 1;
    pid_t *pids = calloc(n, sizeof *pids);
    const char **status = calloc(n, sizeof *status);
    char broker_exe[CLI_PATH_MAX], agent_exe[CLI_PATH_MAX];
    vs_buf_t why = VS_BUF_INIT;
    int rc = CLI_EXIT_FAILED;
    if (!pids || !status)
        goto out;
    if (s_read_pids(c, pids) == 0) {
        for (size_t i = 0; i < n; i++) {
            if (s_ours(pids[i])) {
                vs_buf_printf(&why, "a cluster is already running from this config (pid %d, see %s); "
                                     "stop it first with `vpcsim cluster down --config %s`",
                               (int)pids[i], c->pid_file, config);
                memset(pids, 0, n * sizeof *pids);
                goto out;
            }
        }
        memset(pids, 0, n * sizeof *pids);
    }
    if (cli_proc_find_exe("vpcsim-broker", broker_exe, sizeof broker_exe) < 0 ||
        cli_proc_find_exe("vpcsim-agent", agent_exe, sizeof agent_exe) < 0) {
        vs_buf_puts(&why, "cannot find vpcsim-broker and vpcsim-agent next to vpcsim or on PATH");
        goto out;
    }
    if (cli_proc_mkdirs(c->logs_dir) < 0 || cli_proc_mkdirs(c->broker_dir) < 0) {
        vs_buf_printf(&why, "cannot create %s: %s", c->data_dir, strerror(errno));
        goto out;
    }
    if (c->keys_dir[0] && s_keyring(c, &why) < 0)
        goto out;
    pids[0] = cli_cluster_spawn_broker(c, broker_exe, c->keys_dir, false, "vpcsim cluster");
    for (size_t i = 0; pids[0] > 0 && i < c->nagents; i++) {
        const cli_cluster_agent_t *a = &c->agents[i];
        if (cli_proc_mkdirs(a->data_dir) < 0) {
            vs_buf_printf(&why, "cannot create %s: %s", a->data_dir, strerror(errno));
            goto fail;
        }
        pids[i + 1] = cli_cluster_spawn_agent(c, i, agent_exe, c->keys_dir, false, "vpcsim cluster");
        if (pids[i + 1] < 0)
            break;
    }
    for (size_t i = 0; i < n; i++) {
        if (pids[i] < 0) {
            vs_buf_printf(&why, "fork failed: %s", strerror(errno));
            goto fail;
        }
    }
    vs_json_t *doc = s_summary(c, pids, NULL);
    char *text = vs_json_dump(doc, 4);
    int wrc = text ? cli_proc_write_file(c->pid_file, text) : -1;
    free(text);
    if (wrc < 0) {
        vs_json_free(&doc);
        vs_buf_printf(&why, "cannot write %s: %s", c->pid_file, strerror(errno));
        goto fail;
    }
    /* Wait until the broker answers and every agent is online. */
    double deadline = cli_proc_now() + S_UP_TIMEOUT_S;
    vs_buf_t pending = VS_BUF_INIT;
    for (;;) {
        for (size_t i = 0; i < n; i++) {
            int st;
            if (waitpid(pids[i], &st, WNOHANG) == pids[i]) {
                vs_buf_printf(&why, "%s %s %d during start-up; see %s",
                               i ? c->agents[i - 1].name : "the broker",
                               WIFEXITED(st) ? "exited with status" : "was killed by signal",
                               WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st),
                               i ? c->agents[i - 1].log : c->broker_log);
                pids[i] = 0;
                vs_buf_release(&pending);
                vs_json_free(&doc);
                goto fail;
            }
        }
        vs_json_t *agents = NULL;
        char *err = NULL;
        vs_buf_release(&pending);
        if (cli_admin_call_keyed(c->endpoint, c->keys_dir, 1.0, g->debug, "describe-agents", 0, "",
                                 &agents, &err) == 0) {
            size_t missing = s_not_online(c, agents, &pending);
            vs_json_free(&agents);
            if (!missing)
                break;
        } else {
            vs_buf_printf(&pending, "the broker at %s", c->endpoint);
        }
        free(err);
        if (cli_proc_now() >= deadline) {
            vs_buf_printf(&why, "not online after %g s: %s; see the logs in %s", S_UP_TIMEOUT_S,
                           vs_buf_str(&pending), c->logs_dir);
            vs_buf_release(&pending);
            vs_json_free(&doc);
            goto fail;
        }
        cli_proc_sleep_ms(200);
    }
    vs_buf_release(&pending);
    s_print_doc(doc);
    vs_json_free(&doc);
    rc = CLI_EXIT_OK;
    goto out;
fail:
    s_stop(pids, n, status);
    unlink(c->pid_file);
out:
    if (rc)
        s_fail(rc, cli_error_text("vpcsim cluster up: %s", why.len ? vs_buf_str(&why) : "out of memory"));
    vs_buf_release(&why);
    free(pids);
    free(status);
    return rc;
}

static int s_down(const cli_cluster_config_t *c)
{
    size_t n = c->nagents + 1;
    pid_t *pids = calloc(n, sizeof *pids);
    const char **status = calloc(n, sizeof *status);
    if (!pids || !status) {
        free(pids);
        free(status);
        return s_fail(CLI_EXIT_FAILED, cli_error_text("out of memory"));
    }
    if (s_read_pids(c, pids) < 0)
        fprintf(stderr, "vpcsim cluster down: no cluster is running from this config (no %s)\n", c->pid_file);
    s_stop(pids, n, status);
    unlink(c->pid_file);
    vs_json_t *doc = s_summary(c, pids, status);
    s_print_doc(doc);
    vs_json_free(&doc);
    free(pids);
    free(status);
    return CLI_EXIT_OK;
}

int cli_cluster_main(const cli_globals_t *g, int argc, char **argv)
{
    if (argc < 1)
        return s_fail(CLI_EXIT_USAGE, cli_usage_error("the following arguments are required: operation"));
    if (!strcmp(argv[0], "help") || (argc == 2 && !strcmp(argv[1], "help"))) {
        printf("NAME\n       cluster -\n\nDESCRIPTION\n"
               "       Starts and stops a local broker and agents from a cluster file.\n\n"
               "SYNOPSIS\n       vpcsim cluster up --config FILE\n       vpcsim cluster down --config FILE\n");
        return CLI_EXIT_OK;
    }
    bool up = !strcmp(argv[0], "up");
    if (!up && strcmp(argv[0], "down")) {
        return s_fail(CLI_EXIT_USAGE, cli_usage_error("argument operation: Invalid choice, valid choices "
                                                      "are:\n\nup | down | help"));
    }
    const char *config = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc)
            config = argv[++i];
        else if (!strncmp(argv[i], "--config=", 9))
            config = argv[i] + 9;
        else if (!strcmp(argv[i], "--config"))
            return s_fail(CLI_EXIT_USAGE, cli_usage_error("argument --config: expected one argument"));
        else {
            vs_buf_t m = VS_BUF_INIT;
            vs_buf_printf(&m, "\n%s\nUnknown options: %s\n", cli_usage_text(), argv[i]);
            return s_fail(CLI_EXIT_USAGE, vs_buf_take(&m));
        }
    }
    if (!config)
        return s_fail(CLI_EXIT_USAGE, cli_usage_error("the following arguments are required: --config"));
    char ref[CLI_PATH_MAX + 8], *err = NULL;
    snprintf(ref, sizeof ref, "file://%s", config);
    char *text = cli_paramfile_load(NULL, ref, &err);
    if (!text)
        return s_fail(CLI_EXIT_USAGE, cli_error_text("Error parsing parameter '--config': %s", err ? err : ""));
    free(err);
    char abs_cfg[CLI_PATH_MAX], dir[CLI_PATH_MAX];
    if (!realpath(config, abs_cfg))
        snprintf(abs_cfg, sizeof abs_cfg, "%s", config);
    snprintf(dir, sizeof dir, "%s", abs_cfg);
    cli_cluster_config_t *c = cli_cluster_config_parse(text, strlen(text), dirname(dir), &err);
    free(text);
    if (!c) {
        int rc = s_fail(CLI_EXIT_USAGE, cli_error_text("Error parsing parameter '--config': %s: %s", config, err));
        free(err);
        return rc;
    }
    int rc = up ? s_up(g, c, config) : s_down(c);
    cli_cluster_config_free(&c);
    return rc;
}
