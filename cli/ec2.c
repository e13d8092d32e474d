/* ec2: the ec2 command runner (see ec2.h). */
#include "ec2.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argparse.h"
#include "buf.h"
#include "cmdtable.h"
#include "help.h"
#include "output.h"
#include "paginate.h"
#include "paramfile.h"
#include "suggest.h"
#include "term.h"
#include "retry.h"
#include "transport.h"

typedef struct {
    const cli_globals_t *g;
    const cli_cmd_t *cmd;
    cli_transport_t *tx;
} s_ctx_t;

static int s_fail(int rc, char *msg)
{
    if (msg)
        fputs(msg, stderr);
    free(msg);
    return rc;
}

static const char *s_undeliverable_reason(const Vpcsim__Wire__Undeliverable *u)
{
    switch (u->reason) {
    case VPCSIM__WIRE__UNDELIVERABLE_REASON__NO_SUCH_AGENT: return "no such agent";
    case VPCSIM__WIRE__UNDELIVERABLE_REASON__AGENT_OFFLINE: return "agent offline";
    case VPCSIM__WIRE__UNDELIVERABLE_REASON__BAD_ADDRESS: return "bad address";
    case VPCSIM__WIRE__UNDELIVERABLE_REASON__MALFORMED: return "the broker could not decode the request";
    case VPCSIM__WIRE__UNDELIVERABLE_REASON__PARTITIONED: return "network partitioned (fault injection)";
    default: return "undeliverable";
    }
}

/* One ApiRequest/ApiReply exchange; a cli_fetch_fn. */
static int s_fetch(void *vctx, const vs_json_t *input, vs_json_t **output)
{
    s_ctx_t *c = vctx;
    const cli_globals_t *g = c->g;
    *output = NULL;
    char *input_json = vs_json_dump(input, 0);
    if (!input_json)
        return s_fail(CLI_EXIT_FAILED, cli_error_text("out of memory"));
    if (g->debug)
        fprintf(stderr, "vpcsim: %s %s\n", c->cmd->action, input_json);

    Vpcsim__Wire__Address to = VPCSIM__WIRE__ADDRESS__INIT;
    Vpcsim__Wire__ApiRequest req = VPCSIM__WIRE__API_REQUEST__INIT;
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    to.account = (char *)g->account;
    to.region = (char *)g->region;
    req.action = (char *)c->cmd->action;
    req.input_json = input_json;
    req.account = (char *)g->account;
    req.region = (char *)g->region;
    env.to = &to;
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST;
    env.api_request = &req;

    vs_env_t *reply = NULL;
    char err[256] = "";
    cli_tx_status_t st = cli_retry_call(c->tx, &env, g->timeout_s, g->max_attempts, &reply, NULL,
                                        err, sizeof err);
    free(input_json);
    const char *why = NULL;
    char whybuf[320];
    switch (st) {
    case CLI_TX_OK:
        break;
    case CLI_TX_NOT_CONNECTED:
        snprintf(whybuf, sizeof whybuf, "broker not reachable within %g s", g->timeout_s);
        why = whybuf;
        break;
    case CLI_TX_TIMEOUT:
        snprintf(whybuf, sizeof whybuf, "no answer within %g s", g->timeout_s);
        why = whybuf;
        break;
    case CLI_TX_REFUSED:
        /* Checked before sending, like botocore's parameter validation. */
        return s_fail(CLI_EXIT_USAGE,
                      cli_error_text("Parameter validation failed:\nInvalid request for %s: %s",
                                     c->cmd->action, err));
    default:
        why = err;
        break;
    }
    if (!why && reply->body_case == VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE) {
        const Vpcsim__Wire__Undeliverable *u = reply->undeliverable;
        bool detail = u->detail && *u->detail &&
                      u->reason != VPCSIM__WIRE__UNDELIVERABLE_REASON__NO_SUCH_AGENT &&
                      u->reason != VPCSIM__WIRE__UNDELIVERABLE_REASON__AGENT_OFFLINE;
        snprintf(whybuf, sizeof whybuf, "%s%s%s%s", s_undeliverable_reason(u), detail ? " (" : "",
                 detail ? u->detail : "", detail ? ")" : "");
        why = whybuf;
    } else if (!why && reply->body_case != VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY) {
        why = "unexpected reply";
    }
    if (why) {
        vs_wire_free(&reply);
        return s_fail(CLI_EXIT_FAILED,
                      cli_error_text("Could not connect to the endpoint URL: \"%s\" (agent for account %s in %s): %s",
                                     g->broker, g->account, g->region, why));
    }
    const Vpcsim__Wire__ApiReply *r = reply->api_reply;
    if (!r->ok) {
        int rc = s_fail(CLI_EXIT_SERVICE,
                        cli_error_text("An error occurred (%s) when calling the %s operation: %s",
                                       r->error_code && *r->error_code ? r->error_code : "Unknown",
                                       c->cmd->action, r->error_message ? r->error_message : ""));
        vs_wire_free(&reply);
        return rc;
    }
    const char *out = r->output_json ? r->output_json : "";
    char perr[128] = "";
    *output = *out ? vs_json_parse(out, strlen(out), perr, sizeof perr) : vs_json_object();
    vs_wire_free(&reply);
    if (!*output)
        return s_fail(CLI_EXIT_FAILED, cli_error_text("The agent returned malformed JSON for %s: %s",
                                                      c->cmd->action, perr));
    if (g->debug) {
        char *d = vs_json_dump(*output, 0);
        fprintf(stderr, "vpcsim: reply %s\n", d ? d : "");
        free(d);
    }
    return 0;
}

