/* Unit tests of the vpcsim command line's pure helpers: output formats
 * (json, text, table; expected texts produced by awscli's own formatter),
 * Python-style JSON errors, automatic pagination over fake pages, help
 * shorthand, invalid-choice suggestions, cluster files and admin args. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "cluster_config.h"
#include "help.h"
#include "output.h"
#include "paginate.h"
#include "pyjson.h"
#include "suggest.h"
#include "table.h"

static vs_json_t *s_doc(const char *text)
{
    char err[128];
    vs_json_t *v = vs_json_parse(text, strlen(text), err, sizeof err);
    ck_assert_msg(v != NULL, "%s", err);
    return v;
}

static const char s_pcx[] =
    "{\"VpcPeeringConnection\": {\"AccepterVpcInfo\": {\"OwnerId\": \"444455556666\", \"VpcId\": \"vpc-1a2b3c4d\","
    " \"Region\": \"us-east-1\"}, \"ExpirationTime\": \"2019-06-22T08:55:29+00:00\", \"RequesterVpcInfo\": "
    "{\"CidrBlock\": \"10.0.0.0/16\", \"CidrBlockSet\": [{\"CidrBlock\": \"10.0.0.0/16\"}], \"OwnerId\": "
    "\"444455556666\", \"PeeringOptions\": {\"AllowDnsResolutionFromRemoteVpc\": false, "
    "\"AllowEgressFromLocalClassicLinkToRemoteVpc\": false, \"AllowEgressFromLocalVpcToRemoteClassicLink\": false},"
    " \"VpcId\": \"vpc-1a2b3c4d\", \"Region\": \"us-east-1\"}, \"Status\": {\"Code\": \"initiating-request\", "
    "\"Message\": \"Initiating Request to 444455556666\"}, \"Tags\": [], \"VpcPeeringConnectionId\": \"pcx-111aaa111\"}}";

static const char s_agents[] =
    "{\"Agents\": [{\"AccountId\": \"111111111111\", \"Region\": \"ap-northeast-1\", \"Partition\": \"aws\", "
    "\"Status\": \"online\", \"VpcCount\": 2}, {\"AccountId\": \"222222222222\", \"Region\": \"cn-north-1\", "
    "\"Partition\": \"aws-cn\", \"Status\": \"offline\", \"VpcCount\": 0}]}";

START_TEST(test_text_output)
{
    vs_json_t *d = s_doc(s_pcx);
    char *t = cli_output_format(d, CLI_OUT_TEXT, "CreateVpcPeeringConnection", 80);
    ck_assert_str_eq(t, "VPCPEERINGCONNECTION\t2019-06-22T08:55:29+00:00\tpcx-111aaa111\n"
                        "ACCEPTERVPCINFO\t444455556666\tus-east-1\tvpc-1a2b3c4d\n"
                        "REQUESTERVPCINFO\t10.0.0.0/16\t444455556666\tus-east-1\tvpc-1a2b3c4d\n"
                        "CIDRBLOCKSET\t10.0.0.0/16\n"
                        "PEERINGOPTIONS\tFalse\tFalse\tFalse\n"
                        "STATUS\tinitiating-request\tInitiating Request to 444455556666\n");
    free(t);
    vs_json_free(&d);
    d = s_doc(s_agents);
    t = cli_output_text(d);
    ck_assert_str_eq(t, "AGENTS\t111111111111\taws\tap-northeast-1\tonline\t2\n"
                        "AGENTS\t222222222222\taws-cn\tcn-north-1\toffline\t0\n");
    free(t);
    vs_json_free(&d);
    /* lists of scalars, missing keys across list items, floats and null */
    d = s_doc("{\"Ids\": [\"a\", \"b\"], \"L\": [{\"x\": 1, \"y\": 1.5}, {\"y\": null, \"z\": true}], \"N\": \"t\"}");
    t = cli_output_text(d);
    ck_assert_str_eq(t, "t\nIDS\ta\nIDS\tb\nL\t1\t1.5\t\nL\t\tNone\tTrue\n");
    free(t);
    vs_json_free(&d);
}
END_TEST

