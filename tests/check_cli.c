/* Unit tests of the vpcsim command line's parsing: shorthand syntax,
 * JSON forms, type coercion, required/unknown options, customizations and
 * the global options' environment fallbacks. Expected texts are the AWS
 * CLI's own (checked against awscli's Python implementation). */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argparse.h"
#include "cmdtable.h"
#include "globals.h"
#include "json.h"
#include "schema.h"
#include "shorthand.h"

/* Parses shorthand and returns the compact JSON (caller frees), or
 * "ERR:" + the message. */
static char *s_sh(const char *in)
{
    char *err = NULL;
    vs_json_t *v = cli_shorthand_parse(in, NULL, NULL, &err);
    if (!v) {
        char *m = malloc(strlen(err) + 5);
        strcpy(m, "ERR:");
        strcat(m, err);
        free(err);
        return m;
    }
    char *s = vs_json_dump(v, 0);
    vs_json_free(&v);
    return s;
}

#define SH_EQ(in, want)                       \
    do {                                      \
        char *got_ = s_sh(in);                \
        ck_assert_str_eq(got_, want);         \
        free(got_);                           \
    } while (0)

START_TEST(test_shorthand_filters)
{
    SH_EQ("Name=vpc-id,Values=vpc-1,vpc-2", "{\"Name\":\"vpc-id\",\"Values\":[\"vpc-1\",\"vpc-2\"]}");
    SH_EQ("Name=status-code,Values=active,pending-acceptance",
          "{\"Name\":\"status-code\",\"Values\":[\"active\",\"pending-acceptance\"]}");
    SH_EQ("Name=tag:Name,Values=x", "{\"Name\":\"tag:Name\",\"Values\":\"x\"}");
    /* a csv list stops before the next key */
    SH_EQ("a=b,c,d=e,f", "{\"a\":[\"b\",\"c\"],\"d\":[\"e\",\"f\"]}");
}
END_TEST

START_TEST(test_shorthand_brackets_and_hashes)
{
    SH_EQ("ResourceType=vpc-peering-connection,Tags=[{Key=Name,Value=joinc-test}]",
          "{\"ResourceType\":\"vpc-peering-connection\",\"Tags\":[{\"Key\":\"Name\",\"Value\":\"joinc-test\"}]}");
    SH_EQ("Tags=[{Key=Name,Value=joinc-test},{Key=a,Value=b}]",
          "{\"Tags\":[{\"Key\":\"Name\",\"Value\":\"joinc-test\"},{\"Key\":\"a\",\"Value\":\"b\"}]}");
    SH_EQ("a={b=c,d=[e,f]}", "{\"a\":{\"b\":\"c\",\"d\":[\"e\",\"f\"]}}");
    SH_EQ("a=[[1,2],[3]]", "{\"a\":[[\"1\",\"2\"],[\"3\"]]}");
    SH_EQ("a=[b, c , d ]", "{\"a\":[\"b\",\"c\",\"d\"]}");
    SH_EQ("a={},b=[]", "{\"a\":{},\"b\":[]}");
}
END_TEST

START_TEST(test_shorthand_quoting_and_empty)
{
    SH_EQ("Key=Name,Value=\"a,b\"", "{\"Key\":\"Name\",\"Value\":\"a,b\"}");
    SH_EQ("Key=Name,Value='a b'", "{\"Key\":\"Name\",\"Value\":\"a b\"}");
    SH_EQ("Key=Name,Value=", "{\"Key\":\"Name\",\"Value\":\"\"}");
    SH_EQ("Key=,Value=x", "{\"Key\":\"\",\"Value\":\"x\"}");
    SH_EQ("a='it\\'s'", "{\"a\":\"it's\"}");
    SH_EQ("a=\"say \\\"hi\\\"\"", "{\"a\":\"say \\\"hi\\\"\"}");
    SH_EQ("a=b\\,c", "{\"a\":\"b,c\"}");
    SH_EQ("a = b , c = d", "{\"a\":\"b\",\"c\":\"d\"}");
    SH_EQ("a=한글,b=日本", "{\"a\":\"한글\",\"b\":\"日本\"}");
}
END_TEST