static int s_cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int s_invalid_operation(const char *name)
{
    const char *names[64];
    size_t n = 0;
    for (size_t i = 0; cli_cmdtable_at(i) && n < 63; i++)
        names[n++] = cli_cmdtable_at(i)->name;
    names[n++] = "help";
    qsort(names, n, sizeof *names, s_cmp_names);
    vs_buf_t b = VS_BUF_INIT;
    cli_suggest_invalid_choice(&b, "operation", name, names, n);
    char *m = cli_usage_error("%s", vs_buf_str(&b));
    vs_buf_release(&b);
    return s_fail(CLI_EXIT_USAGE, m);
}

/* What botocore does to every call before sending it: absent idempotency
 * tokens get a UUID4, and RunInstances' UserData is base64-encoded
 * (handlers.base64_encode_user_data). */
static void s_before_send(const cli_cmd_t *cmd, vs_json_t *input)
{
    const char *ud = !strcmp(cmd->action, "RunInstances") ? vs_json_get_str(input, "UserData") : NULL;
    if (ud) {
        size_t n = strlen(ud), cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
        char *b64 = malloc(cap);
        if (b64) {
            sodium_bin2base64(b64, cap, (const unsigned char *)ud, n, sodium_base64_VARIANT_ORIGINAL);
            vs_json_set_str(input, "UserData", b64);
            free(b64);
        }
    }
    for (const cli_opt_t *o = cmd->opts; o->name; o++) {
        if (cli_opt_token(o) && !vs_json_get(input, o->member)) {
            char uuid[37];
            cli_random_uuid(uuid);
            vs_json_set_str(input, o->member, uuid);
        }
    }
}

int cli_ec2_main(const cli_globals_t *g, int argc, char **argv)
{
    if (argc < 1)
        return s_fail(CLI_EXIT_USAGE, cli_usage_error("the following arguments are required: operation"));
    if (!strcmp(argv[0], "help")) {
        vs_buf_t b = VS_BUF_INIT;
        cli_help_ec2(&b);
        cli_print_stdout(vs_buf_str(&b));
        vs_buf_release(&b);
        return CLI_EXIT_OK;
    }
    const cli_cmd_t *cmd = cli_cmdtable_find(argv[0]);
    if (!cmd)
        return s_invalid_operation(argv[0]);
    cli_call_t call;
    char *err = NULL;
    int rc = cli_argparse(cmd, argc - 1, argv + 1, g->no_paginate, cli_paramfile_load, NULL, &call, &err);
    if (rc)
        return s_fail(rc, err);
    if (call.help) {
        vs_buf_t b = VS_BUF_INIT;
        cli_help_cmd(&b, cmd);
        cli_print_stdout(vs_buf_str(&b));
        vs_buf_release(&b);
        cli_call_clear(&call);
        return CLI_EXIT_OK;
    }
    rc = cli_globals_require_identity(g, &err);
    if (rc) {
        cli_call_clear(&call);
        return s_fail(rc, err);
    }
    s_before_send(cmd, call.input);

    char terr[256];
    s_ctx_t ctx = { .g = g, .cmd = cmd };
    vs_principal_t me;
    if (g->keys[0] && vs_principal_client(g->account, &me) != 0) {
        cli_call_clear(&call);
        return s_fail(CLI_EXIT_USAGE, cli_error_text("'%s' is not an account id", g->account));
    }
    ctx.tx = cli_transport_new_as(g->broker, g->debug, g->keys[0] ? g->keys : NULL, &me, terr,
                                  sizeof terr);
    if (!ctx.tx) {
        cli_call_clear(&call);
        return s_fail(CLI_EXIT_FAILED, cli_error_text("Could not connect to the endpoint URL: \"%s\" "
                                                      "(agent for account %s in %s): %s",
                                                      g->broker, g->account, g->region, terr));
    }
    vs_json_t *out = NULL;
    if (cmd->result_key && !call.paging.manual) {
        rc = cli_paginate(cmd->result_key, call.input, &call.paging, s_fetch, &ctx, &out, &err);
        if (rc && err)
            fputs(err, stderr);
        free(err);
    } else {
        rc = s_fetch(&ctx, call.input, &out);
    }
    cli_transport_destroy(&ctx.tx);
    cli_call_clear(&call);
    if (rc)
        return rc;
    char *text = cli_output_format(out, g->output, cmd->action, cli_term_width());
    vs_json_free(&out);
    if (!text)
        return s_fail(CLI_EXIT_FAILED, cli_error_text("out of memory"));
    cli_print_stdout(text);
    free(text);
    return CLI_EXIT_OK;
}
