/* Unit tests for core/lpm: longest-prefix match, table-driven. Each case
 * is a set of blocks and destinations with the block each must pick
 * ("-" = none). */
#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lpm.h"

#define MAXB 16

typedef struct {
    const char *name;
    const char *blocks[MAXB];  /* NULL-terminated */
    struct { const char *dst, *want; } q[12];   /* {NULL} terminated */
} lpm_case_t;

static const lpm_case_t s_cases[] = {
    { "nested IPv4",
      { "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.128/25", NULL },
      { { "10.9.9.9", "10.0.0.0/8" }, { "10.1.9.9", "10.1.0.0/16" }, { "10.1.2.3", "10.1.2.0/24" },
        { "10.1.2.200", "10.1.2.128/25" }, { "10.1.2.127", "10.1.2.0/24" },
        { "11.0.0.0", "-" }, { "9.255.255.255", "-" }, { NULL, NULL } } },
    /* Insertion order does not matter: the most specific wins wherever it is. */
    { "nested IPv4, reverse order",
      { "10.1.2.128/25", "10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/8", NULL },
      { { "10.9.9.9", "10.0.0.0/8" }, { "10.1.2.200", "10.1.2.128/25" }, { "10.1.2.3", "10.1.2.0/24" },
        { NULL, NULL } } },
    { "default routes per family",
      { "0.0.0.0/0", "::/0", "172.31.0.0/16", "2600:1f18::/56", NULL },
      { { "8.8.8.8", "0.0.0.0/0" }, { "172.31.5.5", "172.31.0.0/16" }, { "2001:db8::1", "::/0" },
        { "2600:1f18::10", "2600:1f18::/56" }, { "2600:1f18:0:100::1", "::/0" },
        { "0.0.0.0", "0.0.0.0/0" }, { "255.255.255.255", "0.0.0.0/0" }, { "::", "::/0" },
        { NULL, NULL } } },
    /* The families never mix: an IPv4-mapped IPv6 address is IPv6. */
    { "IPv4 only: IPv6 destinations match nothing",
      { "0.0.0.0/0", "10.0.0.0/8", NULL },
      { { "::ffff:10.0.0.1", "-" }, { "::", "-" }, { "2001:db8::1", "-" }, { "10.0.0.1", "10.0.0.0/8" },
        { NULL, NULL } } },
    { "IPv6 only: IPv4 destinations match nothing",
      { "::/0", "::/96", NULL },
      { { "0.0.0.1", "-" }, { "10.0.0.1", "-" }, { "::a00:1", "::/96" }, { NULL, NULL } } },
    { "host routes /32 and /128",
      { "10.0.0.0/16", "10.0.0.5/32", "2600::/64", "2600::5/128", NULL },
      { { "10.0.0.5", "10.0.0.5/32" }, { "10.0.0.4", "10.0.0.0/16" }, { "10.0.0.6", "10.0.0.0/16" },
        { "2600::5", "2600::5/128" }, { "2600::4", "2600::/64" }, { NULL, NULL } } },
    { "only /32: exact address or nothing",
      { "192.0.2.1/32", NULL },
      { { "192.0.2.1", "192.0.2.1/32" }, { "192.0.2.0", "-" }, { "192.0.2.2", "-" }, { NULL, NULL } } },
    { "/0 alone",
      { "0.0.0.0/0", NULL },
      { { "1.2.3.4", "0.0.0.0/0" }, { "::1", "-" }, { NULL, NULL } } },
    { "empty set",
      { NULL },
      { { "1.2.3.4", "-" }, { "::1", "-" }, { NULL, NULL } } },
    /* Equal blocks (route tables never hold two, but callers may): the first wins. */
    { "equal prefixes: first wins",
      { "10.0.0.0/16", "10.0.0.0/16#2", "10.0.0.0/24", NULL },
      { { "10.0.5.5", "10.0.0.0/16" }, { "10.0.0.5", "10.0.0.0/24" }, { NULL, NULL } } },
    /* Same length, disjoint blocks: the one that contains the address. */
    { "siblings",
      { "10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "fd00::/8", "fe00::/8", NULL },
      { { "10.0.1.9", "10.0.1.0/24" }, { "10.0.2.255", "10.0.2.0/24" }, { "10.0.3.0", "-" },
        { "fe80::1", "fe00::/8" }, { "fdff::1", "fd00::/8" }, { NULL, NULL } } },
};

/* Parses "a.b.c.d/n" (a "#k" suffix marks a duplicate) into a block. */
static vs_cidr_t s_block(const char *s)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    char *hash = strchr(buf, '#');
    if (hash)
        *hash = '\0';
    vs_cidr_t c;
    ck_assert_msg(vs_cidr_parse(buf, VS_CIDR_STRICT, &c) == 0, "bad block %s", s);
    return c;
}

