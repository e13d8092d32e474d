/* Unit tests for core/cidr: strict parsing, RFC 5952 formatting and block
 * arithmetic. Expected IPv6 texts agree with Python's ipaddress module
 * except for IPv4-mapped addresses, where RFC 5952 section 5's dotted
 * tail is used. */
#include <check.h>
#include <string.h>

#include "cidr.h"

static vs_cidr_t s_cidr(const char *s)
{
    vs_cidr_t c;
    ck_assert_msg(vs_cidr_parse(s, VS_CIDR_STRICT, &c) == 0, "cannot parse %s", s);
    return c;
}

static vs_ip_t s_ip(const char *s)
{
    vs_ip_t ip;
    ck_assert_msg(vs_ip_parse(s, &ip) == 0, "cannot parse %s", s);
    return ip;
}

START_TEST(t_ip_parse_format)
{
    static const struct { const char *in, *out; int family; } ok[] = {
        { "0.0.0.0", "0.0.0.0", 4 },
        { "10.0.0.1", "10.0.0.1", 4 },
        { "255.255.255.255", "255.255.255.255", 4 },
        { "192.168.100.200", "192.168.100.200", 4 },
        { "::", "::", 6 },
        { "::1", "::1", 6 },
        { "1::", "1::", 6 },
        { "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", 6 },
        { "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1", 6 },
        { "1:0:0:2:0:0:0:3", "1:0:0:2::3", 6 },
        { "0:0:0:0:0:0:0:1", "::1", 6 },
        { "2600:1F18:ABCD::", "2600:1f18:abcd::", 6 },
        { "fe80::1:2:3:4:5", "fe80::1:2:3:4:5", 6 },
        { "1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0", 6 },     /* one zero: no "::" */
        { "::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8", 6 },
        { "1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0", 6 },
        { "1:0:0:1:0:0:1:1", "1::1:0:0:1:1", 6 },           /* tie: first run */
        { "1:1:0:0:1:0:0:0", "1:1:0:0:1::", 6 },            /* longest run wins */
        { "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
          "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 6 },
        { "::1.2.3.4", "::102:304", 6 },
        { "::ffff:1.2.3.4", "::ffff:1.2.3.4", 6 },
        { "::ffff:0102:0304", "::ffff:1.2.3.4", 6 },
        { "64:ff9b::192.0.2.33", "64:ff9b::c000:221", 6 },
        { "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304", 6 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        vs_ip_t ip;
        char buf[VS_IP_STRLEN];
        ck_assert_msg(vs_ip_parse(ok[i].in, &ip) == 0, "refused %s", ok[i].in);
        ck_assert_int_eq(ip.family, ok[i].family);
        int n = vs_ip_format(&ip, buf, sizeof buf);
        ck_assert_str_eq(buf, ok[i].out);
        ck_assert_int_eq(n, (int)strlen(ok[i].out));
        /* The canonical text parses back to the same address. */
        vs_ip_t back = s_ip(buf);
        ck_assert(vs_ip_equal(&ip, &back));
    }
}
END_TEST

START_TEST(t_ip_malformed)
{
    static const char *bad[] = {
        "", " ", " 10.0.0.1", "10.0.0.1 ", "10.0.0.1\n", "10.0.0", "10.0.0.0.0",
        "10.0.0.", ".10.0.0", "10..0.1", "256.0.0.1", "1.2.3.256", "01.2.3.4",
        "1.2.3.04", "1.2.3.00", "1.2.3.0x1", "1.2.3.-1", "1.2.3.+1", "1.2.3.4a",
        "1234.1.1.1", "a.b.c.d", "0x0a.0.0.1", "10.0.0.1/8",
        ":", ":::", "::::", "1:::2", ":1::", ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:",
        "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::",
        "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "fe80::1%eth0", "[::1]",
        "::1.2.3", "::1.2.3.4.5", "::01.2.3.4", "::256.1.1.1", "1.2.3.4::",
        "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3.4/", "1:2 ::",
        "-1::", "::-1", "0x1::",
        "1111111111111111111111111111111111111111111111111111111111111111111111",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vs_ip_t ip = { .family = 99 };
        ck_assert_msg(vs_ip_parse(bad[i], &ip) == -1, "accepted \"%s\"", bad[i]);
        ck_assert_int_eq(ip.family, 99);                /* out untouched */
    }
    vs_ip_t ip;
    ck_assert_int_eq(vs_ip_parse(NULL, &ip), -1);
    ck_assert_int_eq(vs_ip_parse("1.2.3.4", NULL), -1);

    /* A very long string is refused without reading all of it. */
    static char big[100000];
    memset(big, '1', sizeof big - 1);
    ck_assert_int_eq(vs_ip_parse(big, &ip), -1);
    memset(big, ':', sizeof big - 1);
    ck_assert_int_eq(vs_ip_parse(big, &ip), -1);
}
END_TEST

START_TEST(t_cidr_parse)
{
    static const struct { const char *in, *strict, *canon; } cases[] = {
        /* in, result with STRICT (NULL = refused), result with CANON */
        { "10.0.0.0/16", "10.0.0.0/16", "10.0.0.0/16" },
        { "0.0.0.0/0", "0.0.0.0/0", "0.0.0.0/0" },
        { "10.0.0.1/32", "10.0.0.1/32", "10.0.0.1/32" },
        { "100.68.0.18/18", NULL, "100.68.0.0/18" },
        { "10.1.2.3/8", NULL, "10.0.0.0/8" },
        { "1.2.3.4/0", NULL, "0.0.0.0/0" },
        { "172.31.255.255/12", NULL, "172.16.0.0/12" },
        { "2600:1f18:abcd::/56", "2600:1f18:abcd::/56", "2600:1f18:abcd::/56" },
        { "2600:1F18:ABCD:0000::/56", "2600:1f18:abcd::/56", "2600:1f18:abcd::/56" },
        { "2600:1f18:abcd:12::/56", NULL, "2600:1f18:abcd::/56" },
        { "::/0", "::/0", "::/0" },
        { "::1/128", "::1/128", "::1/128" },
        { "::1/127", NULL, "::/127" },
        { "2001:db8::ffff/120", NULL, "2001:db8::ff00/120" },
        { "2001:db8:1:2:3:4:5:6/64", NULL, "2001:db8:1:2::/64" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vs_cidr_t c = { .prefix = 77 };
        char buf[VS_CIDR_STRLEN];
        int rc = vs_cidr_parse(cases[i].in, VS_CIDR_STRICT, &c);
        if (cases[i].strict) {
            ck_assert_msg(rc == 0, "strict refused %s", cases[i].in);
            ck_assert_int_gt(vs_cidr_format(&c, buf, sizeof buf), 0);
            ck_assert_str_eq(buf, cases[i].strict);
        } else {
            ck_assert_msg(rc == -1, "strict accepted %s", cases[i].in);
            ck_assert_int_eq(c.prefix, 77);
        }
        ck_assert_int_eq(vs_cidr_parse(cases[i].in, VS_CIDR_CANON, &c), 0);
        ck_assert_int_eq(vs_cidr_format(&c, buf, sizeof buf), (int)strlen(cases[i].canon));
        ck_assert_str_eq(buf, cases[i].canon);
    }
}
END_TEST

START_TEST(t_cidr_malformed)
{
    static const char *bad[] = {
        "", " ", "/", "/8", "10.0.0.0", "10.0.0.0/", "10.0.0/8", "10.0.0.0/33",
        "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/08", "10.0.0.0/8 ", " 10.0.0.0/8",
        "10.0.0.0 /8", "10.0.0.0/ 8", "10.0.0.0/8/8", "10.0.0.0/1000", "10.0.0.0/x",
        "10.0.0.0//8", "010.0.0.0/8", "10.0.0.0/8\n", "256.0.0.0/8", "1.2.3.4/",
        "::/129", "::/", "/64", "::/0128", "2001:db8::/64/", ":::/64", "1:2:3:4:5:6:7:8:9/64",
        "fe80::1%eth0/64", "2001:db8::/3a", "::1.2.3/96", "10.0.0.0/8,10.0.0.0/8",
        "10.0.0.0\0/8",
        "10.0.0.0/1600000000000000000000000000000000000000000000000000000000000000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vs_cidr_t c = { .prefix = 77 };
        ck_assert_msg(vs_cidr_parse(bad[i], VS_CIDR_STRICT, &c) == -1, "accepted \"%s\"", bad[i]);
        ck_assert_msg(vs_cidr_parse(bad[i], VS_CIDR_CANON, &c) == -1, "accepted \"%s\"", bad[i]);
        ck_assert_int_eq(c.prefix, 77);
    }
    vs_cidr_t c;
    ck_assert_int_eq(vs_cidr_parse(NULL, VS_CIDR_CANON, &c), -1);
    ck_assert_int_eq(vs_cidr_parse("10.0.0.0/8", 0, NULL), -1);
}
END_TEST

START_TEST(t_format_limits)
{
    vs_cidr_t c = s_cidr("2600:1f18:abcd::/56");
    char buf[VS_CIDR_STRLEN];
    /* "2600:1f18:abcd::/56" is 19 bytes: it needs a 20-byte buffer. */
    ck_assert_int_eq(vs_cidr_format(&c, buf, 19), -1);
    ck_assert_int_eq(vs_cidr_format(&c, buf, 20), 19);
    ck_assert_str_eq(buf, "2600:1f18:abcd::/56");
    ck_assert_int_eq(vs_cidr_format(&c, buf, 0), -1);
    ck_assert_int_eq(vs_ip_format(&c.addr, buf, 16), -1);
    ck_assert_int_eq(vs_ip_format(&c.addr, buf, 17), 16);

    /* The longest forms fit the documented buffer sizes. */
    vs_cidr_t wide = s_cidr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
    ck_assert_int_eq(vs_cidr_format(&wide, buf, sizeof buf), 43);
    vs_ip_t mapped = s_ip("::ffff:255.255.255.255");
    char ipbuf[VS_IP_STRLEN];
    ck_assert_int_eq(vs_ip_format(&mapped, ipbuf, sizeof ipbuf), 22);

    /* Invalid values are refused, not printed. */
    vs_cidr_t junk = { .addr = { .family = 5 }, .prefix = 8 };
    ck_assert_int_eq(vs_cidr_format(&junk, buf, sizeof buf), -1);
    junk.addr.family = 4;
    junk.prefix = 33;
    ck_assert_int_eq(vs_cidr_format(&junk, buf, sizeof buf), -1);
    ck_assert_int_eq(vs_ip_format(NULL, buf, sizeof buf), -1);
}
END_TEST

START_TEST(t_contains_overlaps)
{
    static const struct { const char *a, *b; bool a_has_b, b_has_a, overlap; } cases[] = {
        { "10.0.0.0/16", "10.0.1.0/24", true, false, true },
        { "10.0.0.0/16", "10.0.0.0/16", true, true, true },
        { "10.0.0.0/16", "10.1.0.0/16", false, false, false },
        { "10.0.0.0/8", "10.255.255.255/32", true, false, true },
        { "10.0.0.0/8", "11.0.0.0/8", false, false, false },
        { "0.0.0.0/0", "192.168.1.0/24", true, false, true },
        { "172.16.0.0/12", "172.32.0.0/16", false, false, false },
        { "172.16.0.0/12", "172.31.0.0/16", true, false, true },
        { "192.168.0.0/24", "192.168.0.128/25", true, false, true },
        { "192.168.0.0/25", "192.168.0.128/25", false, false, false },
        { "10.0.0.0/16", "2600:1f18::/32", false, false, false },   /* families */
        { "0.0.0.0/0", "::/0", false, false, false },
        { "2600:1f18:abcd::/56", "2600:1f18:abcd:ff::/64", true, false, true },
        { "2600:1f18:abcd::/56", "2600:1f18:abcd:100::/64", false, false, false },
        { "2600:1f18::/32", "2600:1f19::/32", false, false, false },
        { "::/0", "2001:db8::1/128", true, false, true },
        { "2001:db8::/127", "2001:db8::1/128", true, false, true },
        { "2001:db8::/128", "2001:db8::1/128", false, false, false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vs_cidr_t a = s_cidr(cases[i].a), b = s_cidr(cases[i].b);
        ck_assert_msg(vs_cidr_contains(&a, &b) == cases[i].a_has_b, "%s has %s", cases[i].a, cases[i].b);
        ck_assert_msg(vs_cidr_contains(&b, &a) == cases[i].b_has_a, "%s has %s", cases[i].b, cases[i].a);
        ck_assert_msg(vs_cidr_overlaps(&a, &b) == cases[i].overlap, "%s ~ %s", cases[i].a, cases[i].b);
        ck_assert(vs_cidr_overlaps(&b, &a) == cases[i].overlap);
        ck_assert(vs_cidr_equal(&a, &b) == (cases[i].a_has_b && cases[i].b_has_a));
    }
}
END_TEST

START_TEST(t_contains_ip)
{
    static const struct { const char *cidr, *ip; bool in; } cases[] = {
        { "10.0.0.0/16", "10.0.0.0", true },
        { "10.0.0.0/16", "10.0.255.255", true },
        { "10.0.0.0/16", "10.1.0.0", false },
        { "10.0.0.0/16", "9.255.255.255", false },
        { "0.0.0.0/0", "255.255.255.255", true },
        { "10.0.0.5/32", "10.0.0.5", true },
        { "10.0.0.5/32", "10.0.0.4", false },
        { "10.0.0.0/8", "::ffff:10.0.0.1", false },          /* family differs */
        { "::/0", "10.0.0.1", false },
        { "2600:1f18:abcd::/56", "2600:1f18:abcd:ff:ffff:ffff:ffff:ffff", true },
        { "2600:1f18:abcd::/56", "2600:1f18:abcd:100::", false },
        { "fe80::/10", "febf::1", true },
        { "fe80::/10", "fec0::1", false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vs_cidr_t c = s_cidr(cases[i].cidr);
        vs_ip_t ip = s_ip(cases[i].ip);
        ck_assert_msg(vs_cidr_contains_ip(&c, &ip) == cases[i].in, "%s in %s", cases[i].ip,
                      cases[i].cidr);
    }
}
END_TEST

START_TEST(t_size_nth_offset)
{
    static const struct { const char *cidr; uint64_t size; } sizes[] = {
        { "10.0.0.0/16", 65536 }, { "10.0.0.0/32", 1 }, { "10.0.0.0/28", 16 },
        { "0.0.0.0/0", 4294967296ull }, { "::/128", 1 }, { "2001:db8::/120", 256 },
        { "2001:db8::/65", 1ull << 63 }, { "2001:db8::/64", UINT64_MAX },
        { "2001:db8::/56", UINT64_MAX }, { "::/0", UINT64_MAX },
    };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        vs_cidr_t c = s_cidr(sizes[i].cidr);
        ck_assert_msg(vs_cidr_size(&c) == sizes[i].size, "size of %s", sizes[i].cidr);
    }

    vs_cidr_t c = s_cidr("10.0.16.0/20");
    vs_ip_t ip;
    char buf[VS_IP_STRLEN];
    ck_assert_int_eq(vs_cidr_nth(&c, 0, &ip), 0);
    vs_ip_format(&ip, buf, sizeof buf);
    ck_assert_str_eq(buf, "10.0.16.0");
    ck_assert_int_eq(vs_cidr_nth(&c, 4, &ip), 0);       /* EC2's first usable */
    vs_ip_format(&ip, buf, sizeof buf);
    ck_assert_str_eq(buf, "10.0.16.4");
    ck_assert_int_eq(vs_cidr_nth(&c, 4095, &ip), 0);
    vs_ip_format(&ip, buf, sizeof buf);
    ck_assert_str_eq(buf, "10.0.31.255");
    vs_ip_t keep = ip;
    ck_assert_int_eq(vs_cidr_nth(&c, 4096, &ip), -1);
    ck_assert(vs_ip_equal(&ip, &keep));

    uint64_t off;
    ck_assert_int_eq(vs_cidr_offset(&c, &ip, &off), 0);
    ck_assert_uint_eq(off, 4095);
    vs_ip_t outside = s_ip("10.0.32.0");
    ck_assert_int_eq(vs_cidr_offset(&c, &outside, &off), -1);
    vs_ip_t v6 = s_ip("::1");
    ck_assert_int_eq(vs_cidr_offset(&c, &v6, &off), -1);

    /* nth and offset are inverses, for IPv4 and for IPv6 blocks. */
    static const char *blocks[] = { "0.0.0.0/0", "192.168.0.0/16", "2001:db8::/64",
                                    "2001:db8:0:0:8000::/65", "::/0" };
    static const uint64_t ns[] = { 0, 1, 255, 256, 65535, 4294967295ull,
                                   1ull << 40, UINT64_MAX };
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        vs_cidr_t blk = s_cidr(blocks[b]);
        for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
            if (ns[k] >= vs_cidr_size(&blk) && vs_cidr_size(&blk) != UINT64_MAX) {
                ck_assert_int_eq(vs_cidr_nth(&blk, ns[k], &ip), -1);
                continue;
            }
            ck_assert_int_eq(vs_cidr_nth(&blk, ns[k], &ip), 0);
            ck_assert(vs_cidr_contains_ip(&blk, &ip));
            ck_assert_int_eq(vs_cidr_offset(&blk, &ip, &off), 0);
            ck_assert_msg(off == ns[k], "%s: %llu", blocks[b], (unsigned long long)ns[k]);
        }
    }
    vs_cidr_t v6blk = s_cidr("2001:db8::/64");
    ck_assert_int_eq(vs_cidr_nth(&v6blk, 0x1234, &ip), 0);
    vs_ip_format(&ip, buf, sizeof buf);
    ck_assert_str_eq(buf, "2001:db8::1234");

    /* In a /56 the offset of an address above the low 64 bits does not
     * fit; below them it does. */
    vs_cidr_t big = s_cidr("2600:1f18:abcd::/56");
    vs_ip_t high = s_ip("2600:1f18:abcd:1::5");
    vs_ip_t low = s_ip("2600:1f18:abcd::5");
    ck_assert_int_eq(vs_cidr_offset(&big, &high, &off), -1);
    ck_assert_int_eq(vs_cidr_offset(&big, &low, &off), 0);
    ck_assert_uint_eq(off, 5);
}
END_TEST

START_TEST(t_cmp_rfc1918)
{
    vs_ip_t a = s_ip("10.0.0.1"), b = s_ip("10.0.0.2"), c = s_ip("::1"), d = s_ip("::2");
    ck_assert_int_eq(vs_ip_cmp(&a, &b), -1);
    ck_assert_int_eq(vs_ip_cmp(&b, &a), 1);
    ck_assert_int_eq(vs_ip_cmp(&a, &a), 0);
    ck_assert_int_eq(vs_ip_cmp(&b, &c), -1);                  /* IPv4 first */
    ck_assert_int_eq(vs_ip_cmp(&d, &a), 1);
    ck_assert_int_eq(vs_ip_cmp(&c, &d), -1);
    ck_assert(!vs_ip_equal(&a, &b));

    static const struct { const char *cidr; bool private; } cases[] = {
        { "10.0.0.0/8", true }, { "10.20.0.0/16", true }, { "172.16.0.0/12", true },
        { "172.31.255.0/24", true }, { "192.168.0.0/16", true }, { "192.168.7.0/24", true },
        { "9.0.0.0/8", false }, { "0.0.0.0/0", false }, { "172.32.0.0/16", false },
        { "172.0.0.0/8", false }, { "192.168.0.0/15", false }, { "100.64.0.0/10", false },
        { "fd00::/8", false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vs_cidr_t blk = s_cidr(cases[i].cidr);
        ck_assert_msg(vs_cidr_is_rfc1918(&blk) == cases[i].private, "%s", cases[i].cidr);
    }
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("cidr");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, t_ip_parse_format);
    tcase_add_test(tc, t_ip_malformed);
    tcase_add_test(tc, t_cidr_parse);
    tcase_add_test(tc, t_cidr_malformed);
    tcase_add_test(tc, t_format_limits);
    suite_add_tcase(s, tc);

    tc = tcase_create("math");
    tcase_add_test(tc, t_contains_overlaps);
    tcase_add_test(tc, t_contains_ip);
    tcase_add_test(tc, t_size_nth_offset);
    tcase_add_test(tc, t_cmp_rfc1918);
    suite_add_tcase(s, tc);
    return s;
}
