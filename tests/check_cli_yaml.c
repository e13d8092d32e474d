/* Unit tests of --output yaml / yaml-stream (cli/yaml.c). The expected
 * texts were produced by the AWS CLI's own dumper (awscli/formatter.py
 * YAMLDumper: ruamel.yaml 0.17 typ='safe', default_flow_style=False) from
 * the same documents: sorted keys, indentless sequences under keys,
 * quoting only where YAML 1.2 would read a string as something else or
 * libyaml's analysis forbids plain, folding past column 80; yaml-stream
 * as a one-element list. (Issue 16: the CLI's small gaps.) */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "yaml.h"

typedef struct {
    const char *json;
    bool stream;
    const char *want;
} s_case_t;

static const s_case_t s_cases[] = {
    { "{\"Vpc\": {\"CidrBlock\": \"10.1.0.0/16\", \"OwnerId\": \"111111111111\", \"IsDefault\": false, \"Tags\": [], \"CidrBlockAssociationSet\": [{\"AssociationId\": \"vpc-cidr-assoc-0123456789abcdef0\", \"CidrBlockState\": {\"State\": \"associated\"}}]}}", false,
      "Vpc:\n  CidrBlock: 10.1.0.0/16\n  CidrBlockAssociationSet:\n  - AssociationId: vpc-cidr-assoc-0123456789abcdef0\n    CidrBlockState:\n      State: associated\n  IsDefault: false\n  OwnerId: '111111111111'\n  Tags: []\n" },
    { "{\"NetworkAcls\": [{\"Entries\": [{\"CidrBlock\": \"0.0.0.0/0\", \"Egress\": true, \"Protocol\": \"-1\", \"RuleAction\": \"allow\", \"RuleNumber\": 100}, {\"Egress\": false, \"Ipv6CidrBlock\": \"::/0\", \"Protocol\": \"-1\", \"RuleAction\": \"deny\", \"RuleNumber\": 32768}], \"Associations\": [], \"IsDefault\": true}]}", false,
      "NetworkAcls:\n- Associations: []\n  Entries:\n  - CidrBlock: 0.0.0.0/0\n    Egress: true\n    Protocol: '-1'\n    RuleAction: allow\n    RuleNumber: 100\n  - Egress: false\n    Ipv6CidrBlock: ::/0\n    Protocol: '-1'\n    RuleAction: deny\n    RuleNumber: 32768\n  IsDefault: true\n" },
    { "{\"Status\": {\"Message\": \"Pending Acceptance by 222222222222\", \"Code\": \"pending-acceptance\"}, \"ExpirationTime\": \"2019-06-22T08:55:29+00:00\"}", true,
      "- ExpirationTime: '2019-06-22T08:55:29+00:00'\n  Status:\n    Code: pending-acceptance\n    Message: Pending Acceptance by 222222222222\n" },
    { "{\"M\": [\"yes\", \"true\", \"012\", \"1.5e3\", \"~\", \"\", \"a: b\", \"- x\", \"#c\", \"x #y\", \"trail \", \"tab\\tx\", \"multi\\nline\", \"it's\", \"2019-06-22\", \"<<\"]}", false,
      "M:\n- yes\n- 'true'\n- '012'\n- '1.5e3'\n- '~'\n- ''\n- 'a: b'\n- '- x'\n- '#c'\n- 'x #y'\n- 'trail '\n- \"tab\\tx\"\n- 'multi\n\n  line'\n- it's\n- '2019-06-22'\n- '<<'\n" },
    { "{\"WarningMessage\": \"IPv6 traffic is not supported over the inter-Region VPC peering connection pcx-0123456789abcdef0 (seed rules; the agent's modern rules allow it).\"}", false,
      "WarningMessage: IPv6 traffic is not supported over the inter-Region VPC peering connection\n  pcx-0123456789abcdef0 (seed rules; the agent's modern rules allow it).\n" },
    { "{}", false,
      "" },
    { "{}", true,
      "- {}\n" },
};

START_TEST(test_yaml_matches_the_aws_cli)
{
    for (size_t i = 0; i < sizeof s_cases / sizeof s_cases[0]; i++) {
        vs_json_t *doc = vs_json_parse(s_cases[i].json, strlen(s_cases[i].json), NULL, 0);
        ck_assert_ptr_nonnull(doc);
        char *got = cli_output_yaml(doc, s_cases[i].stream);
        ck_assert_msg(got && !strcmp(got, s_cases[i].want), "case %zu:\n%s\nwanted:\n%s", i,
                      got ? got : "(null)", s_cases[i].want);
        free(got);
        vs_json_free(&doc);
    }
}
END_TEST

/* Hostile depth and sizes never crash it. */
START_TEST(test_yaml_deep_and_odd_input)
{
    char deep[2 * VS_JSON_MAX_DEPTH + 8];
    size_t n = 0;
    for (int i = 0; i < VS_JSON_MAX_DEPTH - 1; i++)
        deep[n++] = '[';
    for (int i = 0; i < VS_JSON_MAX_DEPTH - 1; i++)
        deep[n++] = ']';
    deep[n] = '\0';
    vs_json_t *doc = vs_json_parse(deep, n, NULL, 0);
    ck_assert_ptr_nonnull(doc);
    char *got = cli_output_yaml(doc, true);
    ck_assert_ptr_nonnull(got);
    free(got);
    vs_json_free(&doc);
    const char *odd = "{\"\\u0001\":\"\\u0000x\",\"k\":\"\\u00e9\\ud83d\\ude00\"}";
    doc = vs_json_parse(odd, strlen(odd), NULL, 0);
    ck_assert_ptr_nonnull(doc);
    got = cli_output_yaml(doc, false);
    ck_assert_ptr_nonnull(got);
    free(got);
    vs_json_free(&doc);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("cli_yaml");
    TCase *tc = tcase_create("yaml");
    tcase_add_test(tc, test_yaml_matches_the_aws_cli);
    tcase_add_test(tc, test_yaml_deep_and_odd_input);
    suite_add_tcase(s, tc);
    return s;
}