START_TEST(test_shorthand_errors_exact)
{
    SH_EQ("Name", "ERR:Expected: '=', received: 'EOF' for input:\nName\n    ^");
    SH_EQ("Name=a,Values=[a", "ERR:Expected: ',', received: 'EOF' for input:\nName=a,Values=[a\n                ^");
    SH_EQ("Name=x,Values=a,Name=y",
          "ERR:Second instance of key \"Name\" encountered for input:\nName=x,Values=a,Name=y\n"
          "                ^\nThis is often because there is a preceding \",\" instead of a space.");
    SH_EQ("a=b,", "ERR:Expected: '<second>', received: '<none>' for input:\na=b,\n    ^");
    SH_EQ("a=\"open", "ERR:Expected: '<double quoted>', received: '<none>' for input:\na=\"open\n  ^");
    /* newlines: the caret line goes under the failing line */
    SH_EQ("a=x]\ny", "ERR:Expected: ',', received: ']' for input:\na=x]\n   ^\ny");
    SH_EQ("a=[x\n]]", "ERR:Expected: ',', received: ']' for input:\na=[x\n]]\n ^");
    SH_EQ("a=x]y", "ERR:Expected: ',', received: ']' for input:\na=x]y\n   ^");
    /* nesting is bounded: a huge argument cannot exhaust the stack */
    char deep[300] = "a=";
    memset(deep + 2, '[', 200);
    SH_EQ(deep, "ERR:maximum nesting depth exceeded");
    /* carets count characters, not bytes */
    SH_EQ("한=b", "ERR:Expected: '=', received: '한' for input:\n한=b\n^");
}
END_TEST

/* ---- argparse --------------------------------------------------------- */

typedef struct {
    int rc;
    char *json;     /* compact input document */
    char *err;
    cli_call_t call;
} s_parsed_t;

static s_parsed_t s_parse(const char *cmd_name, ...)
{
    char *argv[64];
    int argc = 0;
    va_list ap;
    va_start(ap, cmd_name);
    for (const char *a; (a = va_arg(ap, const char *)) && argc < 63;)
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    s_parsed_t p = { 0 };
    const cli_cmd_t *cmd = cli_cmdtable_find(cmd_name);
    ck_assert_ptr_nonnull(cmd);
    p.rc = cli_argparse(cmd, argc, argv, false, NULL, NULL, &p.call, &p.err);
    if (p.rc == 0 && p.call.input)
        p.json = vs_json_dump(p.call.input, 0);
    return p;
}

static void s_done(s_parsed_t *p)
{
    free(p->json);
    free(p->err);
    cli_call_clear(&p->call);
}

#define PARSE_OK(want, ...)                                      \
    do {                                                         \
        s_parsed_t p_ = s_parse(__VA_ARGS__, (const char *)NULL); \
        ck_assert_msg(p_.rc == 0, "rc %d: %s", p_.rc, p_.err ? p_.err : ""); \
        ck_assert_str_eq(p_.json, want);                         \
        s_done(&p_);                                             \
    } while (0)

#define PARSE_ERR(want, ...)                                     \
    do {                                                         \
        s_parsed_t p_ = s_parse(__VA_ARGS__, (const char *)NULL); \
        ck_assert_int_eq(p_.rc, 252);                            \
        ck_assert_str_eq(p_.err, want);                          \
        s_done(&p_);                                             \
    } while (0)

static const char s_usage[] =
    "\nusage: vpcsim [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
    "To see help text, you can run:\n\n  vpcsim help\n  vpcsim <command> help\n"
    "  vpcsim <command> <subcommand> help\n\n";

