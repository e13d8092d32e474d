#include "viz_fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "globals.h"
#include "ids.h"
#include "topology.h"
#include "transport.h"

#define VIZ_MAX_AGENTS 16
#define VIZ_MAX_PAGES 50

struct viz_fetch {
    cli_transport_t *tx;       /* as `caller` (made on first use) */
    char endpoint[256];
    char keys[4096];           /* keyring dir; "" = an open broker */
    char caller[16];
    char region[64];
    double timeout_s;
    bool debug;
};

/* The connection as the current caller: with a keyring, authenticated
 * with that account's client key (a client acts only as its own account). */
static cli_transport_t *s_tx(viz_fetch_t *f, char *err, size_t errlen)
{
    if (f->tx)
        return f->tx;
    if (!f->keys[0]) {
        f->tx = cli_transport_new(f->endpoint, f->debug, err, errlen);
        return f->tx;
    }
    vs_principal_t who;
    if (vs_principal_client(f->caller, &who) != 0) {
        snprintf(err, errlen, "'%s' is not an account id", f->caller);
        return NULL;
    }
    f->tx = cli_transport_new_as(f->endpoint, f->debug, f->keys, &who, err, errlen);
    return f->tx;
}

viz_fetch_t *viz_fetch_new(const char *endpoint, const char *keys_dir, const char *caller,
                           const char *region, double timeout_s, bool debug, char **err)
{
    *err = NULL;
    viz_fetch_t *f = calloc(1, sizeof *f);
    if (!f) {
        *err = cli_error_text("out of memory");
        return NULL;
    }
    snprintf(f->endpoint, sizeof f->endpoint, "%s", endpoint);
    snprintf(f->caller, sizeof f->caller, "%s", caller);
    snprintf(f->region, sizeof f->region, "%s", region);
    snprintf(f->keys, sizeof f->keys, "%s", keys_dir ? keys_dir : "");
    f->timeout_s = timeout_s;
    f->debug = debug;
    char terr[256] = "";
    if (!keys_dir && !s_tx(f, terr, sizeof terr)) {
        *err = cli_error_text("Could not connect to the endpoint URL: \"%s\": %s", endpoint, terr);
        free(f);
        return NULL;
    }
    return f;
}

void viz_fetch_destroy(viz_fetch_t **f)
{
    if (!f || !*f)
        return;
    cli_transport_destroy(&(*f)->tx);
    free(*f);
    *f = NULL;
}

void viz_fetch_act_as(viz_fetch_t *f, const char *account, const char *region)
{
    if (f->keys[0] && strcmp(f->caller, account) != 0)
        cli_transport_destroy(&f->tx);      /* another account: another key */
    snprintf(f->caller, sizeof f->caller, "%s", account);
    snprintf(f->region, sizeof f->region, "%s", region);
}

vs_json_t *viz_fetch_clock(viz_fetch_t *f)
{
    vs_json_t *out = NULL;
    char *err = NULL;
    cli_admin_call_keyed(f->endpoint, f->keys[0] ? f->keys : NULL, f->timeout_s, f->debug, "clock", 0, NULL, &out, &err);
    free(err);
    return out;
}

vs_json_t *viz_fetch_agents(viz_fetch_t *f, char **err)
{
    vs_json_t *out = NULL;
    *err = NULL;
    if (cli_admin_call_keyed(f->endpoint, f->keys[0] ? f->keys : NULL, f->timeout_s, f->debug, "describe-agents", 0, NULL, &out, err) != 0)
        return NULL;
    return out;
}

