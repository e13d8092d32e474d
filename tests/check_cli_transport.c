/* Tests of the vpcsim command line against a fake broker (a ROUTER in a
 * thread): the request the CLI sends, and each outcome with its exit code
 * and exact stderr/stdout: ApiReply ok (printed, paginated), ApiReply
 * error (254), Undeliverable (255), no answer (255), no broker (255), and
 * admin requests. Replies for other msg_ids are ignored. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "admin.h"
#include "ec2.h"
#include "globals.h"
#include "transport.h"
#include "wire.h"

typedef struct {
    void *ctx;
    void *router;
    char endpoint[64];
    pthread_t thread;
    char last_action[64];
    char last_input[512];
    char last_account[16];
    char last_to_region[32];
    int requests;
} s_broker_t;

/* The stamp the real broker puts on what it relays: the agent of the
 * account and Region the request went to, or the broker itself. */
static Vpcsim__Wire__Party s_agent_party(const char *account, const char *region)
{
    Vpcsim__Wire__Party p = VPCSIM__WIRE__PARTY__INIT;
    p.kind = VPCSIM__WIRE__PARTY_KIND__PARTY_AGENT;
    p.account = (char *)account;
    p.region = (char *)region;
    return p;
}

static Vpcsim__Wire__Party s_broker_party = { PROTOBUF_C_MESSAGE_INIT(&vpcsim__wire__party__descriptor),
                                              VPCSIM__WIRE__PARTY_KIND__PARTY_BROKER, "", "", "",
                                              { 0, NULL } };

static Vpcsim__Wire__Party s_stamp;    /* of the request being answered */

static void s_reply_api(s_broker_t *b, const zmq_msg_t *route, uint64_t id, bool ok, const char *out,
                        const char *code, const char *msg)
{
    Vpcsim__Wire__ApiReply r = VPCSIM__WIRE__API_REPLY__INIT;
    vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
    env.sender = &s_stamp;
    r.in_reply_to = id;
    r.ok = ok;
    r.output_json = (char *)(out ? out : "");
    r.error_code = (char *)(code ? code : "");
    r.error_message = (char *)(msg ? msg : "");
    env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_API_REPLY;
    env.api_reply = &r;
    vs_wire_send_to(b->router, zmq_msg_data((zmq_msg_t *)route), zmq_msg_size((zmq_msg_t *)route), &env, 0);
}

/* Behaviour by account: 111... answers (two pages for DescribeSubnets),
 * 222... fails, 333... is unknown to the broker, 444... never answers. */