START_TEST(test_argparse_lists_and_filters)
{
    PARSE_OK("{\"Filters\":[{\"Name\":\"vpc-id\",\"Values\":[\"vpc-1\",\"vpc-2\"]},"
             "{\"Name\":\"tag:Name\",\"Values\":[\"x\"]}],\"VpcIds\":[\"vpc-1\",\"vpc-2\"],\"DryRun\":true}",
             "describe-vpcs", "--vpc-ids", "vpc-1", "vpc-2", "--filters", "Name=vpc-id,Values=vpc-1,vpc-2",
             "Name=tag:Name,Values=x", "--dry-run");
    /* comma and JSON forms of a list of strings */
    PARSE_OK("{\"VpcIds\":[\"vpc-1\",\"vpc-2\"]}", "describe-vpcs", "--vpc-ids", "vpc-1,vpc-2");
    PARSE_OK("{\"VpcIds\":[\"vpc-1\",\"vpc-2\"]}", "describe-vpcs", "--vpc-ids", "[\"vpc-1\",\"vpc-2\"]");
    PARSE_OK("{\"VpcPeeringConnectionIds\":[\"pcx-1\"]}", "describe-vpc-peering-connections",
             "--vpc-peering-connection-ids=pcx-1");
    /* JSON list of structures, and one JSON structure per argument */
    PARSE_OK("{\"Filters\":[{\"Name\":\"a\",\"Values\":[\"b\"]}]}", "describe-subnets", "--filters",
             "[{\"Name\":\"a\",\"Values\":[\"b\"]}]");
    PARSE_OK("{\"Resources\":[\"vpc-1\"],\"Tags\":[{\"Key\":\"a\",\"Value\":\"b\"},{\"Key\":\"c\"}]}",
             "create-tags", "--tags", "{\"Key\":\"a\",\"Value\":\"b\"}", "{\"Key\":\"c\"}", "--resources", "vpc-1");
}
END_TEST

START_TEST(test_argparse_structures_and_coercion)
{
    PARSE_OK("{\"CidrBlock\":\"10.0.0.0/16\",\"TagSpecifications\":[{\"ResourceType\":\"vpc\",\"Tags\":"
             "[{\"Key\":\"Name\",\"Value\":\"joinc-test\"},{\"Key\":\"a\",\"Value\":\"b\"}]}],"
             "\"AmazonProvidedIpv6CidrBlock\":true}",
             "create-vpc", "--cidr-block", "10.0.0.0/16", "--amazon-provided-ipv6-cidr-block",
             "--tag-specifications", "ResourceType=vpc,Tags=[{Key=Name,Value=joinc-test},{Key=a,Value=b}]");
    /* {Value: boolean}: JSON, shorthand, bare and --no- forms */
    PARSE_OK("{\"EnableDnsHostnames\":{\"Value\":true},\"VpcId\":\"vpc-1\"}", "modify-vpc-attribute",
             "--vpc-id", "vpc-1", "--enable-dns-hostnames", "{\"Value\":true}");
    PARSE_OK("{\"EnableDnsHostnames\":{\"Value\":false},\"VpcId\":\"vpc-1\"}", "modify-vpc-attribute",
             "--enable-dns-hostnames", "Value=false", "--vpc-id", "vpc-1");
    PARSE_OK("{\"EnableDnsSupport\":{\"Value\":true},\"VpcId\":\"vpc-1\"}", "modify-vpc-attribute",
             "--enable-dns-support", "--vpc-id", "vpc-1");
    PARSE_OK("{\"EnableDnsSupport\":{\"Value\":false},\"VpcId\":\"vpc-1\"}", "modify-vpc-attribute",
             "--no-enable-dns-support", "--vpc-id", "vpc-1");
    /* integers and booleans inside shorthand; a single value becomes a list */
    PARSE_OK("{\"GroupId\":\"sg-1\",\"IpPermissions\":[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,"
             "\"IpRanges\":[{\"CidrIp\":\"10.0.0.0/16\",\"Description\":\"ssh\"}],"
             "\"UserIdGroupPairs\":[{\"GroupId\":\"sg-2\",\"VpcPeeringConnectionId\":\"pcx-1\"}]}]}",
             "authorize-security-group-ingress", "--group-id", "sg-1", "--ip-permissions",
             "IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=10.0.0.0/16,Description=ssh}],"
             "UserIdGroupPairs={GroupId=sg-2,VpcPeeringConnectionId=pcx-1}");
    PARSE_OK("{\"AccepterPeeringConnectionOptions\":{\"AllowDnsResolutionFromRemoteVpc\":true},"
             "\"VpcPeeringConnectionId\":\"pcx-1\"}",
             "modify-vpc-peering-connection-options", "--accepter-peering-connection-options",
             "AllowDnsResolutionFromRemoteVpc=true", "--vpc-peering-connection-id", "pcx-1");
    PARSE_OK("{\"MaxResults\":5,\"DryRun\":false}", "describe-vpcs", "--max-results", "5", "--no-dry-run");
    PARSE_OK("{\"Source\":\"i-1\",\"Destination\":\"i-2\",\"Protocol\":\"tcp\",\"DestinationPort\":22}",
             "create-network-insights-path", "--source", "i-1", "--destination", "i-2", "--protocol", "tcp",
             "--destination-port", "22");
}
END_TEST