START_TEST(test_table_output)
{
    vs_json_t *d = s_doc(s_agents);
    char *t = cli_output_format(d, CLI_OUT_TABLE, "DescribeAgents", 80);
    ck_assert_str_eq(t,
        "--------------------------------------------------------------------------\n"
        "|                             DescribeAgents                             |\n"
        "+------------------------------------------------------------------------+\n"
        "||                                Agents                                ||\n"
        "|+--------------+------------+------------------+----------+------------+|\n"
        "||   AccountId  | Partition  |     Region       | Status   | VpcCount   ||\n"
        "|+--------------+------------+------------------+----------+------------+|\n"
        "||  111111111111|  aws       |  ap-northeast-1  |  online  |  2         ||\n"
        "||  222222222222|  aws-cn    |  cn-north-1      |  offline |  0         ||\n"
        "|+--------------+------------+------------------+----------+------------+|\n");
    free(t);
    vs_json_free(&d);
    d = s_doc("{\"Return\": true}");
    t = cli_table_format(d, "DeleteVpcPeeringConnection", 80);
    ck_assert_str_eq(t,
        "----------------------------\n"
        "|DeleteVpcPeeringConnection|\n"
        "+--------------+-----------+\n"
        "|  Return      |  True     |\n"
        "+--------------+-----------+\n");
    free(t);
    vs_json_free(&d);
    d = s_doc("{}");
    t = cli_table_format(d, "DeleteVpc", 80);
    ck_assert_str_eq(t, "");
    free(t);
    vs_json_free(&d);
}
END_TEST

START_TEST(test_json_output)
{
    vs_json_t *d = s_doc("{\"Return\":true,\"Ids\":[],\"N\":{\"a\":1}}");
    char *t = cli_output_format(d, CLI_OUT_JSON, "X", 80);
    ck_assert_str_eq(t, "{\n    \"Return\": true,\n    \"Ids\": [],\n    \"N\": {\n        \"a\": 1\n    }\n}\n");
    free(t);
    vs_json_free(&d);
    d = s_doc("{}");
    t = cli_output_format(d, CLI_OUT_JSON, "DeleteVpc", 80);
    ck_assert_str_eq(t, "");     /* the AWS CLI prints nothing for {} */
    free(t);
    vs_json_free(&d);
}
END_TEST

