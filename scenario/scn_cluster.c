/* scn_cluster: local or docker-compose clusters for scenarios (see
 * scn_cluster.h). */
#define _GNU_SOURCE
#include "scn_cluster.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "admin.h"
#include "buf.h"
#include "cluster_config.h"
#include "proc.h"
#include "scn_compose.h"
#include "scn_keys.h"
#include "transport.h"

#define S_STOP_TIMEOUT_S 5.0
#define S_COMPOSE_TIMEOUT_S 300.0

struct scn_cluster {
    const scn_scenario_t *scn;
    bool compose;
    char dir[CLI_PATH_MAX];
    char endpoint[256];
    bool want_keys;            /* false: an open cluster (`--no-keys`) */
    char keys[CLI_PATH_MAX];   /* the keyring every process and call uses; "" open */
    /* local */
    cli_cluster_config_t *cfg;
    char broker_exe[CLI_PATH_MAX];
    char agent_exe[CLI_PATH_MAX];
    pid_t broker;
    pid_t agents[SCN_MAX_AGENTS];
    /* compose */
    const char *const *compose_cmd;
    char project[64];
    char file[CLI_PATH_MAX + 32];
    char log[CLI_PATH_MAX + 32];
    bool up;
};


/* --- waiting ---------------------------------------------------------------- */

static bool s_agent_answers(const scn_cluster_t *c, const scn_agent_t *a)
{
    char err[256];
    vs_principal_t who;
    if (c->keys[0] && vs_principal_client(a->account, &who) < 0)
        return false;
    cli_transport_t *tx = cli_transport_new_as(c->endpoint, false, c->keys[0] ? c->keys : NULL, &who, err,
                                               sizeof err);
    if (!tx)
        return false;
    Vpcsim__Wire__ApiRequest rq = VPCSIM__WIRE__API_REQUEST__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    rq.action = "DescribeVpcs";
    rq.input_json = "{\"MaxResults\":5}";
    rq.account = to.account = (char *)a->account;
    rq.region = to.region = (char *)a->region;
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
    env.api_request = &rq;
    vs_env_t *reply = NULL;
    cli_tx_status_t st = cli_transport_call(tx, &env, 1.0, &reply, err, sizeof err);
    bool ok = st == CLI_TX_OK && reply->body_case == VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY && reply->api_reply->ok;
    vs_wire_free(&reply);
    cli_transport_destroy(&tx);
    return ok;
}

static bool s_broker_answers(const scn_cluster_t *c)
{
    vs_json_t *out = NULL;
    char *err = NULL;
    int rc = cli_admin_call_keyed(c->endpoint, c->keys, 1.0, false, "clock", 0, "", &out, &err);
    vs_json_free(&out);
    free(err);
    return rc == 0;
}

/* Until the broker and the agents in `which` (NULL: all) answer. */
static int s_wait(scn_cluster_t *c, const bool *which, double timeout_s, char *err, size_t errlen)
{
    double deadline = cli_proc_now() + timeout_s;
    for (;;) {
        vs_buf_t missing = VS_BUF_INIT;
        if (!s_broker_answers(c)) {
            vs_buf_printf(&missing, "the broker at %s does not answer", c->endpoint);
        } else {
            for (size_t i = 0; i < c->scn->nagents; i++) {
                const scn_agent_t *a = &c->scn->agents[i];
                if ((!which || which[i]) && !s_agent_answers(c, a))
                    vs_buf_printf(&missing, "%s%s (%s in %s)", missing.len ? ", " : "agents not answering: ",
                                   a->alias, a->account, a->region);
            }
        }
        if (!missing.len) {
            vs_buf_release(&missing);
            return 0;
        }
        if (cli_proc_now() >= deadline) {
            snprintf(err, errlen, "%s after %g s; see the logs in %s", vs_buf_str(&missing), timeout_s,
                     c->compose ? c->log : c->cfg->logs_dir);
            vs_buf_release(&missing);
            return -1;
        }
        vs_buf_release(&missing);
        cli_proc_sleep_ms(150);
    }
}

/* --- local processes ---------------------------------------------------------- */



static int s_local_broker(scn_cluster_t *c)
{
    c->broker = cli_cluster_spawn_broker(c->cfg, c->broker_exe, c->keys, true, "vpcsim scenario");
    if (c->broker < 0)
        c->broker = 0;
    return c->broker > 0 ? 0 : -1;
}