START_TEST(test_argparse_customizations)
{
    PARSE_OK("{\"ImageId\":\"ami-1\",\"SecurityGroupIds\":[\"sg-1\",\"sg-2\"],\"SubnetId\":\"subnet-1\","
             "\"PrivateIpAddress\":\"10.0.0.5\",\"MinCount\":2,\"MaxCount\":2}",
             "run-instances", "--subnet-id", "subnet-1", "--private-ip-address", "10.0.0.5",
             "--security-group-ids", "sg-1", "sg-2", "--image-id", "ami-1", "--count", "2");
    PARSE_OK("{\"MinCount\":1,\"MaxCount\":3}", "run-instances", "--count", "1:3");
    PARSE_OK("{\"MaxCount\":1,\"MinCount\":1}", "run-instances");
    PARSE_ERR("\ncount parameter should be of form min[:max] (e.g. 1 or 1:10)\n", "run-instances", "--count", "x");
    PARSE_OK("{\"GroupId\":\"sg-1\",\"IpPermissions\":[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":25,"
             "\"IpRanges\":[{\"CidrIp\":\"10.0.0.0/8\"}]}]}",
             "authorize-security-group-ingress", "--group-id", "sg-1", "--protocol", "tcp", "--port", "22-25",
             "--cidr", "10.0.0.0/8");
    PARSE_ERR("\nThe --protocol option is not compatible with the --ip-permissions option \n",
              "authorize-security-group-egress", "--group-id", "sg-1", "--protocol", "tcp", "--ip-permissions", "[]");
    /* --cli-input-json fills what the command line leaves out */
    PARSE_OK("{\"VpcId\":\"vpc-1\",\"DryRun\":true}", "delete-vpc", "--cli-input-json",
             "{\"VpcId\":\"vpc-9\",\"DryRun\":true}", "--vpc-id", "vpc-1");
}
END_TEST

START_TEST(test_argparse_pagination)
{
    s_parsed_t p = s_parse("describe-vpcs", "--page-size", "5", "--max-items", "3", "--starting-token", "tok",
                           (const char *)NULL);
    ck_assert_int_eq(p.rc, 0);
    ck_assert_str_eq(p.json, "{}");
    ck_assert(!p.call.paging.manual);
    ck_assert_int_eq(p.call.paging.page_size, 5);
    ck_assert_int_eq(p.call.paging.max_items, 3);
    ck_assert_str_eq(p.call.paging.starting_token, "tok");
    s_done(&p);
    p = s_parse("describe-vpcs", "--max-results", "5", (const char *)NULL);
    ck_assert(p.call.paging.manual);
    s_done(&p);
    PARSE_ERR("\nCannot specify --no-paginate along with pagination arguments: --max-items\n",
              "describe-vpcs", "--next-token", "x", "--max-items", "3");
}
END_TEST

