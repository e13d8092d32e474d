/* Unit tests of bench/bjson: fields found whatever the key order and
 * whitespace, not fooled by keys inside strings or by escapes, and a
 * malformed or truncated document is an error, never a read past its end
 * (ASan builds check each truncation of a describe reply). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bjson.h"

static int field(const char *s, const char *obj, const char *key, char *out)
{
    return vs_bjson_field(s, strlen(s), obj, key, out, 32);
}

/* A describe reply as the agents write it (compact), two connections. */
static const char S_REPLY[] =
    "{\"VpcPeeringConnections\":[{\"AccepterVpcInfo\":{\"CidrBlock\":\"172.16.0.0/24\","
    "\"CidrBlockSet\":[{\"CidrBlock\":\"172.16.0.0/24\"}],\"OwnerId\":\"222222222222\","
    "\"PeeringOptions\":{\"AllowDnsResolutionFromRemoteVpc\":false},\"VpcId\":"
    "\"vpc-09ee1e0d00b099d31\",\"Region\":\"us-east-1\"},\"Status\":{\"Code\":\"active\","
    "\"Message\":\"Active\"},\"Tags\":[],\"VpcPeeringConnectionId\":\"pcx-0ac1469a8e8d7c9ce\"},"
    "{\"Status\":{\"Message\":\"Provisioning\",\"Code\":\"provisioning\"},\"Tags\":[{\"Key\":"
    "\"VpcPeeringConnectionId\",\"Value\":\"a \\\"}]\\\\\"}],\"VpcPeeringConnectionId\":"
    "\"pcx-0123456789abcdef0\"}]}";

/* Reads every connection of a reply: "ID=code;" each. -1 if malformed. */
static int s_read_all(const char *doc, size_t len, char *out)
{
    static const char *const list = "VpcPeeringConnections", *const code = "Code";
    static const char *const keys[2] = { "VpcPeeringConnectionId", "Status" };
    vs_bjson_t d, it, f[2], c;
    char id[32], st[32];
    int rc;
    out[0] = '\0';
    if (vs_bjson_doc(doc, len, &d) != 0 || vs_bjson_members(&d, &list, 1, &it) != 1)
        return -1;
    while ((rc = vs_bjson_next_members(&it, keys, 2, f)) > 0) {
        if (rc != 3 || vs_bjson_str(&f[0], id, sizeof id) != 0 ||
            vs_bjson_members(&f[1], &code, 1, &c) != 1 || vs_bjson_str(&c, st, sizeof st) != 0)
            return -1;
        strcat(out, id);
        strcat(out, "=");
        strcat(out, st);
        strcat(out, ";");
    }
    return rc;
}

START_TEST(fields_in_any_order_and_spacing)
{
    char out[32];
    ck_assert_int_eq(field("{\"Vpc\":{\"VpcId\":\"vpc-1\"}}", "Vpc", "VpcId", out), 0);
    ck_assert_str_eq(out, "vpc-1");
    ck_assert_int_eq(field(" {\n  \"A\" : [1, {\"VpcId\": \"no\"}, \"}\\\"{\", true, null],\n"
                           "  \"Vpc\" : {\"X\": -1.5e3, \"VpcId\" : \"vpc-2\"}\n} ",
                           "Vpc", "VpcId", out), 0);
    ck_assert_str_eq(out, "vpc-2");
    ck_assert_int_eq(field("{\"A\":\"\\\\\",\"VpcId\":\"q\"}", NULL, "VpcId", out), 0);
    ck_assert_str_eq(out, "q");
    /* A key that only starts or ends like the one asked for. */
    ck_assert_int_eq(field("{\"VpcIdX\":\"a\",\"VpcI\":\"b\"}", NULL, "VpcId", out), -1);
    /* Not a string, an escape in the value, too long. */
    ck_assert_int_eq(field("{\"VpcId\":5}", NULL, "VpcId", out), -1);
    ck_assert_int_eq(field("{\"VpcId\":\"x\\\"y\"}", NULL, "VpcId", out), -1);
    ck_assert_int_eq(field("{\"VpcId\":\"0123456789012345678901234567890123\"}", NULL, "VpcId",
                           out), -1);
}
END_TEST