static int s_local_agent(scn_cluster_t *c, size_t i)
{
    pid_t pid = cli_cluster_spawn_agent(c->cfg, i, c->agent_exe, c->keys, true, "vpcsim scenario");
    c->agents[i] = pid > 0 ? pid : 0;
    return pid > 0 ? 0 : -1;
}

static int s_local_start(scn_cluster_t *c, char *err, size_t errlen)
{
    int port = cli_proc_free_port();
    if (port < 0) {
        snprintf(err, errlen, "no free loopback port");
        return -1;
    }
    if (cli_proc_find_exe("vpcsim-broker", c->broker_exe, sizeof c->broker_exe) < 0 ||
        cli_proc_find_exe("vpcsim-agent", c->agent_exe, sizeof c->agent_exe) < 0) {
        snprintf(err, errlen, "cannot find vpcsim-broker and vpcsim-agent next to vpcsim or on PATH");
        return -1;
    }
    /* The cluster file of `vpcsim cluster up`, so that a kept folder can be
     * started again by hand. */
    vs_json_t *doc = vs_json_object();
    char listen[64];
    snprintf(listen, sizeof listen, "tcp://127.0.0.1:%d", port);
    vs_json_set_str(vs_json_set(doc, "broker", vs_json_object()), "listen", listen);
    vs_json_set_str(doc, "data_dir", ".");
    /* With keys the keyring is DIR/keys, where cluster_config puts it. */
    if (!c->want_keys)
        vs_json_set(doc, "keys", vs_json_bool(false));
    vs_json_t *agents = vs_json_set(doc, "agents", vs_json_array());
    for (size_t i = 0; i < c->scn->nagents; i++) {
        const scn_agent_t *a = &c->scn->agents[i];
        vs_json_t *x = vs_json_push(agents, vs_json_object());
        vs_json_set_str(x, "account", a->account);
        vs_json_set_str(x, "region", a->region);
        vs_json_t *o = vs_json_set(x, "options", vs_json_array());
        for (size_t k = 0; k < a->noptions; k++)
            vs_json_push(o, vs_json_str(a->options[k]));
    }
    char *text = vs_json_dump(doc, 4);
    vs_json_free(&doc);
    char path[CLI_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/cluster.json", c->dir);
    char *perr = NULL;
    if (!text || cli_proc_write_file(path, text) != 0 ||
        !(c->cfg = cli_cluster_config_parse(text, strlen(text), c->dir, &perr)) ||
        cli_proc_mkdirs(c->cfg->logs_dir) != 0 || cli_proc_mkdirs(c->cfg->broker_dir) != 0) {
        snprintf(err, errlen, "cannot set up %s: %s", c->dir, perr ? perr : strerror(errno));
        free(perr);
        free(text);
        return -1;
    }
    free(text);
    snprintf(c->endpoint, sizeof c->endpoint, "%s", c->cfg->endpoint);
    snprintf(c->keys, sizeof c->keys, "%s", c->cfg->keys_dir);
    if (c->keys[0] && scn_keys_init(c->scn, c->keys, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < c->cfg->nagents; i++) {
        if (cli_proc_mkdirs(c->cfg->agents[i].data_dir) != 0) {
            snprintf(err, errlen, "cannot create %s: %s", c->cfg->agents[i].data_dir, strerror(errno));
            return -1;
        }
    }
    if (s_local_broker(c) < 0) {
        snprintf(err, errlen, "cannot start vpcsim-broker");
        return -1;
    }
    for (size_t i = 0; i < c->cfg->nagents; i++) {
        if (s_local_agent(c, i) < 0) {
            snprintf(err, errlen, "cannot start vpcsim-agent for %s", c->scn->agents[i].alias);
            return -1;
        }
    }
    return 0;
}

/* SIGTERM to everything, up to S_STOP_TIMEOUT_S for clean exits, then SIGKILL. */
static void s_local_stop(scn_cluster_t *c)
{
    cli_proc_stop_all(&c->broker, c->agents, c->scn->nagents, S_STOP_TIMEOUT_S);
}

/* --- docker compose ----------------------------------------------------------- */

/* Runs argv with its output appended to log; the exit status, or -1 if it
 * could not run or took longer than timeout_s (then it is killed). */
static int s_run(const char *const *argv, const char *log, double timeout_s)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int out = log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0644) : open("/dev/null", O_WRONLY);
        if (in >= 0)
            dup2(in, 0);
        if (out >= 0) {
            dup2(out, 1);
            dup2(out, 2);
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    double deadline = cli_proc_now() + timeout_s;
    for (;;) {
        int status = 0;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (r < 0 && errno != EINTR)
            return -1;
        if (cli_proc_now() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            return -1;
        }
        cli_proc_sleep_ms(50);
    }
}

const char *const *scn_compose_command(char *why, size_t whylen)
{
    static const char *const plugin[] = { "docker", "compose", NULL };
    static const char *const standalone[] = { "docker-compose", NULL };
    const char *const info[] = { "docker", "info", NULL };
    if (s_run(info, NULL, 60) != 0) {
        snprintf(why, whylen, "Docker is not usable here (`docker info` failed: is it installed and running, "
                              "and may this user use it?)");
        return NULL;
    }
    const char *const v1[] = { "docker", "compose", "version", NULL };
    if (s_run(v1, NULL, 60) == 0)
        return plugin;
    const char *const v2[] = { "docker-compose", "version", NULL };
    if (s_run(v2, NULL, 60) == 0)
        return standalone;
    snprintf(why, whylen, "neither `docker compose` nor `docker-compose` is installed");
    return NULL;
}

/* compose -f FILE -p PROJECT args... */
static int s_compose(scn_cluster_t *c, const char *const *args, double timeout_s)
{
    const char *argv[32];
    size_t n = 0;
    for (size_t i = 0; c->compose_cmd[i]; i++)
        argv[n++] = c->compose_cmd[i];
    argv[n++] = "-f";
    argv[n++] = c->file;
    argv[n++] = "-p";
    argv[n++] = c->project;
    for (size_t i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return s_run(argv, c->log, timeout_s);
}

static int s_compose_start(scn_cluster_t *c, char *err, size_t errlen)
{
    char why[300];
    if (!(c->compose_cmd = scn_compose_command(why, sizeof why))) {
        snprintf(err, errlen, "%s", why);
        return -1;
    }
    const char *image = getenv("VPCSIM_IMAGE");
    if (!image || !*image)
        image = "vpcsim:latest";
    const char *const inspect[] = { "docker", "image", "inspect", image, NULL };
    if (s_run(inspect, NULL, 60) != 0) {
        snprintf(err, errlen, "the image %s does not exist: build it with deploy/build-image.sh "
                              "(or set VPCSIM_IMAGE)", image);
        return -1;
    }
    int port = cli_proc_free_port();
    if (port < 0) {
        snprintf(err, errlen, "no free loopback port");
        return -1;
    }
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    setenv("VPCSIM_PORT", portstr, 1);
    setenv("VPCSIM_IMAGE", image, 1);
    snprintf(c->endpoint, sizeof c->endpoint, "tcp://127.0.0.1:%d", port);
    snprintf(c->project, sizeof c->project, "vpcsim-scenario-%ld", (long)getpid());
    snprintf(c->file, sizeof c->file, "%s/docker-compose.yml", c->dir);
    snprintf(c->log, sizeof c->log, "%s/compose.log", c->dir);
    /* The gateway's host port is free too, so that runs side by side (or
     * next to the fixed deployment) do not collide on 4566. */
    int gw_port = cli_proc_free_port();
    if (gw_port < 0) {
        snprintf(err, errlen, "no free loopback port");
        return -1;
    }
    snprintf(portstr, sizeof portstr, "%d", gw_port);
    setenv("VPCSIM_GATEWAY_PORT", portstr, 1);
    if (c->want_keys) {
        /* Compose mounts the files from here (the Docker daemon must see
         * this folder, as it sees deploy/keys for the fixed deployment). */
        if (snprintf(c->keys, sizeof c->keys, "%s/keys", c->dir) >= (int)sizeof c->keys) {
            snprintf(err, errlen, "the folder %s is too long", c->dir);
            return -1;
        }
        if (scn_keys_init(c->scn, c->keys, err, errlen) < 0)
            return -1;
        setenv("VPCSIM_KEYS_DIR", c->keys, 1);
    }
    char *yaml = scn_compose_yaml(c->scn, c->want_keys);
    if (!yaml || cli_proc_write_file(c->file, yaml) != 0) {
        free(yaml);
        snprintf(err, errlen, "cannot write %s", c->file);
        return -1;
    }
    free(yaml);
    c->up = true;
    const char *const up[] = { "up", "-d", NULL };
    if (s_compose(c, up, S_COMPOSE_TIMEOUT_S) != 0) {
        snprintf(err, errlen, "`compose up` failed; see %s", c->log);
        return -1;
    }
    return 0;
}

static void s_compose_stop(scn_cluster_t *c, bool keep)
{
    if (!c->up)
        return;
    if (keep) {
        fprintf(stderr, "vpcsim scenario: kept the compose project %s (broker %s); stop it with:\n"
                        "  %s%s -f %s -p %s down -v\n", c->project, c->endpoint, c->compose_cmd[0],
                c->compose_cmd[1] ? " compose" : "", c->file, c->project);
        return;
    }
    const char *const stop[] = { "stop", "-t", "10", NULL };
    s_compose(c, stop, 120);
    const char *const down[] = { "down", "-v", "--remove-orphans", NULL };
    s_compose(c, down, 120);
}

/* --- the interface -------------------------------------------------------------- */

scn_cluster_t *scn_cluster_start(const scn_scenario_t *s, const char *dir, bool compose, bool keys,
                                 double timeout_s, char *err, size_t errlen)
{
    scn_cluster_t *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->scn = s;
    c->compose = compose;
    c->want_keys = keys;
    snprintf(c->dir, sizeof c->dir, "%s", dir);
    int rc = compose ? s_compose_start(c, err, errlen) : s_local_start(c, err, errlen);
    if (rc == 0)
        rc = s_wait(c, NULL, timeout_s, err, errlen);
    if (rc < 0) {
        scn_cluster_destroy(&c, false);
        return NULL;
    }
    return c;
}

void scn_cluster_destroy(scn_cluster_t **cp, bool keep)
{
    if (!cp || !*cp)
        return;
    scn_cluster_t *c = *cp;
    if (c->compose)
        s_compose_stop(c, keep);
    else if (c->cfg)
        s_local_stop(c);
    cli_cluster_config_free(&c->cfg);
    free(c);
    *cp = NULL;
}

const char *scn_cluster_endpoint(const scn_cluster_t *c)
{
    return c->endpoint;
}

const char *scn_cluster_keys(const scn_cluster_t *c)
{
    return c->keys[0] ? c->keys : NULL;
}

int scn_cluster_kill(scn_cluster_t *c, bool broker, size_t agent, char *err, size_t errlen)
{
    if (c->compose) {
        char service[96] = "broker";
        if (!broker)
            scn_compose_service(c->scn, agent, service, sizeof service);
        const char *const args[] = { "kill", "-s", "SIGKILL", service, NULL };
        if (s_compose(c, args, 120) != 0) {
            snprintf(err, errlen, "`compose kill %s` failed; see %s", service, c->log);
            return -1;
        }
        return 0;
    }
    if (cli_proc_kill9(broker ? &c->broker : &c->agents[agent]) < 0) {
        snprintf(err, errlen, "%s was not running", broker ? "the broker" : c->scn->agents[agent].alias);
        return -1;
    }
    return 0;
}

int scn_cluster_restart(scn_cluster_t *c, bool broker, size_t agent, double timeout_s, char *err,
                        size_t errlen)
{
    if (c->compose) {
        char service[96] = "broker";
        if (!broker)
            scn_compose_service(c->scn, agent, service, sizeof service);
        const char *const args[] = { "start", service, NULL };
        if (s_compose(c, args, 120) != 0) {
            snprintf(err, errlen, "`compose start %s` failed; see %s", service, c->log);
            return -1;
        }
    } else if (broker) {
        if (cli_proc_alive(&c->broker)) {
            snprintf(err, errlen, "the broker is still running (kill it first)");
            return -1;
        }
        if (s_local_broker(c) < 0) {
            snprintf(err, errlen, "cannot start vpcsim-broker");
            return -1;
        }
    } else {
        if (cli_proc_alive(&c->agents[agent])) {
            snprintf(err, errlen, "%s is still running (kill it first)", c->scn->agents[agent].alias);
            return -1;
        }
        if (s_local_agent(c, agent) < 0) {
            snprintf(err, errlen, "cannot start vpcsim-agent for %s", c->scn->agents[agent].alias);
            return -1;
        }
    }
    bool which[SCN_MAX_AGENTS] = { false };
    if (!broker)
        which[agent] = true;
    else
        for (size_t i = 0; i < c->scn->nagents; i++)
            which[i] = c->compose || cli_proc_alive(&c->agents[i]);   /* a killed agent stays down */
    return s_wait(c, which, timeout_s, err, errlen);
}