START_TEST(test_argparse_required_and_unknown)
{
    char want[1024];
    snprintf(want, sizeof want, "%svpcsim: error: the following arguments are required: --vpc-id\n", s_usage);
    PARSE_ERR(want, "delete-vpc");
    snprintf(want, sizeof want, "%svpcsim: error: the following arguments are required: --resources, --tags\n",
             s_usage);
    PARSE_ERR(want, "create-tags");
    snprintf(want, sizeof want, "%sUnknown options: --foo, --bar, 1\n", s_usage);
    PARSE_ERR(want, "delete-vpc", "--vpc-id", "x", "--foo", "1", "--bar");
    /* --min-count is hidden by the --count customization, as in the AWS CLI */
    snprintf(want, sizeof want, "%sUnknown options: --min-count, 1\n", s_usage);
    PARSE_ERR(want, "run-instances", "--min-count", "1");
    snprintf(want, sizeof want, "%svpcsim: error: argument --vpc-id: expected one argument\n", s_usage);
    PARSE_ERR(want, "delete-vpc", "--vpc-id", "--dry-run");
    snprintf(want, sizeof want, "%svpcsim: error: ambiguous option: --vpc could match --vpc-endpoint-id, --vpc-peering-connection-id\n",
             s_usage);
    PARSE_ERR(want, "create-route", "--route-table-id", "rtb-1", "--vpc", "x");
    /* unique prefixes are accepted, as argparse does */
    PARSE_OK("{\"VpcId\":\"vpc-1\"}", "delete-vpc", "--vpc", "vpc-1");
    s_parsed_t p = s_parse("delete-vpc", "help", (const char *)NULL);
    ck_assert_int_eq(p.rc, 0);
    ck_assert(p.call.help);
    s_done(&p);
}
END_TEST

START_TEST(test_argparse_value_errors)
{
    PARSE_ERR("\nError parsing parameter '--max-results': invalid literal for int() with base 10: 'abc'\n",
              "describe-vpcs", "--max-results", "abc");
    PARSE_ERR("\nError parsing parameter '--filters': Expected: '=', received: 'EOF' for input:\nName\n    ^\n",
              "describe-vpcs", "--filters", "Name");
    PARSE_ERR("\nError parsing parameter '--filters': Invalid JSON: Expecting value: line 1 column 10 (char 9)\n"
              "JSON received: {\"Name\": }\n",
              "describe-vpcs", "--filters", "{\"Name\": }");
    PARSE_ERR("\nError parsing parameter '--filters': Invalid JSON: Expecting ',' delimiter: line 1 column 15 (char 14)\n"
              "JSON received: [{\"Name\": \"a\" \"Values\": []}]\n",
              "describe-vpcs", "--filters", "[{\"Name\": \"a\" \"Values\": []}]");
    PARSE_ERR("\nError parsing parameter '--ip-permissions': invalid literal for int() with base 10: 'ssh'\n",
              "authorize-security-group-ingress", "--ip-permissions", "IpProtocol=tcp,FromPort=ssh");
    PARSE_ERR("\nParameter validation failed:\nUnknown parameter in Filters[1]: \"Vals\", must be one of: Name, Values\n",
              "describe-vpcs", "--filters", "Name=x,Values=a", "Name=y,Vals=1");
    PARSE_ERR("\nParameter validation failed:\nInvalid type for parameter Filters[0].Values, value: b, "
              "type: <class 'str'>, valid types: <class 'list'>, <class 'tuple'>\n",
              "describe-vpcs", "--filters", "[{\"Name\":\"a\",\"Values\":\"b\"}]");
    PARSE_ERR("\nParameter validation failed:\nInvalid type for parameter AccepterPeeringConnectionOptions."
              "AllowDnsResolutionFromRemoteVpc, value: yes, type: <class 'str'>, valid types: <class 'bool'>\n",
              "modify-vpc-peering-connection-options", "--vpc-peering-connection-id", "pcx-1",
              "--accepter-peering-connection-options", "AllowDnsResolutionFromRemoteVpc=yes");
    PARSE_ERR("\nParameter validation failed:\nMissing required parameter in input: \"VpcId\"\n"
              "Unknown parameter in input: \"VpcIdd\", must be one of: VpcId, DryRun\n",
              "delete-vpc", "--cli-input-json", "{\"VpcIdd\":\"vpc-9\"}");
    PARSE_ERR("\nCannot specify both the \"--dry-run\" option and the \"--no-dry-run\" option.\n",
              "delete-vpc", "--vpc-id", "v", "--dry-run", "--no-dry-run");
}
END_TEST

