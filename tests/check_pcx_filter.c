/* Unit tests of core/glob and core/pcx_filter: EC2 wildcards and the 12
 * DescribeVpcPeeringConnections filters. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_pcx_fixture.h"
#include "glob.h"
#include "pcx_filter.h"

START_TEST(test_glob)
{
    static const struct {
        const char *pat, *text;
        bool match;
    } cases[] = {
        { "", "", true }, { "", "a", false }, { "*", "", true }, { "*", "anything", true },
        { "**", "abc", true }, { "a*", "a", true }, { "*a", "ba", true }, { "*a", "ab", false },
        { "a?c", "abc", true }, { "a?c", "ac", false }, { "?", "", false },
        { "*?*", "", false }, { "*?*", "x", true },
        { "10.0.*", "10.0.0.0/16", true }, { "10.0.*", "110.0.0.0/8", false },
        { "*-*-*", "us-east-1", true }, { "a*b*c", "aXbYbZc", true }, { "a*b*c", "acb", false },
        { "*ab", "aab", true }, { "*aab", "aaab", true }, { "a*a*a", "aa", false },
        { "Active", "active", false }, { "active", "active", true }, { "act", "active", false },
        { "\\*amazon\\?\\\\", "*amazon?\\", true }, { "\\*x", "ax", false },
        { "\\a", "a", true }, { "a\\", "a\\", true }, { "a\\", "a", false },
        { "?", "\xc3\xa9", true }, { "??", "\xc3\xa9", false }, { "caf?", "caf\xc3\xa9", true },
        { "\xed\x95\x9c*", "\xed\x95\x9c\xea\xb5\xad", true }, { "*\xea\xb5\xad", "\xed\x95\x9c\xea\xb5\xad", true },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(vs_glob_match(cases[i].pat, cases[i].text) == cases[i].match,
                      "case %zu: '%s' vs '%s'", i, cases[i].pat, cases[i].text);
    ck_assert(!vs_glob_match(NULL, "x"));
    ck_assert(!vs_glob_match("x", NULL));
    ck_assert(!vs_glob_has_wildcard("abc"));
    ck_assert(vs_glob_has_wildcard("a*"));
    ck_assert(vs_glob_has_wildcard("a?"));
    ck_assert(!vs_glob_has_wildcard("a\\*\\?"));
    ck_assert(vs_glob_has_wildcard("\\\\*"));
    ck_assert(!vs_glob_has_wildcard(NULL));
}
END_TEST

/* The pcx every filter test looks at: cross-account, same Region. */
static vs_pcx_t s_pcx(vs_pcx_state_t state)
{
    vs_pcx_t p = fx_pcx("111111111111", "us-east-1", "222222222222", "us-east-1");
    if (state != VS_PCX_INITIATING_REQUEST)
        vs_pcx_set_state(&p, state, VS_PCX_SIDE_REQUESTER, FX_T0 + 10);
    return p;
}

static const char *s_tags_json = "[{\"Key\": \"Name\", \"Value\": \"prod-peer\"},"
                                 " {\"Key\": \"env\", \"Value\": \"Prod\"}]";

/* 1/0 match, or -1 with the error copied into err. */
static int s_match(vs_pcx_state_t state, const char *filters, bool with_tags, vs_awserr_t *err)
{
    vs_pcx_t p = s_pcx(state);
    vs_json_t *f = filters ? fx_json(filters) : NULL;
    vs_json_t *tags = with_tags ? fx_json(s_tags_json) : NULL;
    vs_awserr_t e = { "", "" };
    int rc = vs_pcx_filter_match(&p, tags, f, &e);
    if (err)
        *err = e;
    vs_json_free(&f);
    vs_json_free(&tags);
    return rc;
}

#define F1(name, values) "[{\"Name\": \"" name "\", \"Values\": [" values "]}]"