int viz_fetch_call(viz_fetch_t *f, const char *account, const char *region, const char *action,
                   const vs_json_t *input, vs_json_t **out, char **err)
{
    *out = NULL;
    *err = NULL;
    char *in = input ? vs_json_dump(input, 0) : strdup("{}");
    if (!in) {
        *err = cli_error_text("out of memory");
        return CLI_EXIT_FAILED;
    }
    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    Vpcsim__Wire__ApiRequest req = VPCSIM__WIRE__API_REQUEST__INIT;
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    to.account = (char *)account;
    to.region = (char *)region;
    req.action = (char *)action;
    req.input_json = in;
    req.account = f->caller;     /* who asks: the agent answers with what it may see */
    req.region = (char *)region;
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
    env.api_request = &req;
    vs_env_t *reply = NULL;
    char terr[256] = "";
    cli_transport_t *tx = s_tx(f, terr, sizeof terr);
    cli_tx_status_t st = tx ? cli_transport_call(tx, &env, f->timeout_s, &reply, terr, sizeof terr)
                            : CLI_TX_ERROR;
    free(in);
    if (st != CLI_TX_OK || reply->body_case != VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY) {
        const char *why = st == CLI_TX_NOT_CONNECTED ? "broker not reachable"
                          : st == CLI_TX_TIMEOUT     ? "no answer in time"
                          : st != CLI_TX_OK          ? terr
                          : reply->body_case == VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE &&
                                    reply->undeliverable->detail
                              ? reply->undeliverable->detail
                              : "unexpected reply";
        *err = cli_error_text("Could not connect to the endpoint URL: \"%s\" (agent for account %s "
                              "in %s): %s", f->endpoint, account, region, why);
        vs_wire_free(&reply);
        return CLI_EXIT_FAILED;
    }
    const Vpcsim__Wire__ApiReply *r = reply->api_reply;
    int rc = 0;
    if (!r->ok) {
        *err = cli_error_text("An error occurred (%s) when calling the %s operation: %s",
                              r->error_code ? r->error_code : "Unknown", action,
                              r->error_message ? r->error_message : "");
        rc = CLI_EXIT_SERVICE;
    } else {
        const char *js = r->output_json ? r->output_json : "";
        char perr[128] = "";
        *out = *js ? vs_json_parse(js, strlen(js), perr, sizeof perr) : vs_json_object();
        if (!*out) {
            *err = cli_error_text("The agent returned malformed JSON for %s: %s", action, perr);
            rc = CLI_EXIT_FAILED;
        }
    }
    vs_wire_free(&reply);
    return rc;
}

/* All events of pcx one agent lets the caller see, page by page. */
static int s_agent_events(viz_fetch_t *f, const char *account, const char *region, const char *pcx,
                          vs_json_t *events, char **err)
{
    int64_t after = 0;
    for (int page = 0; page < VIZ_MAX_PAGES; page++) {
        vs_json_t *in = vs_json_object(), *out = NULL;
        vs_json_set_str(in, "ObjectId", pcx);
        vs_json_set_int(in, "AfterSeq", after);
        int rc = viz_fetch_call(f, account, region, "DescribeEvents", in, &out, err);
        vs_json_free(&in);
        if (rc)
            return rc;
        const vs_json_t *evs = vs_json_get(out, "Events");
        for (size_t i = 0; i < vs_json_len(evs); i++)
            vs_json_push(events, vs_json_clone(vs_json_at(evs, i)));
        int64_t last = vs_json_get_int(out, "LastSeq", after);
        vs_json_free(&out);
        if (last <= after)
            return 0;
        after = last;
    }
    return 0;
}

static bool s_known(const vs_json_t *agents, const char *account, const char *region)
{
    for (size_t i = 0; i < vs_json_len(agents); i++) {
        const vs_json_t *a = vs_json_at(agents, i);
        if (!strcmp(vs_json_get_str(a, "AccountId"), account) &&
            !strcmp(vs_json_get_str(a, "Region"), region))
            return true;
    }
    return false;
}

static vs_json_t *s_agent(vs_json_t *agents, const char *account, const char *region)
{
    vs_json_t *a = vs_json_push(agents, vs_json_object());
    vs_json_set_str(a, "AccountId", account);
    vs_json_set_str(a, "Region", region);
    vs_json_set(a, "Events", vs_json_array());
    return a;
}