/* botocore's minimums, checked before anything is sent (issue 16): the
 * AWS CLI's message and exit 252, also for --page-size (it becomes
 * MaxResults); only the minimum is checked, as botocore does. */
START_TEST(test_argparse_ranges)
{
    PARSE_ERR("\nParameter validation failed:\nInvalid value for parameter MaxResults, value: 3, "
              "valid min value: 5\n", "describe-vpc-peering-connections", "--max-results", "3");
    PARSE_ERR("\nParameter validation failed:\nInvalid value for parameter MaxResults, value: 4, "
              "valid min value: 5\n", "describe-network-acls", "--page-size", "4");
    PARSE_ERR("\nParameter validation failed:\nInvalid value for parameter MaxResults, value: 0, "
              "valid min value: 1\n", "describe-network-insights-analyses", "--max-results", "0");
    PARSE_ERR("\nParameter validation failed:\nInvalid value for parameter DestinationPort, value: -1, "
              "valid min value: 0\n", "create-network-insights-path", "--source", "i-1",
              "--protocol", "tcp", "--destination-port", "-1");
    PARSE_ERR("\nParameter validation failed:\nInvalid length for parameter NextToken, value: 0, "
              "valid min length: 1\n", "describe-stale-security-groups", "--vpc-id", "vpc-1",
              "--next-token", "");
    /* In range, or above the maximum (the service answers that). */
    PARSE_OK("{\"MaxResults\":5}", "describe-vpcs", "--max-results", "5");
    PARSE_OK("{\"MaxResults\":5000}", "describe-route-tables", "--max-results", "5000");
    /* A required boolean is botocore's to miss, not argparse's. */
    PARSE_ERR("\nParameter validation failed:\nMissing required parameter in input: \"Egress\"\n",
              "delete-network-acl-entry", "--network-acl-id", "acl-1", "--rule-number", "1");
    /* Network ACL entries: --egress / --no-egress, --port-range shorthand. */
    PARSE_OK("{\"NetworkAclId\":\"acl-1\",\"RuleNumber\":100,\"Protocol\":\"tcp\","
             "\"RuleAction\":\"allow\",\"Egress\":false,\"CidrBlock\":\"10.0.0.0/8\","
             "\"PortRange\":{\"From\":22,\"To\":22}}",
             "create-network-acl-entry", "--network-acl-id", "acl-1", "--rule-number", "100",
             "--protocol", "tcp", "--rule-action", "allow", "--no-egress", "--cidr-block",
             "10.0.0.0/8", "--port-range", "From=22,To=22");
}
END_TEST

START_TEST(test_table_is_complete_and_well_formed)
{
    static const char *const contract[] = {
        "create-vpc", "describe-vpcs", "delete-vpc", "associate-vpc-cidr-block", "disassociate-vpc-cidr-block",
        "modify-vpc-attribute", "create-tags", "delete-tags", "create-vpc-peering-connection",
        "accept-vpc-peering-connection", "reject-vpc-peering-connection", "delete-vpc-peering-connection",
        "describe-vpc-peering-connections", "modify-vpc-peering-connection-options", "create-subnet",
        "describe-subnets", "delete-subnet", "create-internet-gateway", "attach-internet-gateway",
        "create-route-table", "associate-route-table", "describe-route-tables", "create-route", "replace-route",
        "delete-route", "create-security-group", "describe-security-groups", "authorize-security-group-ingress",
        "authorize-security-group-egress", "revoke-security-group-ingress", "describe-stale-security-groups",
        "run-instances", "describe-instances", "terminate-instances", "create-network-insights-path",
        "start-network-insights-analysis", "describe-network-insights-analyses",
        /* issue 16 */
        "describe-security-group-references", "create-network-acl", "delete-network-acl",
        "describe-network-acls", "create-network-acl-entry", "replace-network-acl-entry",
        "delete-network-acl-entry", "replace-network-acl-association",
    };
    size_t n = 0;
    while (cli_cmdtable_at(n))
        n++;
    ck_assert_uint_eq(n, sizeof contract / sizeof contract[0]);
    for (size_t i = 0; i < n; i++)
        ck_assert_ptr_nonnull(cli_cmdtable_find(contract[i]));
    ck_assert_str_eq(cli_cmdtable_find("describe-network-insights-analyses")->action,
                     "DescribeNetworkInsightsAnalyses");
    ck_assert_str_eq(cli_cmdtable_find("create-vpc")->action, "CreateVpc");
    for (size_t i = 0; i < n; i++) {
        const cli_cmd_t *c = cli_cmdtable_at(i);
        for (const cli_opt_t *o = c->opts; o->name; o++) {
            const char *f = cli_opt_flag(o);
            ck_assert_msg(!strncmp(f, "--", 2), "%s: %s", c->name, o->name);
            if (cli_opt_custom(o))
                continue;
            char err[160];
            ck_assert_msg(cli_schema_valid(o->type, err, sizeof err), "%s %s: %s", c->name, f, err);
            ck_assert_ptr_nonnull(o->member);
        }
    }
    ck_assert_ptr_null(cli_cmdtable_find("describe-vpc"));
}
END_TEST