static void *s_broker_main(void *arg)
{
    s_broker_t *b = arg;
    for (;;) {
        zmq_msg_t route, frame;
        zmq_msg_init(&route);
        zmq_msg_init(&frame);
        if (zmq_msg_recv(&route, b->router, 0) < 0 || zmq_msg_recv(&frame, b->router, 0) < 0)
            return NULL;
        char err[128];
        vs_env_t *e = vs_wire_decode(zmq_msg_data(&frame), zmq_msg_size(&frame), err, sizeof err);
        if (e && e->body_case == VPCSIM__WIRE__ENVELOPE__BODY_API_REQUEST) {
            const Vpcsim__Wire__ApiRequest *q = e->api_request;
            b->requests++;
            snprintf(b->last_action, sizeof b->last_action, "%s", q->action);
            snprintf(b->last_input, sizeof b->last_input, "%s", q->input_json);
            snprintf(b->last_account, sizeof b->last_account, "%s", q->account);
            snprintf(b->last_to_region, sizeof b->last_to_region, "%s", e->to ? e->to->region : "");
            s_stamp = s_agent_party(b->last_account, b->last_to_region);
            /* a stray reply first: the CLI must ignore it */
            s_reply_api(b, &route, e->msg_id + 1, true, "{\"Stray\":true}", NULL, NULL);
            if (!strcmp(q->account, "111111111111")) {
                if (!strcmp(q->action, "DescribeSubnets"))
                    s_reply_api(b, &route, e->msg_id, true,
                                strstr(q->input_json, "\"NextToken\":\"p2\"")
                                    ? "{\"Subnets\":[{\"SubnetId\":\"subnet-2\"}]}"
                                    : "{\"Subnets\":[{\"SubnetId\":\"subnet-1\"}],\"NextToken\":\"p2\"}",
                                NULL, NULL);
                else if (!strcmp(q->action, "DeleteVpc"))
                    s_reply_api(b, &route, e->msg_id, true, "{}", NULL, NULL);
                else
                    s_reply_api(b, &route, e->msg_id, true, "{\"Return\":true}", NULL, NULL);
            } else if (!strcmp(q->account, "222222222222")) {
                s_reply_api(b, &route, e->msg_id, false, NULL, "InvalidVpcID.NotFound",
                            "The vpc ID 'vpc-1' does not exist");
            } else if (!strcmp(q->account, "333333333333")) {
                Vpcsim__Wire__Undeliverable u = VPCSIM__WIRE__UNDELIVERABLE__INIT;
                vs_env_t r = VPCSIM__WIRE__ENVELOPE__INIT;
                u.in_reply_to = e->msg_id;
                u.reason = VPCSIM__WIRE__UNDELIVERABLE_REASON__NO_SUCH_AGENT;
                r.body_case = VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE;
                r.undeliverable = &u;
                r.sender = &s_broker_party;
                vs_wire_send_to(b->router, zmq_msg_data(&route), zmq_msg_size(&route), &r, 0);
            } else if (!strcmp(q->account, "555555555555")) {
                /* Forgeries with the right msg_id: an ApiReply stamped as
                 * another account's agent, an Undeliverable stamped as an
                 * agent. The CLI must take neither. */
                s_stamp = s_agent_party("999999999999", b->last_to_region);
                s_reply_api(b, &route, e->msg_id, true, "{\"Forged\":true}", NULL, NULL);
                Vpcsim__Wire__Undeliverable u = VPCSIM__WIRE__UNDELIVERABLE__INIT;
                vs_env_t r = VPCSIM__WIRE__ENVELOPE__INIT;
                Vpcsim__Wire__Party agent = s_agent_party("999999999999", b->last_to_region);
                u.in_reply_to = e->msg_id;
                u.reason = VPCSIM__WIRE__UNDELIVERABLE_REASON__NO_SUCH_AGENT;
                r.body_case = VPCSIM__WIRE__ENVELOPE__BODY_UNDELIVERABLE;
                r.undeliverable = &u;
                r.sender = &agent;
                vs_wire_send_to(b->router, zmq_msg_data(&route), zmq_msg_size(&route), &r, 0);
            }
        } else if (e && e->body_case == VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REQUEST) {
            const Vpcsim__Wire__AdminRequest *q = e->admin_request;
            Vpcsim__Wire__AdminReply r = VPCSIM__WIRE__ADMIN_REPLY__INIT;
            vs_env_t env = VPCSIM__WIRE__ENVELOPE__INIT;
            char out[256];
            snprintf(out, sizeof out, "{\"Op\":\"%s\",\"Seconds\":%lld,\"Args\":%s}", q->op, (long long)q->seconds,
                     q->args_json && *q->args_json ? q->args_json : "{}");
            r.in_reply_to = e->msg_id;
            r.ok = strcmp(q->op, "partition") != 0;
            r.output_json = out;
            r.error_message = "partitions are not implemented";
            env.body_case = VPCSIM__WIRE__ENVELOPE__BODY_ADMIN_REPLY;
            env.admin_reply = &r;
            env.sender = &s_broker_party;
            vs_wire_send_to(b->router, zmq_msg_data(&route), zmq_msg_size(&route), &env, 0);
        }
        vs_wire_free(&e);
        zmq_msg_close(&route);
        zmq_msg_close(&frame);
    }
}

static s_broker_t s_b;

static void s_start(void)
{
    memset(&s_b, 0, sizeof s_b);
    s_b.ctx = zmq_ctx_new();
    s_b.router = zmq_socket(s_b.ctx, ZMQ_ROUTER);
    int zero = 0;
    zmq_setsockopt(s_b.router, ZMQ_LINGER, &zero, sizeof zero);
    ck_assert_int_eq(zmq_bind(s_b.router, "tcp://127.0.0.1:*"), 0);
    size_t n = sizeof s_b.endpoint;
    zmq_getsockopt(s_b.router, ZMQ_LAST_ENDPOINT, s_b.endpoint, &n);
    pthread_create(&s_b.thread, NULL, s_broker_main, &s_b);
}

static void s_stop(void)
{
    /* Closing the context ends the thread's blocking recv (ETERM). */
    zmq_ctx_shutdown(s_b.ctx);
    pthread_join(s_b.thread, NULL);
    zmq_close(s_b.router);
    zmq_ctx_term(s_b.ctx);
}

static cli_globals_t s_globals(const char *account)
{
    cli_globals_t g;
    memset(&g, 0, sizeof g);
    snprintf(g.broker, sizeof g.broker, "%s", s_b.endpoint);
    snprintf(g.account, sizeof g.account, "%s", account);
    snprintf(g.region, sizeof g.region, "ap-northeast-1");
    g.account_src = "--account";
    g.region_src = "--region";
    g.output = CLI_OUT_JSON;
    g.timeout_s = 1.0;
    return g;
}

typedef struct {
    int rc;
    char out[2048];
    char err[2048];
} s_run_t;