int viz_fetch_history(viz_fetch_t *f, const char *pcx, bool warn, vs_json_t **out, char **err)
{
    *out = NULL;
    *err = NULL;
    vs_json_t *doc = vs_json_object();
    vs_json_set_str(doc, "PcxId", pcx);
    vs_json_set_str(doc, "Caller", f->caller);
    vs_json_t *agents = vs_json_set(doc, "Agents", vs_json_array());
    s_agent(agents, f->caller, f->region);
    /* Breadth first: each agent's messages name the agents on the other end. */
    for (size_t i = 0; i < vs_json_len(agents) && i < VIZ_MAX_AGENTS; i++) {
        vs_json_t *a = (vs_json_t *)vs_json_at(agents, i);
        char account[16], region[64];
        snprintf(account, sizeof account, "%s", vs_json_get_str(a, "AccountId"));
        snprintf(region, sizeof region, "%s", vs_json_get_str(a, "Region"));
        vs_json_t *evs = (vs_json_t *)vs_json_get(a, "Events");
        char *e = NULL;
        int rc = s_agent_events(f, account, region, pcx, evs, &e);
        if (rc && i == 0) {
            vs_json_free(&doc);
            *err = e;
            return rc;
        }
        if (rc) {
            if (warn)
                fprintf(stderr, "vpcsim: the agent of %s in %s did not answer; its side is "
                                "missing:%s", account, region, e ? e : "\n");
            free(e);
            continue;
        }
        for (size_t k = 0; k < vs_json_len(evs); k++) {
            const char *pa = vs_json_get_str(vs_json_at(evs, k), "PeerAccount");
            const char *pr = vs_json_get_str(vs_json_at(evs, k), "PeerRegion");
            if (pa && pr && vs_account_valid(pa) && vs_region_known(pr) &&
                !s_known(agents, pa, pr) && vs_json_len(agents) < VIZ_MAX_AGENTS)
                s_agent(agents, pa, pr);
        }
    }
    if (vs_json_len(vs_json_get(vs_json_at(agents, 0), "Events")) == 0) {
        vs_json_free(&doc);
        *err = cli_error_text("An error occurred (InvalidVpcPeeringConnectionID.NotFound) when "
                              "calling the DescribeEvents operation: The vpcPeeringConnection ID "
                              "'%s' does not exist", pcx);
        return CLI_EXIT_SERVICE;
    }
    *out = doc;
    return 0;
}

int viz_fetch_topology(viz_fetch_t *f, vs_json_t **out, char **err)
{
    *out = NULL;
    *err = NULL;
    /* Where the caller's account has agents: the broker knows. */
    vs_json_t *agents = NULL;
    char *aerr = NULL;
    const char *regions[64];
    size_t n = 0;
    if (cli_admin_call_keyed(f->endpoint, f->keys[0] ? f->keys : NULL, f->timeout_s, f->debug, "describe-agents", 0, NULL, &agents,
                       &aerr) == 0) {
        const vs_json_t *l = vs_json_get(agents, "Agents");
        for (size_t i = 0; i < vs_json_len(l) && n < 64; i++) {
            const vs_json_t *a = vs_json_at(l, i);
            const char *acct = vs_json_get_str(a, "AccountId");
            const char *st = vs_json_get_str(a, "Status");
            if (acct && !strcmp(acct, f->caller) && st && !strcmp(st, "online") &&
                vs_json_get_str(a, "Region"))
                regions[n++] = vs_json_get_str(a, "Region");
        }
    }
    free(aerr);
    if (n == 0)
        regions[n++] = f->region;
    vs_json_t *doc = vs_topo_new();
    static const char *const actions[3] = { "DescribeVpcs", "DescribeVpcPeeringConnections",
                                            "DescribeRouteTables" };
    int rc = doc ? 0 : CLI_EXIT_FAILED;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        vs_json_t *res[3] = { NULL, NULL, NULL };
        for (int k = 0; rc == 0 && k < 3; k++)
            rc = viz_fetch_call(f, f->caller, regions[i], actions[k], NULL, &res[k], err);
        if (rc == 0 && vs_topo_add(doc, f->caller, regions[i], res[0], res[1], res[2]) != 0) {
            *err = cli_error_text("The agent of %s in %s returned an unexpected document",
                                  f->caller, regions[i]);
            rc = CLI_EXIT_FAILED;
        }
        for (int k = 0; k < 3; k++)
            vs_json_free(&res[k]);
    }
    vs_json_free(&agents);
    if (rc) {
        vs_json_free(&doc);
        if (!*err)
            *err = cli_error_text("out of memory");
        return rc;
    }
    *out = doc;
    return 0;
}