/* ---- global options ---------------------------------------------------- */

static const char *s_env(void *ctx, const char *name)
{
    for (const char *const *e = ctx; *e; e += 2)
        if (!strcmp(e[0], name))
            return e[1];
    return NULL;
}

static int s_globals(const char *const *env, cli_globals_t *g, char **rest, int *nrest, char **err, ...)
{
    char *argv[32] = { "vpcsim" };
    int argc = 1;
    va_list ap;
    va_start(ap, err);
    for (const char *a; (a = va_arg(ap, const char *)) && argc < 31;)
        argv[argc++] = (char *)a;
    va_end(ap);
    return cli_globals_parse(argc, argv, s_env, (void *)env, g, rest, nrest, err);
}

START_TEST(test_globals_fallbacks)
{
    const char *none[] = { NULL };
    cli_globals_t g;
    char *rest[32], *err = NULL;
    int n;
    ck_assert_int_eq(s_globals(none, &g, rest, &n, &err, "ec2", "describe-vpcs", (const char *)NULL), 0);
    ck_assert_str_eq(g.broker, "tcp://127.0.0.1:5555");
    ck_assert(g.timeout_s == 5.0);
    ck_assert_int_eq(g.output, CLI_OUT_JSON);
    ck_assert_ptr_null(g.account_src);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(cli_globals_require_identity(&g, &err), 252);
    ck_assert_ptr_nonnull(strstr(err, "You must specify an account and a Region"));
    free(err);

    const char *env[] = { "VPCSIM_BROKER", "tcp://10.0.0.1:6000", "VPCSIM_ACCOUNT", "111111111111",
                          "AWS_DEFAULT_REGION", "eu-west-1", "AWS_REGION", "ap-northeast-1",
                          "VPCSIM_TIMEOUT", "2.5", "AWS_DEFAULT_OUTPUT", "text", NULL };
    ck_assert_int_eq(s_globals(env, &g, rest, &n, &err, "ec2", "describe-vpcs", (const char *)NULL), 0);
    ck_assert_str_eq(g.broker, "tcp://10.0.0.1:6000");
    ck_assert_str_eq(g.account, "111111111111");
    ck_assert_str_eq(g.region, "ap-northeast-1");     /* AWS_REGION before AWS_DEFAULT_REGION */
    ck_assert_str_eq(g.region_src, "AWS_REGION");
    ck_assert(g.timeout_s == 2.5);
    ck_assert_int_eq(g.output, CLI_OUT_TEXT);
    ck_assert_int_eq(cli_globals_require_identity(&g, &err), 0);

    /* options win over the environment, also after the subcommand */
    ck_assert_int_eq(s_globals(env, &g, rest, &n, &err, "ec2", "describe-vpcs", "--region", "us-east-1",
                               "--vpc-ids", "vpc-1", "--account=222222222222", "--output", "table",
                               (const char *)NULL), 0);
    ck_assert_str_eq(g.region, "us-east-1");
    ck_assert_str_eq(g.account, "222222222222");
    ck_assert_int_eq(g.output, CLI_OUT_TABLE);
    ck_assert_int_eq(n, 4);
    ck_assert_str_eq(rest[2], "--vpc-ids");
    ck_assert_str_eq(rest[3], "vpc-1");
}
END_TEST