/* Runs a command runner with stdout/stderr captured. */
static s_run_t s_run(int (*fn)(const cli_globals_t *, int, char **), const cli_globals_t *g, int argc, char **argv)
{
    s_run_t r;
    memset(&r, 0, sizeof r);
    fflush(stdout);
    fflush(stderr);
    FILE *fo = tmpfile(), *fe = tmpfile();
    int so = dup(1), se = dup(2);
    dup2(fileno(fo), 1);
    dup2(fileno(fe), 2);
    r.rc = fn(g, argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so);
    close(se);
    rewind(fo);
    rewind(fe);
    r.out[fread(r.out, 1, sizeof r.out - 1, fo)] = '\0';
    r.err[fread(r.err, 1, sizeof r.err - 1, fe)] = '\0';
    fclose(fo);
    fclose(fe);
    return r;
}

START_TEST(test_ok_and_request_shape)
{
    cli_globals_t g = s_globals("111111111111");
    char *argv[] = { "delete-vpc-peering-connection", "--vpc-peering-connection-id", "pcx-1" };
    s_run_t r = s_run(cli_ec2_main, &g, 3, argv);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_str_eq(r.out, "{\n    \"Return\": true\n}\n");
    ck_assert_str_eq(r.err, "");
    ck_assert_str_eq(s_b.last_action, "DeleteVpcPeeringConnection");
    ck_assert_str_eq(s_b.last_input, "{\"VpcPeeringConnectionId\":\"pcx-1\"}");
    ck_assert_str_eq(s_b.last_account, "111111111111");
    ck_assert_str_eq(s_b.last_to_region, "ap-northeast-1");
    /* no output at all for {} */
    char *del[] = { "delete-vpc", "--vpc-id", "vpc-1" };
    r = s_run(cli_ec2_main, &g, 3, del);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_str_eq(r.out, "");
    /* text output */
    g.output = CLI_OUT_TEXT;
    r = s_run(cli_ec2_main, &g, 3, argv);
    ck_assert_str_eq(r.out, "True\n");
}
END_TEST

START_TEST(test_pagination_through_transport)
{
    cli_globals_t g = s_globals("111111111111");
    char *argv[] = { "describe-subnets" };
    s_run_t r = s_run(cli_ec2_main, &g, 1, argv);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_str_eq(r.out, "{\n    \"Subnets\": [\n        {\n            \"SubnetId\": \"subnet-1\"\n        },\n"
                            "        {\n            \"SubnetId\": \"subnet-2\"\n        }\n    ]\n}\n");
    ck_assert_int_eq(s_b.requests, 2);
    /* --no-paginate: one call, NextToken shown */
    g.no_paginate = true;
    r = s_run(cli_ec2_main, &g, 1, argv);
    ck_assert_ptr_nonnull(strstr(r.out, "\"NextToken\": \"p2\""));
    ck_assert_int_eq(s_b.requests, 3);
}
END_TEST

START_TEST(test_service_error)
{
    cli_globals_t g = s_globals("222222222222");
    char *argv[] = { "describe-vpcs", "--vpc-ids", "vpc-1" };
    s_run_t r = s_run(cli_ec2_main, &g, 3, argv);
    ck_assert_int_eq(r.rc, 254);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, "\nAn error occurred (InvalidVpcID.NotFound) when calling the DescribeVpcs "
                            "operation: The vpc ID 'vpc-1' does not exist\n");
}
END_TEST

START_TEST(test_undeliverable_and_timeout)
{
    cli_globals_t g = s_globals("333333333333");
    char *argv[] = { "describe-vpcs" };
    s_run_t r = s_run(cli_ec2_main, &g, 1, argv);
    ck_assert_int_eq(r.rc, 255);
    char want[256];
    snprintf(want, sizeof want, "\nCould not connect to the endpoint URL: \"%s\" (agent for account "
                                "333333333333 in ap-northeast-1): no such agent\n", s_b.endpoint);
    ck_assert_str_eq(r.err, want);
    g = s_globals("444444444444");
    g.timeout_s = 0.3;
    r = s_run(cli_ec2_main, &g, 1, argv);
    ck_assert_int_eq(r.rc, 255);
    snprintf(want, sizeof want, "\nCould not connect to the endpoint URL: \"%s\" (agent for account "
                                "444444444444 in ap-northeast-1): no answer within 0.3 s\n", s_b.endpoint);
    ck_assert_str_eq(r.err, want);
}
END_TEST

