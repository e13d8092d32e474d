/* Unit tests for core/ids: resource IDs, accounts, Regions, partitions
 * and ARNs. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "ids.h"

START_TEST(t_id_new)
{
    vs_rng_t r1, r2;
    vs_rng_seed(&r1, 42);
    vs_rng_seed(&r2, 42);
    char a[VS_ID_LEN], b[VS_ID_LEN], c[VS_ID_LEN];
    vs_id_new(&r1, "vpc", a);
    vs_id_new(&r2, "vpc", b);
    ck_assert_str_eq(a, b);                       /* same seed, same ID */
    ck_assert_uint_eq(strlen(a), 4 + 17);
    ck_assert(strncmp(a, "vpc-0", 5) == 0);
    ck_assert(vs_id_valid(a, "vpc"));
    vs_id_new(&r1, "vpc", c);
    ck_assert_str_ne(a, c);                       /* the stream moves on */

    /* A pinned value, so that a change in the ID scheme is noticed. */
    vs_rng_seed(&r1, 1);
    uint64_t first = vs_rng_next(&r1);
    char want[VS_ID_LEN];
    snprintf(want, sizeof want, "pcx-0%016llx", (unsigned long long)first);
    vs_rng_seed(&r1, 1);
    vs_id_new(&r1, "pcx", a);
    ck_assert_str_eq(a, want);

    for (int i = 0; i < 1000; i++) {
        vs_id_new(&r1, "tgw-attach", a);
        ck_assert_msg(vs_id_valid(a, "tgw-attach") && vs_id_valid(a, NULL), "%s", a);
        ck_assert_uint_eq(strlen(a), strlen("tgw-attach-") + 17);
    }

    /* Bad prefixes give an empty string rather than overflowing. */
    vs_id_new(&r1, "averyveryverylongprefix", a);
    ck_assert_str_eq(a, "");
    vs_id_new(&r1, "", a);
    ck_assert_str_eq(a, "");
    vs_id_new(&r1, NULL, a);
    ck_assert_str_eq(a, "");
    vs_id_new(&r1, "Vpc", a);
    ck_assert_str_eq(a, "");
}
END_TEST