START_TEST(t_table)
{
    const lpm_case_t *tc = &s_cases[_i];
    vs_cidr_t blocks[MAXB];
    size_t n = 0;
    while (tc->blocks[n]) {
        blocks[n] = s_block(tc->blocks[n]);
        n++;
    }
    for (size_t k = 0; tc->q[k].dst; k++) {
        vs_ip_t ip;
        ck_assert_msg(vs_ip_parse(tc->q[k].dst, &ip) == 0, "bad ip %s", tc->q[k].dst);
        ssize_t got = vs_lpm_find_cidrs(blocks, n, &ip);
        const char *g = got < 0 ? "-" : tc->blocks[got];
        ck_assert_msg(strcmp(g, tc->q[k].want) == 0, "%s: %s -> %s, want %s", tc->name, tc->q[k].dst,
                      g, tc->q[k].want);
    }
}
END_TEST

/* Blocks inside larger records: the stride/offset interface route tables use. */
typedef struct {
    char name[8];
    int payload;
    vs_cidr_t dest;
    char pad[3];
} rec_t;

START_TEST(t_records)
{
    rec_t r[3] = { { "a", 1, s_block("10.0.0.0/8"), "" }, { "b", 2, s_block("10.2.0.0/16"), "" },
                   { "c", 3, s_block("::/0"), "" } };
    vs_ip_t ip;
    ck_assert_int_eq(vs_ip_parse("10.2.3.4", &ip), 0);
    ck_assert_int_eq(vs_lpm_find(r, 3, sizeof r[0], offsetof(rec_t, dest), &ip), 1);
    ck_assert_int_eq(vs_ip_parse("10.3.3.4", &ip), 0);
    ck_assert_int_eq(vs_lpm_find(r, 3, sizeof r[0], offsetof(rec_t, dest), &ip), 0);
    ck_assert_int_eq(vs_ip_parse("::1", &ip), 0);
    ck_assert_int_eq(vs_lpm_find(r, 3, sizeof r[0], offsetof(rec_t, dest), &ip), 2);
    /* Bad arguments are refused, not read past. */
    ck_assert_int_eq(vs_lpm_find(r, 3, sizeof r[0], sizeof r[0], &ip), -1);
    ck_assert_int_eq(vs_lpm_find(r, 3, sizeof(vs_cidr_t) - 1, 0, &ip), -1);
    ck_assert_int_eq(vs_lpm_find(NULL, 3, sizeof r[0], 0, &ip), -1);
    ck_assert_int_eq(vs_lpm_find(NULL, 0, sizeof r[0], 0, &ip), -1);
    ck_assert_int_eq(vs_lpm_find(r, 3, sizeof r[0], offsetof(rec_t, dest), NULL), -1);
    vs_ip_t junk = { .family = 5 };
    ck_assert_int_eq(vs_lpm_find(r, 3, sizeof r[0], offsetof(rec_t, dest), &junk), -1);
}
END_TEST

/* Many routes: every /24 of 10.0.0.0/16 plus /16, /8 and /0, and the /32
 * of one host; checked against a brute-force definition of LPM. */
START_TEST(t_many)
{
    enum { N = 256 + 4 };
    static vs_cidr_t b[N];
    size_t n = 0;
    char s[32];
    /* Shuffled so the answer never depends on the position. */
    for (int i = 0; i < 256; i++) {
        snprintf(s, sizeof s, "10.0.%d.0/24", (i * 97) % 256);
        b[n++] = s_block(s);
    }
    b[n++] = s_block("10.0.0.0/16");
    b[n++] = s_block("10.0.77.7/32");
    b[n++] = s_block("10.0.0.0/8");
    b[n++] = s_block("0.0.0.0/0");
    for (int k = 0; k < 2000; k++) {
        vs_ip_t ip = { .family = 4, .bytes = { (uint8_t)(k % 3 == 0 ? 10 : k % 251),
                                               (uint8_t)(k % 5 == 0 ? 0 : k % 7),
                                               (uint8_t)(k % 256), (uint8_t)(k * 13) } };
        if (k == 1)
            memcpy(ip.bytes, (uint8_t[]){ 10, 0, 77, 7 }, 4);
        ssize_t got = vs_lpm_find_cidrs(b, n, &ip);
        int best = -1;
        for (size_t i = 0; i < n; i++)
            if (vs_cidr_contains_ip(&b[i], &ip) && (best < 0 || b[i].prefix > b[best].prefix))
                best = (int)i;
        ck_assert_int_eq(got, best);
        ck_assert_int_ge(got, 0);   /* 0.0.0.0/0 catches everything */
    }
    vs_ip_t host;
    ck_assert_int_eq(vs_ip_parse("10.0.77.7", &host), 0);
    ck_assert_int_eq(b[vs_lpm_find_cidrs(b, n, &host)].prefix, 32);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("lpm");
    TCase *tc = tcase_create("lpm");
    tcase_add_loop_test(tc, t_table, 0, (int)(sizeof s_cases / sizeof s_cases[0]));
    tcase_add_test(tc, t_records);
    tcase_add_test(tc, t_many);
    suite_add_tcase(s, tc);
    return s;
}