START_TEST(test_no_broker)
{
    cli_globals_t g = s_globals("111111111111");
    snprintf(g.broker, sizeof g.broker, "tcp://127.0.0.1:1");
    g.timeout_s = 0.3;
    char *argv[] = { "describe-vpcs" };
    s_run_t r = s_run(cli_ec2_main, &g, 1, argv);
    ck_assert_int_eq(r.rc, 255);
    ck_assert_str_eq(r.err, "\nCould not connect to the endpoint URL: \"tcp://127.0.0.1:1\" (agent for account "
                            "111111111111 in ap-northeast-1): broker not reachable within 0.3 s\n");
    char *adm[] = { "clock" };
    r = s_run(cli_admin_main, &g, 1, adm);
    ck_assert_int_eq(r.rc, 255);
    ck_assert_str_eq(r.err, "\nCould not connect to the endpoint URL: \"tcp://127.0.0.1:1\" (broker): "
                            "broker not reachable within 0.3 s\n");
    /* usage errors come before any connection attempt */
    char *bad[] = { "delete-vpc" };
    r = s_run(cli_ec2_main, &g, 1, bad);
    ck_assert_int_eq(r.rc, 252);
}
END_TEST

START_TEST(test_admin)
{
    cli_globals_t g = s_globals("");
    char *adv[] = { "advance-clock", "--seconds", "604800" };
    s_run_t r = s_run(cli_admin_main, &g, 3, adv);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_str_eq(r.out, "{\n    \"Op\": \"advance-clock\",\n    \"Seconds\": 604800,\n    \"Args\": {}\n}\n");
    char *faults[] = { "set-faults", "--drop", "0.25", "--between", "a", "b" };
    r = s_run(cli_admin_main, &g, 6, faults);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "\"Args\": {\n        \"drop\": 0.25,\n        \"between\": [\n"));
    char *part[] = { "partition" };
    r = s_run(cli_admin_main, &g, 1, part);
    ck_assert_int_eq(r.rc, 254);
    ck_assert_str_eq(r.err, "\nAn error occurred (AdminError) when calling the partition operation: "
                            "partitions are not implemented\n");
    char *missing[] = { "advance-clock" };
    r = s_run(cli_admin_main, &g, 1, missing);
    ck_assert_int_eq(r.rc, 252);
    ck_assert_ptr_nonnull(strstr(r.err, "vpcsim: error: the following arguments are required: --seconds\n"));
}
END_TEST

START_TEST(test_forged_replies_ignored)
{
    cli_globals_t g = s_globals("555555555555");
    g.timeout_s = 0.5;
    char *argv[] = { "describe-vpcs" };
    s_run_t r = s_run(cli_ec2_main, &g, 1, argv);
    ck_assert_int_eq(r.rc, 255);
    ck_assert_ptr_nonnull(strstr(r.err, "no answer within 0.5 s"));
    ck_assert_ptr_null(strstr(r.out, "Forged"));
}
END_TEST

START_TEST(test_refused_before_sending)
{
    cli_globals_t g = s_globals("111111111111");
    /* A tag value that is not UTF-8: the broker cannot decode it and could
     * never say which request it was; the CLI says so at once. */
    char *bad[] = { "create-tags", "--resources", "vpc-1", "--tags", "Key=Name,Value=caf\xe9" };
    s_run_t r = s_run(cli_ec2_main, &g, 5, bad);
    ck_assert_int_eq(r.rc, 252);
    ck_assert_ptr_nonnull(strstr(r.err, "Parameter validation failed:\nInvalid request for CreateTags: "));
    ck_assert_ptr_nonnull(strstr(r.err, "invalid UTF-8"));
    ck_assert_int_eq(s_b.requests, 0);
    /* An input over the 1 MiB limit. */
    size_t n = (1u << 20) + 16;
    char *big = malloc(n + 32);
    ck_assert_ptr_nonnull(big);
    memcpy(big, "Key=Name,Value=", 15);
    memset(big + 15, 'x', n);
    big[15 + n] = '\0';
    char *large[] = { "create-tags", "--resources", "vpc-1", "--tags", big };
    r = s_run(cli_ec2_main, &g, 5, large);
    free(big);
    ck_assert_int_eq(r.rc, 252);
    ck_assert_ptr_nonnull(strstr(r.err, "ApiRequest.input_json:"));
    ck_assert_ptr_nonnull(strstr(r.err, "limit 1048576"));
    ck_assert_int_eq(s_b.requests, 0);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("cli_transport");
    TCase *tc = tcase_create("fake-broker");
    tcase_add_checked_fixture(tc, s_start, s_stop);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, test_ok_and_request_shape);
    tcase_add_test(tc, test_pagination_through_transport);
    tcase_add_test(tc, test_service_error);
    tcase_add_test(tc, test_undeliverable_and_timeout);
    tcase_add_test(tc, test_no_broker);
    tcase_add_test(tc, test_admin);
    tcase_add_test(tc, test_forged_replies_ignored);
    tcase_add_test(tc, test_refused_before_sending);
    suite_add_tcase(s, tc);
    return s;
}