START_TEST(t_id_valid)
{
    static const struct { const char *id, *prefix; bool ok; } cases[] = {
        { "vpc-0a1b2c3d4e5f67890", "vpc", true },
        { "vpc-1a2b3c4d", "vpc", true },                 /* legacy 8 hex */
        { "pcx-111aaa111", "pcx", false },               /* 9 hex */
        { "vpc-0a1b2c3d4e5f6789", "vpc", false },        /* 16 hex */
        { "vpc-0a1b2c3d4e5f678901", "vpc", false },      /* 18 hex */
        { "vpc-0A1B2C3D4E5F67890", "vpc", false },       /* uppercase */
        { "vpc-0a1b2c3d4e5f6789g", "vpc", false },
        { "vpc-0a1b2c3d4e5f67890", "subnet", false },
        { "vpc-0a1b2c3d4e5f67890", "vp", false },
        { "vpcx-0a1b2c3d4e5f67890", "vpc", false },
        { "vpc0a1b2c3d4e5f67890", "vpc", false },
        { "vpc-", "vpc", false },
        { "-0a1b2c3d4e5f67890", "", false },
        { "", "vpc", false },
        { "vpc--0a1b2c3d", "vpc", false },
        { " vpc-0a1b2c3d", "vpc", false },
        { "vpc-0a1b2c3d ", "vpc", false },
        { "tgw-attach-0a1b2c3d4e5f67890", "tgw-attach", true },
        { "tgw-attach-0a1b2c3d4e5f67890", "tgw", false },
        { "subnet-12345678", NULL, true },
        { "tgw-attach-12345678", NULL, true },
        { "Subnet-12345678", NULL, false },
        { "1subnet-12345678", NULL, false },
        { "sub--net-12345678", NULL, false },
        { "-12345678", NULL, false },
        { "12345678", NULL, false },
        { NULL, "vpc", false },
        { "averyveryveryverylongprefix-0a1b2c3d4e5f67890", NULL, false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(vs_id_valid(cases[i].id, cases[i].prefix) == cases[i].ok, "%s / %s",
                      cases[i].id ? cases[i].id : "(null)",
                      cases[i].prefix ? cases[i].prefix : "(null)");
}
END_TEST

/* With a prefix, vs_id_valid is the prefix-free check plus "the part
 * before the last hyphen is that prefix" (its one-pass form must say the
 * same), over random strings near the edges: hyphens, hex and non-hex,
 * upper case, lengths around 8 and 17 digits and VS_ID_LEN. */
START_TEST(t_id_valid_with_prefix_same_as_without)
{
    static const char alphabet[] = "vpc-tgwattach-0123456789abcdefgA -";
    static const char *const prefixes[] = { "vpc", "pcx", "tgw-attach", "sg", "i", "subnet" };
    static const char *const stems[] = { "", "vpc-", "pcx-", "tgw-attach-", "sg-", "i-",
                                         "subnet-", "vpc-0", "tgw-" };
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int n = 0; n < 200000; n++) {
        char s[VS_ID_LEN + 8];
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t stem = x % (sizeof stems / sizeof stems[0]);
        size_t len = strlen(stems[stem]);
        memcpy(s, stems[stem], len);
        size_t extra = (x >> 8) % 20;
        for (size_t i = 0; i < extra && len < sizeof s - 1; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* Mostly hex digits, so that valid IDs come up often. */
            s[len++] = x % 4 ? "0123456789abcdef"[(x >> 8) % 16]
                             : alphabet[(x >> 8) % (sizeof alphabet - 1)];
        }
        s[len] = '\0';
        const char *prefix = prefixes[(x >> 20) % (sizeof prefixes / sizeof prefixes[0])];
        char got[VS_ID_LEN];
        bool want = vs_id_valid(s, NULL) && vs_id_prefix(s, got, sizeof got) &&
                    strcmp(got, prefix) == 0;
        ck_assert_msg(vs_id_valid(s, prefix) == want, "\"%s\" / %s: %d", s, prefix, !want);
    }
}
END_TEST

START_TEST(t_id_prefix)
{
    char p[16];
    ck_assert(vs_id_prefix("vpc-0a1b2c3d4e5f67890", p, sizeof p));
    ck_assert_str_eq(p, "vpc");
    ck_assert(vs_id_prefix("tgw-attach-0a1b2c3d", p, sizeof p));
    ck_assert_str_eq(p, "tgw-attach");
    ck_assert(vs_id_prefix("i-12345678", p, sizeof p));
    ck_assert_str_eq(p, "i");
    ck_assert(!vs_id_prefix("vpc0a1b2c3d", p, sizeof p));
    ck_assert(!vs_id_prefix("subnet-0a1b2c3d", p, 6));    /* needs 7 bytes */
    ck_assert(vs_id_prefix("subnet-0a1b2c3d", p, 7));
    ck_assert_str_eq(p, "subnet");
    ck_assert(!vs_id_prefix(NULL, p, sizeof p));
    ck_assert(!vs_id_prefix("vpc-1", NULL, 0));
}
END_TEST

START_TEST(t_account)
{
    ck_assert(vs_account_valid("123456789012"));
    ck_assert(vs_account_valid("000000000000"));
    static const char *bad[] = {
        "", "12345678901", "1234567890123", "12345678901a", "-12345678901",
        " 123456789012", "123456789012 ", "１２３４５６７８９０１２", "1234 5678 9012",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!vs_account_valid(bad[i]), "%s", bad[i]);
    ck_assert(!vs_account_valid(NULL));
}
END_TEST

START_TEST(t_regions)
{
    const char *const *all = vs_region_all();
    size_t n = 0;
    for (; all[n]; n++) {
        ck_assert(vs_region_known(all[n]));
        ck_assert_ptr_nonnull(vs_region_partition(all[n]));
        for (size_t k = 0; k < n; k++)
            ck_assert_str_ne(all[k], all[n]);
        ck_assert_uint_lt(strlen(all[n]), VS_REGION_LEN);
    }
    ck_assert_uint_eq(n, 36);

    static const struct { const char *region, *partition; } cases[] = {
        { "us-east-1", "aws" }, { "eu-west-3", "aws" }, { "ap-southeast-7", "aws" },
        { "mx-central-1", "aws" }, { "il-central-1", "aws" }, { "ca-west-1", "aws" },
        { "cn-north-1", "aws-cn" }, { "cn-northwest-1", "aws-cn" },
        { "us-gov-east-1", "aws-us-gov" }, { "us-gov-west-1", "aws-us-gov" },
        { "us-east-3", NULL }, { "US-EAST-1", NULL }, { "us-east-1 ", NULL },
        { "ap-southeast-6", NULL }, { "cn-south-1", NULL }, { "", NULL }, { NULL, NULL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *p = vs_region_partition(cases[i].region);
        if (cases[i].partition) {
            ck_assert_ptr_nonnull(p);
            ck_assert_str_eq(p, cases[i].partition);
        } else {
            ck_assert_ptr_null(p);
            ck_assert(!vs_region_known(cases[i].region));
        }
    }
}
END_TEST

/* The linear reference for vs_region_known's hashed lookup. */
static bool s_in_all(const char *region)
{
    for (const char *const *r = vs_region_all(); *r; r++)
        if (strcmp(*r, region) == 0)
            return true;
    return false;
}

/* Names one edit away from a Region (a character changed, one dropped from
 * the end, one added) land in the slots of real Regions too: only the
 * Regions themselves are known. */
START_TEST(t_region_near_misses)
{
    static const char alphabet[] = "-0123456789abcdefghijklmnopqrstuvwxyzA";
    size_t tried = 0;
    for (const char *const *r = vs_region_all(); *r; r++) {
        char name[VS_REGION_LEN + 2];
        size_t len = strlen(*r);
        for (size_t i = 0; i < len; i++)
            for (const char *c = alphabet; *c; c++) {
                memcpy(name, *r, len + 1);
                name[i] = *c;
                ck_assert_msg(vs_region_known(name) == s_in_all(name), "%s", name);
                tried++;
            }
        memcpy(name, *r, len + 1);
        name[len - 1] = '\0';
        ck_assert(!vs_region_known(name));
        for (const char *c = alphabet; *c; c++) {
            memcpy(name, *r, len);
            name[len] = *c;
            name[len + 1] = '\0';
            ck_assert_msg(!vs_region_known(name), "%s", name);
        }
    }
    ck_assert_uint_gt(tried, 36 * 9 * 30);
}
END_TEST

START_TEST(t_arn_format)
{
    char out[VS_ARN_LEN];
    int n = vs_arn_format(out, sizeof out, "aws", "us-east-1", "123456789012",
                          "vpc-peering-connection", "pcx-0a1b2c3d4e5f67890");
    ck_assert_str_eq(out, "arn:aws:ec2:us-east-1:123456789012:vpc-peering-connection/"
                          "pcx-0a1b2c3d4e5f67890");
    ck_assert_int_eq(n, (int)strlen(out));

    n = vs_arn_format(out, sizeof out, "aws-cn", "cn-north-1", "123456789012", "vpc",
                      "vpc-1a2b3c4d");
    ck_assert_str_eq(out, "arn:aws-cn:ec2:cn-north-1:123456789012:vpc/vpc-1a2b3c4d");

    static const struct { const char *part, *region, *acct, *type, *id; } bad[] = {
        { "aws", "cn-north-1", "123456789012", "vpc", "vpc-1a2b3c4d" },   /* partition */
        { "aws-cn", "us-east-1", "123456789012", "vpc", "vpc-1a2b3c4d" },
        { "aws", "us-gov-west-1", "123456789012", "vpc", "vpc-1a2b3c4d" },
        { "aws", "us-east-9", "123456789012", "vpc", "vpc-1a2b3c4d" },
        { "aws", "us-east-1", "12345678901", "vpc", "vpc-1a2b3c4d" },
        { "aws", "us-east-1", "123456789012", "vpc", "subnet-1a2b3c4d" }, /* type/id */
        { "aws", "us-east-1", "123456789012", "Vpc", "vpc-1a2b3c4d" },
        { "aws", "us-east-1", "123456789012", "", "vpc-1a2b3c4d" },
        { "aws", "us-east-1", "123456789012", "vpc/x", "vpc-1a2b3c4d" },
        { "aws", "us-east-1", "123456789012", "vpc", "vpc-1a2b3c4" },
        { "aws", "us-east-1", "123456789012", "vpc", "" },
        { NULL, "us-east-1", "123456789012", "vpc", "vpc-1a2b3c4d" },
        { "aws", NULL, "123456789012", "vpc", "vpc-1a2b3c4d" },
        { "aws", "us-east-1", NULL, "vpc", "vpc-1a2b3c4d" },
        { "aws", "us-east-1", "123456789012", NULL, "vpc-1a2b3c4d" },
        { "aws", "us-east-1", "123456789012", "vpc", NULL },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(vs_arn_format(out, sizeof out, bad[i].part, bad[i].region, bad[i].acct,
                                    bad[i].type, bad[i].id) == -1, "case %zu", i);

    /* Too small a buffer is an error with an empty string, not a cut ARN. */
    ck_assert_int_eq(vs_arn_format(out, 20, "aws", "us-east-1", "123456789012", "vpc",
                                   "vpc-1a2b3c4d"), -1);
    ck_assert_str_eq(out, "");
    /* The boundary: room for the ARN and its NUL, and one byte less. */
    const char *want = "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1a2b3c4d";
    size_t w = strlen(want);
    ck_assert_int_eq(vs_arn_format(out, w + 1, "aws", "us-east-1", "123456789012", "vpc",
                                   "vpc-1a2b3c4d"), (int)w);
    ck_assert_str_eq(out, want);
    ck_assert_int_eq(vs_arn_format(out, w, "aws", "us-east-1", "123456789012", "vpc",
                                   "vpc-1a2b3c4d"), -1);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(vs_arn_format(out, 0, "aws", "us-east-1", "123456789012", "vpc",
                                   "vpc-1a2b3c4d"), -1);
}
END_TEST

START_TEST(t_arn_parse)
{
    vs_arn_t a;
    ck_assert_int_eq(vs_arn_parse("arn:aws-us-gov:ec2:us-gov-west-1:123456789012:"
                                  "vpc-peering-connection/pcx-0a1b2c3d4e5f67890", &a), 0);
    ck_assert_str_eq(a.partition, "aws-us-gov");
    ck_assert_str_eq(a.service, "ec2");
    ck_assert_str_eq(a.region, "us-gov-west-1");
    ck_assert_str_eq(a.account, "123456789012");
    ck_assert_str_eq(a.resource_type, "vpc-peering-connection");
    ck_assert_str_eq(a.resource_id, "pcx-0a1b2c3d4e5f67890");

    /* Format and parse round-trip for every Region. */
    for (const char *const *r = vs_region_all(); *r; r++) {
        char out[VS_ARN_LEN];
        ck_assert_int_gt(vs_arn_format(out, sizeof out, vs_region_partition(*r), *r,
                                       "210987654321", "subnet", "subnet-0123456789abcdef0"), 0);
        ck_assert_int_eq(vs_arn_parse(out, &a), 0);
        ck_assert_str_eq(a.region, *r);
        ck_assert_str_eq(a.resource_id, "subnet-0123456789abcdef0");
    }

    static const char *bad[] = {
        "",
        "arn",
        "arn:aws:ec2:us-east-1:123456789012",
        "arn:aws:ec2:us-east-1:123456789012:",
        "arn:aws:ec2:us-east-1:123456789012:vpc",
        "arn:aws:ec2:us-east-1:123456789012:vpc/",
        "arn:aws:ec2:us-east-1:123456789012:/vpc-1a2b3c4d",
        "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1a2b3c4d/x",
        "arn:aws:ec2:us-east-1:123456789012:vpc:vpc-1a2b3c4d",
        "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1a2b3c4d:",
        "arn:aws:s3:us-east-1:123456789012:vpc/vpc-1a2b3c4d",
        "arn:aws:EC2:us-east-1:123456789012:vpc/vpc-1a2b3c4d",
        "ARN:aws:ec2:us-east-1:123456789012:vpc/vpc-1a2b3c4d",
        "arn:aws-cn:ec2:us-east-1:123456789012:vpc/vpc-1a2b3c4d",
        "arn:aws:ec2:cn-north-1:123456789012:vpc/vpc-1a2b3c4d",
        "arn::ec2:us-east-1:123456789012:vpc/vpc-1a2b3c4d",
        "arn:aws:ec2::123456789012:vpc/vpc-1a2b3c4d",
        "arn:aws:ec2:us-east-1::vpc/vpc-1a2b3c4d",
        "arn:aws:ec2:us-east-1:1234567890:vpc/vpc-1a2b3c4d",
        "arn:aws:ec2:us-east-1:123456789012:vpc/subnet-1a2b3c4d",
        "arn:aws:ec2:us-east-1:123456789012:route-table/vpc-1a2b3c4d",
        "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1A2B3C4D",
        " arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1a2b3c4d",
        "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1a2b3c4d ",
        "arn:averyveryverylongpartition:ec2:us-east-1:123456789012:vpc/vpc-1a2b3c4d",
        "arn:aws:ec2:us-east-1:123456789012:a-resource-type-name-that-is-far-too-long/"
        "vpc-1a2b3c4d",
        "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1a2b3c4d1a2b3c4d1a2b3c4d1a2b3c4d1a2b",
        "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1a2b3c4d"
        "0000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "0000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&a, 0x5a, sizeof a);
        ck_assert_msg(vs_arn_parse(bad[i], &a) == -1, "accepted %s", bad[i]);
        ck_assert_int_eq((unsigned char)a.partition[0], 0x5a);   /* out untouched */
    }
    ck_assert_int_eq(vs_arn_parse(NULL, &a), -1);
    ck_assert_int_eq(vs_arn_parse("arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1a2b3c4d",
                                  NULL), -1);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("ids");
    TCase *tc = tcase_create("ids");
    tcase_add_test(tc, t_id_new);
    tcase_add_test(tc, t_id_valid);
    tcase_add_test(tc, t_id_valid_with_prefix_same_as_without);
    tcase_add_test(tc, t_id_prefix);
    tcase_add_test(tc, t_account);
    suite_add_tcase(s, tc);

    tc = tcase_create("regions_arns");
    tcase_add_test(tc, t_regions);
    tcase_add_test(tc, t_region_near_misses);
    tcase_add_test(tc, t_arn_format);
    tcase_add_test(tc, t_arn_parse);
    suite_add_tcase(s, tc);
    return s;
}
