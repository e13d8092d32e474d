/* chaos_proc: local cluster processes of a chaos run (see chaos_proc.h). */
#define _GNU_SOURCE
#include "chaos_proc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "proc.h"
#include "buf.h"
#include "json.h"
#include "keys.h"
#include "transport.h"

#define S_STOP_TIMEOUT_S 5.0

struct ch_cluster {
    cli_cluster_config_t *cfg;
    char broker_exe[CLI_PATH_MAX];
    char agent_exe[CLI_PATH_MAX];
    pid_t broker;            /* 0 when not running */
    pid_t *agents;
};

/* A loopback port nobody listens on right now. The broker binds it a
 * moment later; the race with another program is accepted. */

ch_cluster_t *ch_cluster_new(const char *dir, char accounts[][16], char regions[][32], size_t n,
                             const char *const *agent_opts, size_t nopts, char *err, size_t errlen)
{
    ch_cluster_t *c = calloc(1, sizeof *c);
    int port = cli_proc_free_port();
    if (!c || port < 0) {
        snprintf(err, errlen, "%s", c ? "no free loopback port" : "out of memory");
        free(c);
        return NULL;
    }
    if (cli_proc_find_exe("vpcsim-broker", c->broker_exe, sizeof c->broker_exe) < 0 ||
        cli_proc_find_exe("vpcsim-agent", c->agent_exe, sizeof c->agent_exe) < 0) {
        snprintf(err, errlen, "cannot find vpcsim-broker and vpcsim-agent next to vpcsim or on PATH");
        free(c);
        return NULL;
    }
    vs_json_t *doc = vs_json_object();
    char listen[64];
    snprintf(listen, sizeof listen, "tcp://127.0.0.1:%d", port);
    vs_json_set_str(vs_json_set(doc, "broker", vs_json_object()), "listen", listen);
    vs_json_set_str(doc, "data_dir", ".");
    vs_json_t *agents = vs_json_set(doc, "agents", vs_json_array());
    for (size_t i = 0; i < n; i++) {
        vs_json_t *a = vs_json_push(agents, vs_json_object());
        vs_json_set_str(a, "account", accounts[i]);
        vs_json_set_str(a, "region", regions[i]);
        vs_json_t *o = vs_json_set(a, "options", vs_json_array());
        for (size_t k = 0; k < nopts; k++)
            vs_json_push(o, vs_json_str(agent_opts[k]));
    }
    char *text = vs_json_dump(doc, 4);
    vs_json_free(&doc);
    char path[CLI_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/cluster.json", dir);
    char *perr = NULL;
    if (!text || cli_proc_write_file(path, text) != 0 ||
        !(c->cfg = cli_cluster_config_parse(text, strlen(text), dir, &perr)) ||
        cli_proc_mkdirs(c->cfg->logs_dir) != 0 || cli_proc_mkdirs(c->cfg->broker_dir) != 0) {
        snprintf(err, errlen, "cannot set up %s: %s", dir, perr ? perr : strerror(errno));
        free(perr);
        free(text);
        ch_cluster_destroy(&c);
        return NULL;
    }
    free(text);
    /* The run is authenticated like a real cluster: a keyring for every
     * agent, its account's client, and the admin. */
    if (c->cfg->keys_dir[0]) {
        const char **ag = calloc(n + 1, sizeof *ag), **cl = calloc(n + 1, sizeof *cl);
        char (*names)[64] = calloc(n + 1, sizeof *names);
        int krc = -1;
        if (ag && cl && names) {
            for (size_t i = 0; i < n; i++) {
                snprintf(names[i], sizeof names[i], "%s:%s", accounts[i], regions[i]);
                ag[i] = names[i];
                cl[i] = accounts[i];   /* repeats are kept as they are */
            }
            krc = vs_keys_init(c->cfg->keys_dir, ag, n, cl, n, NULL, err, errlen);
        } else {
            snprintf(err, errlen, "out of memory");
        }
        free(ag);
        free(cl);
        free(names);
        if (krc < 0) {
            ch_cluster_destroy(&c);
            return NULL;
        }
    }
    c->agents = calloc(n ? n : 1, sizeof *c->agents);
    for (size_t i = 0; c->agents && i < n; i++) {
        if (cli_proc_mkdirs(c->cfg->agents[i].data_dir) != 0) {
            snprintf(err, errlen, "cannot create %s: %s", c->cfg->agents[i].data_dir, strerror(errno));
            ch_cluster_destroy(&c);
            return NULL;
        }
    }
    if (!c->agents) {
        snprintf(err, errlen, "out of memory");
        ch_cluster_destroy(&c);
    }
    return c;
}

const char *ch_cluster_endpoint(const ch_cluster_t *c)
{
    return c->cfg->endpoint;
}

const cli_cluster_config_t *ch_cluster_config(const ch_cluster_t *c)
{
    return c->cfg;
}

size_t ch_cluster_nagents(const ch_cluster_t *c)
{
    return c->cfg->nagents;
}

int ch_cluster_start_broker(ch_cluster_t *c)
{
    if (ch_cluster_broker_alive(c))
        return 0;
    c->broker = cli_cluster_spawn_broker(c->cfg, c->broker_exe, c->cfg->keys_dir, true,
                                         "vpcsim chaos");
    if (c->broker < 0)
        c->broker = 0;
    return c->broker > 0 ? 0 : -1;
}

int ch_cluster_start_agent(ch_cluster_t *c, size_t i)
{
    if (i >= c->cfg->nagents)
        return -1;
    if (ch_cluster_agent_alive(c, i))
        return 0;
    pid_t pid = cli_cluster_spawn_agent(c->cfg, i, c->agent_exe, c->cfg->keys_dir, true,
                                        "vpcsim chaos");
    c->agents[i] = pid > 0 ? pid : 0;
    return pid > 0 ? 0 : -1;
}


bool ch_cluster_broker_alive(ch_cluster_t *c)
{
    return cli_proc_alive(&c->broker);
}

bool ch_cluster_agent_alive(ch_cluster_t *c, size_t i)
{
    return i < c->cfg->nagents && cli_proc_alive(&c->agents[i]);
}


int ch_cluster_kill_broker(ch_cluster_t *c)
{
    return cli_proc_kill9(&c->broker);
}

int ch_cluster_kill_agent(ch_cluster_t *c, size_t i)
{
    return i < c->cfg->nagents ? cli_proc_kill9(&c->agents[i]) : -1;
}

/* Does agent i answer an API call? The broker may still list a restarted
 * agent under its dead connection for a moment; a real answer is proof. */
static bool s_agent_answers(const ch_cluster_t *c, size_t i)
{
    char err[256];
    vs_principal_t who;
    vs_principal_client(c->cfg->agents[i].account, &who);
    cli_transport_t *tx = cli_transport_new_as(c->cfg->endpoint, false,
                                               c->cfg->keys_dir[0] ? c->cfg->keys_dir : NULL, &who,
                                               err, sizeof err);
    if (!tx)
        return false;
    Vpcsim__Wire__ApiRequest rq = VPCSIM__WIRE__API_REQUEST__INIT;
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    rq.action = "DescribeVpcs";
    rq.input_json = "{\"MaxResults\":5}";
    rq.account = to.account = c->cfg->agents[i].account;
    rq.region = to.region = c->cfg->agents[i].region;
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
    env.api_request = &rq;
    vs_env_t *reply = NULL;
    cli_tx_status_t st = cli_transport_call(tx, &env, 1.0, &reply, err, sizeof err);
    bool ok = st == CLI_TX_OK && reply->body_case == VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY &&
              reply->api_reply->ok;
    vs_wire_free(&reply);
    cli_transport_destroy(&tx);
    return ok;
}

int ch_cluster_wait_online(ch_cluster_t *c, double timeout_s, char *why, size_t whylen)
{
    double deadline = cli_proc_now() + timeout_s;
    size_t n = c->cfg->nagents;
    for (;;) {
        vs_buf_t missing = VS_BUF_INIT;
        vs_json_t *doc = NULL;
        char *err = NULL;
        if (!ch_cluster_broker_alive(c)) {
            vs_buf_printf(&missing, "the broker is not running");
        } else if (cli_admin_call_keyed(c->cfg->endpoint, c->cfg->keys_dir, 1.0, false,
                                        "describe-agents", 0, "", &doc, &err) != 0) {
            vs_buf_printf(&missing, "the broker at %s does not answer", c->cfg->endpoint);
        } else {
            const vs_json_t *list = vs_json_get(doc, "Agents");
            for (size_t i = 0; i < n; i++) {
                const cli_cluster_agent_t *a = &c->cfg->agents[i];
                bool online = false;
                for (size_t k = 0; k < vs_json_len(list) && !online; k++) {
                    const vs_json_t *x = vs_json_at(list, k);
                    online = !strcmp(vs_json_get_str(x, "AccountId") ?: "", a->account) &&
                             !strcmp(vs_json_get_str(x, "Region") ?: "", a->region) &&
                             !strcmp(vs_json_get_str(x, "Status") ?: "", "online");
                }
                if (!ch_cluster_agent_alive(c, i) || !online || !s_agent_answers(c, i))
                    vs_buf_printf(&missing, "%s%s in %s", missing.len ? ", " : "agents not online: ",
                                   a->account, a->region);
            }
        }
        vs_json_free(&doc);
        free(err);
        if (!missing.len) {
            vs_buf_release(&missing);
            return 0;
        }
        if (cli_proc_now() >= deadline) {
            snprintf(why, whylen, "%s after %g s; see the logs in %s", vs_buf_str(&missing), timeout_s,
                     c->cfg->logs_dir);
            vs_buf_release(&missing);
            return -1;
        }
        vs_buf_release(&missing);
        cli_proc_sleep_ms(100);
    }
}

/* SIGTERM to everything, up to S_STOP_TIMEOUT_S for clean exits (so leak
 * checkers report), then SIGKILL. */
static void s_stop_all(ch_cluster_t *c)
{
    cli_proc_stop_all(&c->broker, c->agents, c->agents ? c->cfg->nagents : 0, S_STOP_TIMEOUT_S);
}

void ch_cluster_destroy(ch_cluster_t **cp)
{
    if (!cp || !*cp)
        return;
    ch_cluster_t *c = *cp;
    if (c->cfg)
        s_stop_all(c);
    cli_cluster_config_free(&c->cfg);
    free(c->agents);
    free(c);
    *cp = NULL;
}

static int s_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

int ch_rmtree(const char *dir)
{
    return nftw(dir, s_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
