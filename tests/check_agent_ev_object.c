/* Unit tests of vs_event_api_output_object (events/event.c): the object a
 * Create* reply is logged under, found by scanning the output text, must
 * be the one vs_event_api_object finds in the parsed output, for every
 * document: the model's real shapes, nested and indented ones, the cases
 * the scan hands to the parser (escapes, a key twice, deep nesting), and
 * many random trees. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "json.h"

/* The answer of the tree walk, the reference. */
static void s_by_tree(const char *text, char *out, size_t outlen)
{
    vs_json_t *j = vs_json_parse(text, strlen(text), NULL, 0);
    vs_event_api_object(NULL, j, out, outlen);
    vs_json_free(&j);
}

static void s_expect(const char *text, const char *want)
{
    char got[VS_EV_ID_LEN], ref[VS_EV_ID_LEN];
    vs_event_api_output_object(text, strlen(text), got, sizeof got);
    s_by_tree(text, ref, sizeof ref);
    ck_assert_msg(strcmp(got, ref) == 0, "scan '%s' != tree '%s' for %s", got, ref, text);
    ck_assert_msg(strcmp(got, want) == 0, "got '%s', want '%s' for %s", got, want, text);
}

START_TEST(shapes_of_the_model)
{
    /* CreateVpcPeeringConnection: the connection, not the VPCs in it. */
    s_expect("{\"VpcPeeringConnection\":{\"AccepterVpcInfo\":{\"OwnerId\":\"2\",\"VpcId\":"
             "\"vpc-2\"},\"RequesterVpcInfo\":{\"CidrBlock\":\"10.0.0.0/16\",\"VpcId\":"
             "\"vpc-1\"},\"Status\":{\"Code\":\"initiating-request\"},\"Tags\":[],"
             "\"VpcPeeringConnectionId\":\"pcx-1\"}}",
             "pcx-1");
    s_expect("{\"Vpc\":{\"CidrBlock\":\"10.0.0.0/16\",\"VpcId\":\"vpc-9\"}}", "vpc-9");
    /* A shallower object's own key wins over an earlier, deeper one. */
    s_expect("{\"A\":{\"B\":{\"SubnetId\":\"subnet-deep\"}},\"SubnetId\":\"subnet-top\"}",
             "subnet-top");
    /* Siblings: the first in order. */
    s_expect("{\"L\":[{\"VpcId\":\"vpc-a\"},{\"VpcId\":\"vpc-b\"}]}", "vpc-a");
    /* A key of higher rank anywhere beats a lower one at the top. */
    s_expect("{\"VpcId\":\"vpc-1\",\"X\":[[{\"RouteTableId\":\"rtb-1\"}]]}", "rtb-1");
    /* Not a string: looked past. */
    s_expect("{\"VpcId\":null,\"X\":{\"VpcId\":\"vpc-2\"}}", "vpc-2");
    s_expect("{\"VpcId\":{\"VpcId\":\"vpc-3\"}}", "vpc-3");
    s_expect("{\"Return\":true}", "");
    s_expect("{}", "");
    s_expect("[]", "");
    s_expect("\"VpcId\"", "");
    /* Whitespace of an indented dump. */
    s_expect("{\n  \"Vpc\" : {\n    \"VpcId\" :\t\"vpc-4\"\n  }\n}\n", "vpc-4");
    /* Handed to the parser: an escape, a key twice, deeper than the scan. */
    s_expect("{\"VpcId\":\"vpc-\\u0035\"}", "vpc-5");
    s_expect("{\"Tags\":[{\"Value\":\"a \\\"q\\\"\"}],\"VpcId\":\"vpc-6\"}", "vpc-6");
    char deep[512] = "";
    for (int i = 0; i < 40; i++)
        strcat(deep, "[");
    strcat(deep, "{\"VpcId\":\"vpc-7\"}");
    for (int i = 0; i < 40; i++)
        strcat(deep, "]");
    s_expect(deep, "");                 /* past s_find's depth of 8 */
    s_expect("[[[[[[[[{\"VpcId\":\"vpc-8\"}]]]]]]]]", "vpc-8");    /* depth 8 */
    s_expect("[[[[[[[[[{\"VpcId\":\"vpc-9\"}]]]]]]]]]", "");       /* depth 9 */
}
END_TEST

START_TEST(duplicate_key_as_the_parser)
{
    char got[VS_EV_ID_LEN], ref[VS_EV_ID_LEN];
    const char *t = "{\"VpcId\":\"vpc-first\",\"VpcId\":\"vpc-second\"}";
    vs_event_api_output_object(t, strlen(t), got, sizeof got);
    s_by_tree(t, ref, sizeof ref);
    ck_assert_str_eq(got, ref);
    ck_assert_str_ne(got, "");
}
END_TEST

START_TEST(no_output)
{
    char got[VS_EV_ID_LEN] = "junk";
    vs_event_api_output_object(NULL, 0, got, sizeof got);
    ck_assert_str_eq(got, "");
    strcpy(got, "junk");
    vs_event_api_output_object("", 0, got, sizeof got);
    ck_assert_str_eq(got, "");
}
END_TEST

static uint64_t s_rand(uint64_t *st)
{
    uint64_t x = *st;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *st = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static const char *const s_keys[] = {
    "VpcPeeringConnectionId", "RouteTableId", "SubnetId", "GroupId", "InstanceId",
    "VpcId", "Tags", "Other", "State",
};

static vs_json_t *s_tree(uint64_t *st, int depth)
{
    uint64_t r = s_rand(st);
    int kind = depth > 11 ? (int)(r % 3) : (int)(r % 6);
    char id[32];
    snprintf(id, sizeof id, "id-%llx", (unsigned long long)(s_rand(st) % 4096));
    switch (kind) {
    case 0:
        return vs_json_str(s_rand(st) % 16 ? id : "with \"quote\"");
    case 1:
        return vs_json_int((int64_t)(r >> 40));
    case 2:
        return vs_json_null();
    case 3: {
        vs_json_t *a = vs_json_array();
        for (uint64_t n = s_rand(st) % 4; n; n--)
            vs_json_push(a, s_tree(st, depth + 1));
        return a;
    }
    default: {
        vs_json_t *o = vs_json_object();
        for (uint64_t n = s_rand(st) % 5; n; n--) {
            const char *k = s_keys[s_rand(st) % (sizeof s_keys / sizeof s_keys[0])];
            vs_json_set(o, k, s_tree(st, depth + 1));
        }
        return o;
    }
    }
}

START_TEST(random_trees_agree)
{
    uint64_t st = 0x9e3779b97f4a7c15ull;
    int found = 0;
    for (int i = 0; i < 20000; i++) {
        vs_json_t *t = s_tree(&st, 0);
        char *text = vs_json_dump(t, i % 2 ? 2 : 0);
        char got[VS_EV_ID_LEN], ref[VS_EV_ID_LEN];
        vs_event_api_output_object(text, strlen(text), got, sizeof got);
        vs_event_api_object(NULL, t, ref, sizeof ref);
        ck_assert_msg(strcmp(got, ref) == 0, "scan '%s' != tree '%s' for %s", got, ref, text);
        found += got[0] != '\0';
        free(text);
        vs_json_free(&t);
    }
    ck_assert_int_gt(found, 1000);      /* the trees do hold ids */
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("agent_ev_object");
    TCase *tc = tcase_create("scan");
    tcase_add_test(tc, shapes_of_the_model);
    tcase_add_test(tc, duplicate_key_as_the_parser);
    tcase_add_test(tc, no_output);
    tcase_add_test(tc, random_trees_agree);
    suite_add_tcase(s, tc);
    return s;
}