START_TEST(test_pyjson_messages)
{
    char m[160];
    ck_assert(cli_pyjson_check("[1, {\"a\": [true, null]}]", 24, m, sizeof m));
    const struct { const char *in, *want; } cases[] = {
        { "{\"Name\": }", "Expecting value: line 1 column 10 (char 9)" },
        { "[{\"a\":1},]", "Expecting value: line 1 column 10 (char 9)" },
        { "{\"a\":1,}", "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)" },
        { "{\"a\" 1}", "Expecting ':' delimiter: line 1 column 6 (char 5)" },
        { "[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)" },
        { "[1]x", "Extra data: line 1 column 4 (char 3)" },
        { "[\"abc", "Unterminated string starting at: line 1 column 2 (char 1)" },
        { "[\n\"a\\q\"]", "Invalid \\escape: line 2 column 3 (char 4)" },
        { "{\"é\": x}", "Expecting value: line 1 column 7 (char 6)" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert(!cli_pyjson_check(cases[i].in, strlen(cases[i].in), m, sizeof m));
        ck_assert_str_eq(m, cases[i].want);
    }
}
END_TEST

/* Fake pages: three pages of two VPCs each, tokens "t1", "t2". */
typedef struct {
    int calls;
    char last_token[16];
    long last_max;
} s_pages_t;

static int s_fetch(void *ctx, const vs_json_t *input, vs_json_t **out)
{
    s_pages_t *p = ctx;
    p->calls++;
    const char *tok = vs_json_get_str(input, "NextToken");
    snprintf(p->last_token, sizeof p->last_token, "%s", tok ? tok : "");
    p->last_max = (long)vs_json_get_int(input, "MaxResults", 0);
    int page = !tok ? 0 : !strcmp(tok, "t1") ? 1 : 2;
    char buf[256];
    snprintf(buf, sizeof buf, "{\"Vpcs\":[{\"VpcId\":\"vpc-%d\"},{\"VpcId\":\"vpc-%d\"}]%s%s%s,\"Other\":%d}",
             2 * page, 2 * page + 1, page < 2 ? ",\"NextToken\":\"t" : "", page == 0 ? "1\"" : page == 1 ? "2\"" : "",
             "", page);
    *out = s_doc(buf);
    return 0;
}

START_TEST(test_paginate)
{
    vs_json_t *in = s_doc("{\"VpcIds\":[]}"), *out = NULL;
    s_pages_t pages = { 0 };
    cli_paging_t paging = { 0 };
    char *err = NULL;
    ck_assert_int_eq(cli_paginate("Vpcs", in, &paging, s_fetch, &pages, &out, &err), 0);
    char *s = vs_json_dump(out, 0);
    ck_assert_str_eq(s, "{\"Vpcs\":[{\"VpcId\":\"vpc-0\"},{\"VpcId\":\"vpc-1\"},{\"VpcId\":\"vpc-2\"},"
                        "{\"VpcId\":\"vpc-3\"},{\"VpcId\":\"vpc-4\"},{\"VpcId\":\"vpc-5\"}],\"Other\":0}");
    ck_assert_int_eq(pages.calls, 3);
    free(s);
    vs_json_free(&out);

    /* --max-items 3 stops inside page 2 and prints a resume token that
     * --starting-token takes back. */
    paging.max_items = 3;
    paging.page_size = 2;
    pages.calls = 0;
    ck_assert_int_eq(cli_paginate("Vpcs", in, &paging, s_fetch, &pages, &out, &err), 0);
    ck_assert_int_eq(pages.calls, 2);
    ck_assert_int_eq(pages.last_max, 2);
    ck_assert_uint_eq(vs_json_len(vs_json_get(out, "Vpcs")), 3);
    const char *tok = vs_json_get_str(out, "NextToken");
    ck_assert_ptr_nonnull(tok);
    char *next = NULL;
    int64_t trunc = 0;
    cli_paginate_decode_token(tok, &next, &trunc);
    ck_assert_str_eq(next, "t1");
    ck_assert_int_eq(trunc, 1);
    free(next);
    cli_paging_t resume = { .starting_token = (char *)tok };
    vs_json_t *rest = NULL;
    ck_assert_int_eq(cli_paginate("Vpcs", in, &resume, s_fetch, &pages, &rest, &err), 0);
    s = vs_json_dump(vs_json_get(rest, "Vpcs"), 0);
    ck_assert_str_eq(s, "[{\"VpcId\":\"vpc-3\"},{\"VpcId\":\"vpc-4\"},{\"VpcId\":\"vpc-5\"}]");
    free(s);
    vs_json_free(&rest);
    vs_json_free(&out);
    /* a bare service token is accepted as a starting token */
    cli_paginate_decode_token("t2", &next, &trunc);
    ck_assert_str_eq(next, "t2");
    ck_assert_int_eq(trunc, 0);
    free(next);
    vs_json_free(&in);
}
END_TEST

START_TEST(test_help_shorthand)
{
    const struct { const char *type, *want; } cases[] = {
        { "[{Name:s,Values:[s]}]", "Name=string,Values=string,string ..." },
        { "[{ResourceType:s,Tags:[{Key:s,Value:s}]}]",
          "ResourceType=string,Tags=[{Key=string,Value=string},{Key=string,Value=string}] ..." },
        { "{Value:b}", "Value=boolean" },
        { "[s]", "" },
        { "s", "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vs_buf_t b = VS_BUF_INIT;
        cli_help_shorthand(&b, cases[i].type);
        ck_assert_str_eq(vs_buf_str(&b), cases[i].want);
        vs_buf_release(&b);
    }
    vs_buf_t b = VS_BUF_INIT;
    cli_help_cmd(&b, cli_cmdtable_find("delete-vpc"));
    ck_assert_ptr_nonnull(strstr(vs_buf_str(&b), "          --vpc-id <value>\n          [--dry-run | --no-dry-run]\n"));
    vs_buf_release(&b);
}
END_TEST

START_TEST(test_suggest)
{
    ck_assert(cli_suggest_ratio("describe-vpcs", "describe-vpc") > 0.95);
    static const char *const names[] = { "create-vpc", "delete-vpc", "describe-vpcs" };
    vs_buf_t b = VS_BUF_INIT;
    cli_suggest_invalid_choice(&b, "operation", "describe-vpc", names, 3);
    ck_assert_str_eq(vs_buf_str(&b),
                     "argument operation: Invalid choice, valid choices are:\n\n"
                     "create-vpc                               | delete-vpc                              \n"
                     "describe-vpcs                           \n\n\n"
                     "Invalid choice: 'describe-vpc', maybe you meant:\n\n  * describe-vpcs");
    vs_buf_release(&b);
}
END_TEST

START_TEST(test_cluster_config)
{
    const char *text =
        "{\"broker\": {\"listen\": \"tcp://*:5555\", \"options\": [\"--cpu\", \"0\"]},"
        " \"data_dir\": \"./data\", \"agents\": ["
        "{\"account\": \"111111111111\", \"region\": \"ap-northeast-1\", \"options\": [\"--modern-rules\"]},"
        "{\"account\": \"222222222222\", \"region\": \"us-east-1\"}]}";
    char *err = NULL;
    cli_cluster_config_t *c = cli_cluster_config_parse(text, strlen(text), "/srv/sim", &err);
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c->endpoint, "tcp://127.0.0.1:5555");
    ck_assert_str_eq(c->data_dir, "/srv/sim/data");
    ck_assert_str_eq(c->broker_dir, "/srv/sim/data/broker");
    ck_assert_str_eq(c->pid_file, "/srv/sim/data/cluster.pids");
    ck_assert_uint_eq(c->nagents, 2);
    ck_assert_str_eq(c->agents[0].data_dir, "/srv/sim/data/agents/111111111111-ap-northeast-1");
    ck_assert_str_eq(c->agents[0].log, "/srv/sim/data/logs/agent-111111111111-ap-northeast-1.log");
    ck_assert_uint_eq(c->agents[0].noptions, 1);
    ck_assert_str_eq(c->agents[0].options[0], "--modern-rules");
    ck_assert_uint_eq(c->agents[1].noptions, 0);
    ck_assert_uint_eq(c->nbroker_options, 2);
    ck_assert_str_eq(c->broker_options[0], "--cpu");
    ck_assert_str_eq(c->broker_options[1], "0");
    cli_cluster_config_free(&c);
    ck_assert_ptr_null(c);
    const char *bad = "{\"broker\": {\"listen\": \"tcp://127.0.0.1:1\"}, \"agents\": [{\"account\": \"1\", \"region\": \"us-east-1\"}]}";
    ck_assert_ptr_null(cli_cluster_config_parse(bad, strlen(bad), "/", &err));
    ck_assert_str_eq(err, "agents[0].account must be a 12-digit account ID");
    free(err);
    const char *bad_opts[][2] = {
        { "{\"broker\": {\"listen\": \"tcp://127.0.0.1:1\", \"options\": \"--cpu 0\"}, \"agents\": []}",
          "broker.options must be a list of strings" },
        { "{\"broker\": {\"listen\": \"tcp://127.0.0.1:1\", \"options\": [\"--cpu\", 0]}, \"agents\": []}",
          "broker.options[1] is not a string" },
        { "{\"broker\": {\"listen\": \"tcp://127.0.0.1:1\"}, \"agents\": [{\"account\": \"111111111111\","
          " \"region\": \"us-east-1\", \"options\": [1]}]}",
          "agents[0].options[0] is not a string" },
    };
    for (size_t i = 0; i < sizeof bad_opts / sizeof *bad_opts; i++) {
        err = NULL;
        ck_assert_ptr_null(cli_cluster_config_parse(bad_opts[i][0], strlen(bad_opts[i][0]), "/", &err));
        ck_assert_str_eq(err, bad_opts[i][1]);
        free(err);
    }
}
END_TEST

START_TEST(test_admin_args)
{
    char *argv[] = { "--drop", "0.5", "--between", "a", "b", "--verbose", "--name=x", "--args-json", "{\"k\":[1]}" };
    char *err = NULL;
    vs_json_t *a = cli_admin_args(9, argv, &err);
    ck_assert_ptr_nonnull(a);
    char *s = vs_json_dump(a, 0);
    ck_assert_str_eq(s, "{\"drop\":0.5,\"between\":[\"a\",\"b\"],\"verbose\":true,\"name\":\"x\",\"k\":[1]}");
    free(s);
    vs_json_free(&a);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("cli_output");
    TCase *tc = tcase_create("formats");
    tcase_add_test(tc, test_text_output);
    tcase_add_test(tc, test_table_output);
    tcase_add_test(tc, test_json_output);
    tcase_add_test(tc, test_pyjson_messages);
    suite_add_tcase(s, tc);
    tc = tcase_create("helpers");
    tcase_add_test(tc, test_paginate);
    tcase_add_test(tc, test_help_shorthand);
    tcase_add_test(tc, test_suggest);
    tcase_add_test(tc, test_cluster_config);
    tcase_add_test(tc, test_admin_args);
    suite_add_tcase(s, tc);
    return s;
}