START_TEST(test_globals_errors)
{
    const char *none[] = { NULL };
    cli_globals_t g;
    char *rest[32], *err = NULL;
    int n;
    ck_assert_int_eq(s_globals(none, &g, rest, &n, &err, "--output", "xml", "ec2", (const char *)NULL), 252);
    ck_assert_ptr_nonnull(strstr(err, "argument --output: Invalid choice 'xml', valid choices are: "
                                      "json | text | table | yaml | yaml-stream"));
    free(err);
    /* yaml and yaml-stream are the AWS CLI's too (issue 16). */
    ck_assert_int_eq(s_globals(none, &g, rest, &n, &err, "--output", "yaml-stream", "ec2", (const char *)NULL), 0);
    ck_assert_int_eq(g.output, CLI_OUT_YAML_STREAM);
    ck_assert_int_eq(s_globals(none, &g, rest, &n, &err, "ec2", "--region", (const char *)NULL), 252);
    ck_assert_ptr_nonnull(strstr(err, "argument --region: expected one argument"));
    free(err);
    const char *bad_region[] = { "VPCSIM_ACCOUNT", "111111111111", "AWS_REGION", "mars-north-1", NULL };
    ck_assert_int_eq(s_globals(bad_region, &g, rest, &n, &err, "ec2", (const char *)NULL), 0);
    ck_assert_int_eq(cli_globals_require_identity(&g, &err), 252);
    ck_assert_ptr_nonnull(strstr(err, "argument AWS_REGION: unknown Region 'mars-north-1'"));
    free(err);
    const char *bad_acct[] = { "VPCSIM_ACCOUNT", "1234", "AWS_REGION", "us-east-1", NULL };
    ck_assert_int_eq(s_globals(bad_acct, &g, rest, &n, &err, "ec2", (const char *)NULL), 0);
    ck_assert_int_eq(cli_globals_require_identity(&g, &err), 252);
    ck_assert_ptr_nonnull(strstr(err, "invalid account ID '1234'"));
    free(err);
    const char *no_region[] = { "VPCSIM_ACCOUNT", "111111111111", NULL };
    ck_assert_int_eq(s_globals(no_region, &g, rest, &n, &err, "ec2", (const char *)NULL), 0);
    ck_assert_int_eq(cli_globals_require_identity(&g, &err), 252);
    ck_assert_ptr_nonnull(strstr(err, "You must specify a Region"));
    free(err);
    ck_assert_int_eq(s_globals(none, &g, rest, &n, &err, "--timeout", "0", (const char *)NULL), 252);
    free(err);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("shorthand");
    tcase_add_test(tc, test_shorthand_filters);
    tcase_add_test(tc, test_shorthand_brackets_and_hashes);
    tcase_add_test(tc, test_shorthand_quoting_and_empty);
    tcase_add_test(tc, test_shorthand_errors_exact);
    suite_add_tcase(s, tc);
    tc = tcase_create("argparse");
    tcase_add_test(tc, test_argparse_lists_and_filters);
    tcase_add_test(tc, test_argparse_structures_and_coercion);
    tcase_add_test(tc, test_argparse_customizations);
    tcase_add_test(tc, test_argparse_pagination);
    tcase_add_test(tc, test_argparse_required_and_unknown);
    tcase_add_test(tc, test_argparse_value_errors);
    tcase_add_test(tc, test_argparse_ranges);
    tcase_add_test(tc, test_table_is_complete_and_well_formed);
    suite_add_tcase(s, tc);
    tc = tcase_create("globals");
    tcase_add_test(tc, test_globals_fallbacks);
    tcase_add_test(tc, test_globals_errors);
    suite_add_tcase(s, tc);
    return s;
}