START_TEST(malformed_is_an_error)
{
    char out[32];
    const char *bad[] = { "", "  ", "[]", "{}", "{\"VpcId\"\"a\"}", "{\"A\":{]}, \"VpcId\":\"a\"}",
                          "{\"A\":\"unterminated, \"VpcId\":\"a\"}", "{\"A\":1 \"VpcId\":\"a\"}",
                          "{\"A\":[1,2}, \"VpcId\":\"a\"}", "{\"VpcId\":\"a" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(field(bad[i], NULL, "VpcId", out) == -1, "%s", bad[i]);
    /* Nesting deeper than VS_BJSON_MAX_DEPTH is refused, not recursed into. */
    char deep[400];
    strcpy(deep, "{\"A\":");
    memset(deep + 5, '[', 100);
    memset(deep + 105, ']', 100);
    strcpy(deep + 205, ",\"VpcId\":\"a\"}");
    ck_assert_int_eq(field(deep, NULL, "VpcId", out), -1);
    /* Arrays: a trailing comma, a missing comma, no end. */
    const char *lists[] = { "{\"L\":[{},]}", "{\"L\":[{} {}]}", "{\"L\":[{}", "{\"L\":[1]}" };
    static const char *const l = "L";
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
        vs_bjson_t d, it, f;
        int rc;
        ck_assert_int_eq(vs_bjson_doc(lists[i], strlen(lists[i]), &d), 0);
        ck_assert_int_eq(vs_bjson_members(&d, &l, 1, &it), 1);
        while ((rc = vs_bjson_next_members(&it, &l, 1, &f)) > 0)
            ;
        ck_assert_msg(rc == -1, "%s", lists[i]);
    }
}
END_TEST

START_TEST(a_describe_reply)
{
    char all[256];
    ck_assert_int_eq(s_read_all(S_REPLY, strlen(S_REPLY), all), 0);
    ck_assert_str_eq(all, "pcx-0ac1469a8e8d7c9ce=active;pcx-0123456789abcdef0=provisioning;");
    /* vs_bjson_next walks the same elements. */
    static const char *const list = "VpcPeeringConnections";
    vs_bjson_t d, it, e;
    int n = 0;
    ck_assert_int_eq(vs_bjson_doc(S_REPLY, strlen(S_REPLY), &d), 0);
    ck_assert_int_eq(vs_bjson_members(&d, &list, 1, &it), 1);
    while (vs_bjson_next(&it, &e) == 1)
        n++;
    ck_assert_int_eq(n, 2);
    const char *empty = "{\"VpcPeeringConnections\":[ ]}";
    ck_assert_int_eq(s_read_all(empty, strlen(empty), all), 0);
    ck_assert_str_eq(all, "");
}
END_TEST

START_TEST(every_truncation_is_safe)
{
    /* Each prefix in a buffer of its own size, so that ASan sees any read
     * past it; a prefix is an error unless it holds the whole list (only
     * the object's closing brace, which is not read, missing). */
    size_t n = strlen(S_REPLY);
    char all[256];
    for (size_t cut = 0; cut < n; cut++) {
        char *c = malloc(cut ? cut : 1);
        memcpy(c, S_REPLY, cut);
        int rc = s_read_all(c, cut, all);
        free(c);
        if (cut == n - 1)
            ck_assert_int_eq(rc, 0);
        else
            ck_assert_msg(rc == -1, "prefix of %zu bytes read", cut);
    }
}
END_TEST

Suite *vs_test_suite(void);
Suite *vs_test_suite(void)
{
    Suite *s = suite_create("bjson");
    TCase *tc = tcase_create("bjson");
    tcase_add_test(tc, fields_in_any_order_and_spacing);
    tcase_add_test(tc, malformed_is_an_error);
    tcase_add_test(tc, a_describe_reply);
    tcase_add_test(tc, every_truncation_is_safe);
    suite_add_tcase(s, tc);
    return s;
}