START_TEST(test_filters_match)
{
    const vs_pcx_state_t P = VS_PCX_PENDING_ACCEPTANCE, A = VS_PCX_ACTIVE, D = VS_PCX_DELETED;
    struct {
        vs_pcx_state_t state;
        const char *filters;
        int want;
    } cases[] = {
        { P, NULL, 1 },
        { P, "[]", 1 },
        { P, F1("status-code", "\"pending-acceptance\""), 1 },
        { P, F1("status-code", "\"active\""), 0 },
        { P, F1("status-code", "\"active\", \"pending-*\""), 1 },        /* OR */
        { P, F1("status-code", "\"Pending-acceptance\""), 0 },           /* case */
        { VS_PCX_INITIATING_REQUEST, F1("status-code", "\"initiating-request\""), 1 },
        { P, F1("status-message", "\"Pending Acceptance by 222222222222\""), 1 },
        { P, F1("status-message", "\"Pending*\""), 1 },
        { P, F1("status-message", "\"pending*\""), 0 },
        { P, "[{\"Name\": \"status-code\", \"Values\": [\"pending-acceptance\"]},"
             " {\"Name\": \"requester-vpc-info.owner-id\", \"Values\": [\"111111111111\"]}]", 1 },
        { P, "[{\"Name\": \"status-code\", \"Values\": [\"pending-acceptance\"]},"
             " {\"Name\": \"requester-vpc-info.owner-id\", \"Values\": [\"333333333333\"]}]", 0 },
        { P, F1("accepter-vpc-info.owner-id", "\"222222222222\""), 1 },
        { P, F1("accepter-vpc-info.owner-id", "\"111111111111\""), 0 },
        { P, F1("accepter-vpc-info.vpc-id", "\"" FX_ACC_VPC "\""), 1 },
        { P, F1("requester-vpc-info.vpc-id", "\"" FX_REQ_VPC "\""), 1 },
        { P, F1("requester-vpc-info.vpc-id", "\"" FX_ACC_VPC "\""), 0 },
        /* CIDRs: only where the output shows them. */
        { P, F1("accepter-vpc-info.cidr-block", "\"10.2.0.0/16\""), 0 },
        { A, F1("accepter-vpc-info.cidr-block", "\"10.2.0.0/16\""), 1 },
        { VS_PCX_PROVISIONING, F1("accepter-vpc-info.cidr-block", "\"10.2.*\""), 1 },
        { A, F1("accepter-vpc-info.cidr-block", "\"2600:1f18:bbbb:200::/56\""), 0 },  /* IPv4 only */
        { P, F1("requester-vpc-info.cidr-block", "\"10.11.0.0/16\""), 1 },   /* secondary */
        { P, F1("requester-vpc-info.cidr-block", "\"10.1.0.0/16\""), 1 },
        { P, F1("requester-vpc-info.cidr-block", "\"10.1.0.0/17\""), 0 },
        { D, F1("requester-vpc-info.cidr-block", "\"10.1.0.0/16\""), 0 },
        { D, F1("requester-vpc-info.owner-id", "\"111111111111\""), 1 },
        /* Expiration: while unaccepted, literal instants in any form. */
        { P, F1("expiration-time", "\"2019-06-22T08:55:29+00:00\""), 1 },
        { P, F1("expiration-time", "\"2019-06-22T08:55:29.000Z\""), 1 },
        { P, F1("expiration-time", "\"2019-06-22T08:55:29Z\""), 1 },
        { P, F1("expiration-time", "\"2019-06-22T08:55:30Z\""), 0 },
        { P, F1("expiration-time", "\"2019-06-22*\""), 1 },
        { P, F1("expiration-time", "\"*.000Z\""), 1 },
        { P, F1("expiration-time", "\"yesterday\""), 0 },
        { A, F1("expiration-time", "\"2019-06-22T08:55:29+00:00\""), 0 },
        { A, F1("expiration-time", "\"*\""), 0 },
        /* Tags of this view. */
        { P, F1("tag:Name", "\"prod-peer\""), 1 },
        { P, F1("tag:Name", "\"prod\""), 0 },
        { P, F1("tag:Name", "\"prod*\""), 1 },
        { P, F1("tag:env", "\"prod\""), 0 },
        { P, F1("tag:env", "\"Prod\""), 1 },
        { P, F1("tag:name", "\"prod-peer\""), 0 },
        { P, F1("tag:N*", "\"prod-peer\""), 0 },                         /* key is literal */
        { P, F1("tag-key", "\"Name\""), 1 },
        { P, F1("tag-key", "\"e*\""), 1 },
        { P, F1("tag-key", "\"Owner\""), 0 },
        { P, F1("vpc-peering-connection-id", "\"" FX_PCX "\""), 1 },
        { P, F1("vpc-peering-connection-id", "\"pcx-01bf*\""), 1 },
        { P, F1("vpc-peering-connection-id", "\"pcx-01bfaf57ab86dad5\""), 0 },
        /* No values: nothing matches. */
        { P, "[{\"Name\": \"status-code\"}]", 0 },
        { P, "[{\"Name\": \"status-code\", \"Values\": []}]", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vs_awserr_t err;
        int rc = s_match(cases[i].state, cases[i].filters, true, &err);
        ck_assert_msg(rc == cases[i].want, "case %zu (%s): %d, want %d [%s %s]", i,
                      cases[i].filters ? cases[i].filters : "NULL", rc, cases[i].want,
                      err.code, err.message);
    }
    /* A view without tags matches no tag filter. */
    ck_assert_int_eq(s_match(P, F1("tag-key", "\"*\""), false, NULL), 0);
    ck_assert_int_eq(s_match(P, F1("tag:Name", "\"*\""), false, NULL), 0);
}
END_TEST

START_TEST(test_filters_errors)
{
    static const struct {
        const char *filters, *code, *msg;
    } cases[] = {
        { F1("status", "\"active\""), "InvalidParameterValue", "The filter 'status' is invalid" },
        { F1("Status-Code", "\"active\""), "InvalidParameterValue",
          "The filter 'Status-Code' is invalid" },
        { F1("tag:", "\"x\""), "InvalidParameterValue", "The filter 'tag:' is invalid" },
        { F1("Tag:Name", "\"x\""), "InvalidParameterValue", "The filter 'Tag:Name' is invalid" },
        { F1("vpc-id", "\"x\""), "InvalidParameterValue", "The filter 'vpc-id' is invalid" },
        { "[{\"Values\": [\"x\"]}]", "InvalidParameterValue", "The filter 'null' is invalid" },
        { "[{\"Name\": 5, \"Values\": [\"x\"]}]", "InvalidParameterValue",
          "The filter 'null' is invalid" },
        { "[7]", "InvalidParameterValue", "The filter 'null' is invalid" },
        { "{\"Name\": \"status-code\"}", "InvalidParameterValue", "The filter 'null' is invalid" },
        { "[{\"Name\": \"status-code\", \"Values\": \"active\"}]", "InvalidParameterValue",
          "The filter 'status-code' is invalid" },
        { "[{\"Name\": \"status-code\", \"Values\": [1]}]", "InvalidParameterValue",
          "The filter 'status-code' is invalid" },
        { "[{\"Name\": \"status-code\", \"Values\": [\"a\\u0000b\"]}]", "InvalidParameterValue",
          "The filter 'status-code' is invalid" },
        /* The bad filter is reported even after a good one that does not match. */
        { "[{\"Name\": \"status-code\", \"Values\": [\"nope\"]}, {\"Name\": \"bogus\"}]",
          "InvalidParameterValue", "The filter 'bogus' is invalid" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vs_awserr_t err;
        ck_assert_msg(s_match(VS_PCX_ACTIVE, cases[i].filters, true, &err) == -1, "case %zu", i);
        ck_assert_str_eq(err.code, cases[i].code);
        ck_assert_str_eq(err.message, cases[i].msg);
        vs_json_t *f = fx_json(cases[i].filters);
        ck_assert_int_eq(vs_pcx_filter_check(f, NULL), -1);
        vs_json_free(&f);
    }
    ck_assert_int_eq(vs_pcx_filter_check(NULL, NULL), 0);

    /* 200 values in all are fine, 201 are too many. */
    for (int n = 200; n <= 201; n++) {
        size_t cap = 64 + (size_t)n * 8;
        char *text = malloc(cap);
        size_t len = (size_t)snprintf(text, cap, "[{\"Name\": \"tag-key\", \"Values\": [");
        for (int k = 0; k < n - 1; k++)
            len += (size_t)snprintf(text + len, cap - len, "\"k\",");
        snprintf(text + len, cap - len, "\"k\"]}, {\"Name\": \"tag-key\", \"Values\": []}]");
        vs_awserr_t err = { "", "" };
        int rc = s_match(VS_PCX_ACTIVE, text, true, &err);
        if (n == 200) {
            ck_assert_int_eq(rc, 0);
        } else {
            ck_assert_int_eq(rc, -1);
            ck_assert_str_eq(err.code, "FilterLimitExceeded");
            ck_assert_str_eq(err.message, "The maximum number of filter values specified on a "
                                          "single call is 200");
        }
        free(text);
    }
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("pcx_filter");
    TCase *tc = tcase_create("filter");
    tcase_add_test(tc, test_glob);
    tcase_add_test(tc, test_filters_match);
    tcase_add_test(tc, test_filters_errors);
    suite_add_tcase(s, tc);
    return s;
}
