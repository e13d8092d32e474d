/* Unit tests of viz/topology.c: the Describe* outputs of one account give
 * a known topology document and a known Graphviz picture: clusters per
 * account and Region, the peer's VPC in its own account, the connection
 * coloured by state, routes active or blackhole. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "topology.h"

static vs_json_t *s_j(const char *s)
{
    char err[160] = "";
    vs_json_t *j = vs_json_parse(s, strlen(s), err, sizeof err);
    ck_assert_msg(j != NULL, "%s: %s", s, err);
    return j;
}

static const char s_vpcs[] =
    "{\"Vpcs\":[{\"CidrBlock\":\"10.1.0.0/16\",\"VpcId\":\"vpc-a\",\"OwnerId\":\"111111111111\","
    "\"CidrBlockAssociationSet\":[{\"CidrBlock\":\"10.1.0.0/16\",\"CidrBlockState\":{\"State\":\"associated\"}},"
    "{\"CidrBlock\":\"10.5.0.0/16\",\"CidrBlockState\":{\"State\":\"associated\"}},"
    "{\"CidrBlock\":\"10.9.0.0/16\",\"CidrBlockState\":{\"State\":\"disassociated\"}}],"
    "\"Tags\":[{\"Key\":\"Name\",\"Value\":\"VPC-A\"}]}]}";
static const char s_pcxs[] =
    "{\"VpcPeeringConnections\":[{\"AccepterVpcInfo\":{\"CidrBlock\":\"10.2.0.0/16\",\"OwnerId\":\"222222222222\","
    "\"VpcId\":\"vpc-b\",\"Region\":\"ap-northeast-1\"},\"RequesterVpcInfo\":{\"CidrBlock\":\"10.1.0.0/16\","
    "\"OwnerId\":\"111111111111\",\"VpcId\":\"vpc-a\",\"Region\":\"ap-northeast-1\"},"
    "\"Status\":{\"Code\":\"active\",\"Message\":\"Active\"},\"VpcPeeringConnectionId\":\"pcx-1\"}]}";
static const char s_rtbs[] =
    "{\"RouteTables\":[{\"RouteTableId\":\"rtb-a\",\"VpcId\":\"vpc-a\",\"Routes\":["
    "{\"DestinationCidrBlock\":\"10.1.0.0/16\",\"GatewayId\":\"local\",\"State\":\"active\"},"
    "{\"DestinationCidrBlock\":\"10.2.0.0/16\",\"VpcPeeringConnectionId\":\"pcx-1\",\"State\":\"active\"},"
    "{\"DestinationCidrBlock\":\"10.3.0.0/16\",\"VpcPeeringConnectionId\":\"pcx-gone\",\"State\":\"blackhole\"}]}]}";

static vs_json_t *s_doc(void)
{
    vs_json_t *v = s_j(s_vpcs), *p = s_j(s_pcxs), *r = s_j(s_rtbs);
    vs_json_t *doc = vs_topo_new();
    ck_assert_int_eq(vs_topo_add(doc, "111111111111", "ap-northeast-1", v, p, r), 0);
    vs_json_free(&v);
    vs_json_free(&p);
    vs_json_free(&r);
    return doc;
}

START_TEST(describe_outputs_give_a_known_document)
{
    vs_json_t *doc = s_doc();
    vs_json_t *want = s_j(
        "{\"Accounts\": [{\"AccountId\": \"111111111111\", \"Regions\": [{\"Region\": \"ap-northeast-1\", "
        "\"Vpcs\": [{\"VpcId\": \"vpc-a\", \"Name\": \"VPC-A\", \"CidrBlocks\": [\"10.1.0.0/16\", \"10.5.0.0/16\"], "
        "\"Owned\": true}]}]}, {\"AccountId\": \"222222222222\", \"Regions\": [{\"Region\": \"ap-northeast-1\", "
        "\"Vpcs\": [{\"VpcId\": \"vpc-b\", \"Name\": \"\", \"CidrBlocks\": [\"10.2.0.0/16\"], \"Owned\": false}]}]}], "
        "\"PeeringConnections\": [{\"VpcPeeringConnectionId\": \"pcx-1\", \"State\": \"active\", "
        "\"RequesterVpcId\": \"vpc-a\", \"AccepterVpcId\": \"vpc-b\"}], "
        "\"Routes\": [{\"RouteTableId\": \"rtb-a\", \"VpcId\": \"vpc-a\", \"DestinationCidrBlock\": \"10.2.0.0/16\", "
        "\"VpcPeeringConnectionId\": \"pcx-1\", \"State\": \"active\"}, {\"RouteTableId\": \"rtb-a\", "
        "\"VpcId\": \"vpc-a\", \"DestinationCidrBlock\": \"10.3.0.0/16\", \"VpcPeeringConnectionId\": \"pcx-gone\", "
        "\"State\": \"blackhole\"}]}");
    char *got = vs_json_dump(doc, 0);
    ck_assert_msg(vs_json_equal(doc, want), "got %s", got);
    free(got);
    vs_json_free(&want);
    vs_json_free(&doc);
}
END_TEST

START_TEST(known_document_gives_known_dot)
{
    vs_json_t *doc = s_doc();
    char err[160];
    char *dot = vs_topo_dot(doc, err, sizeof err);
    ck_assert_str_eq(dot,
        "digraph topology {\n"
        "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, compound=true];\n"
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11];\n"
        "  edge [fontname=\"Helvetica\", fontsize=10];\n"
        "  subgraph cluster_a0 {\n"
        "    label=\"account 111111111111\"; style=\"rounded\"; color=\"#546e7a\";\n"
        "    subgraph cluster_a0_r0 {\n"
        "      label=\"ap-northeast-1\"; style=\"dashed\"; color=\"#90a4ae\";\n"
        "      \"vpc-a\" [label=\"vpc-a\\nVPC-A\\n10.1.0.0/16\\n10.5.0.0/16\", fillcolor=\"#e3f2fd\"];\n"
        "    }\n"
        "  }\n"
        "  subgraph cluster_a1 {\n"
        "    label=\"account 222222222222\"; style=\"rounded\"; color=\"#546e7a\";\n"
        "    subgraph cluster_a1_r0 {\n"
        "      label=\"ap-northeast-1\"; style=\"dashed\"; color=\"#90a4ae\";\n"
        "      \"vpc-b\" [label=\"vpc-b\\n10.2.0.0/16\", fillcolor=\"#f5f5f5\"];\n"
        "    }\n"
        "  }\n"
        "  \"vpc-a\" -> \"vpc-b\" [label=\"pcx-1\\nactive\", color=\"#2e7d32\", fontcolor=\"#2e7d32\", penwidth=2.5, dir=none];\n"
        "  \"vpc-a\" -> \"vpc-b\" [label=\"rtb-a: 10.2.0.0/16 via pcx-1 (active)\", style=dashed, color=\"#43a047\", fontcolor=\"#43a047\", arrowhead=normal];\n"
        "  \"pcx-gone\" [shape=point, color=\"#c62828\"];\n"
        "  \"vpc-a\" -> \"pcx-gone\" [label=\"rtb-a: 10.3.0.0/16 via pcx-gone (blackhole)\", style=dashed, color=\"#c62828\", fontcolor=\"#c62828\", arrowhead=tee];\n"
        "}\n");
    free(dot);
    vs_json_free(&doc);
}
END_TEST

START_TEST(names_are_quoted_for_dot)
{
    vs_json_t *doc = vs_topo_new();
    vs_json_t *v = s_j("{\"Vpcs\":[{\"VpcId\":\"vpc-a\",\"Tags\":[{\"Key\":\"Name\",\"Value\":\"a\\\"b\\\\c\"}]}]}");
    ck_assert_int_eq(vs_topo_add(doc, "111111111111", "us-east-1", v, NULL, NULL), 0);
    char err[160];
    char *dot = vs_topo_dot(doc, err, sizeof err);
    ck_assert(strstr(dot, "label=\"vpc-a\\na\\\"b\\\\c\"") != NULL);
    free(dot);
    vs_json_free(&v);
    vs_json_free(&doc);
}
END_TEST

START_TEST(malformed_inputs_are_refused)
{
    vs_json_t *doc = vs_topo_new();
    vs_json_t *bad = s_j("{\"Vpcs\":{}}");
    ck_assert_int_eq(vs_topo_add(doc, "111111111111", "us-east-1", bad, NULL, NULL), -1);
    vs_json_free(&bad);
    char err[160] = "";
    vs_json_t *empty = s_j("{}");
    ck_assert_ptr_null(vs_topo_dot(empty, err, sizeof err));
    ck_assert(err[0] != 0);
    vs_json_free(&empty);
    vs_json_free(&doc);
    ck_assert_str_eq(vs_topo_state_color("active"), "#2e7d32");
    ck_assert_str_eq(vs_topo_state_color("deleted"), "#9e9e9e");
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("viz_topology");
    TCase *tc = tcase_create("topology");
    tcase_add_test(tc, describe_outputs_give_a_known_document);
    tcase_add_test(tc, known_document_gives_known_dot);
    tcase_add_test(tc, names_are_quoted_for_dot);
    tcase_add_test(tc, malformed_inputs_are_refused);
    suite_add_tcase(s, tc);
    return s;
}
