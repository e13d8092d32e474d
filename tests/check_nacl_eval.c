/* Unit tests of the network ACL evaluator (nacl_eval.c) on hand-built
 * ACLs. Reference: aws-vpc-peering.md 7.2 step 2 ("stateless, rules in
 * ascending number, first match wins, final `*` deny") and step 9 (the
 * reply needs the ephemeral ports allowed). */
#include <check.h>
#include <string.h>

#include "nacl.h"

static vs_nacl_t g_acl;

static void add(int rule, bool egress, bool allow, int proto, const char *cidr, int from, int to)
{
    vs_nacl_entry_t e = { .rule = rule, .egress = egress, .allow = allow, .proto = proto,
                          .from_port = from, .to_port = to, .icmp_type = -1, .icmp_code = -1 };
    ck_assert_int_eq(vs_cidr_parse(cidr, VS_CIDR_STRICT, &e.cidr), 0);
    ck_assert_int_eq(vs_nacl__insert(&g_acl, &e), 0);
}

static vs_ip_t ip(const char *s)
{
    vs_ip_t a;
    ck_assert_int_eq(vs_ip_parse(s, &a), 0);
    return a;
}

static void setup(void)
{
    memset(&g_acl, 0, sizeof g_acl);
    add(VS_NACL_RULE_STAR4, false, false, -1, "0.0.0.0/0", -1, -1);
    add(VS_NACL_RULE_STAR4, true, false, -1, "0.0.0.0/0", -1, -1);
}

static void teardown(void)
{
    free(g_acl.entries);
    free(g_acl.assocs);
}

/* The rule that decided (its number), or 0 when none did. */
static int verdict(bool egress, int proto, int lo, int hi, const char *peer, bool *allowed)
{
    vs_nacl_verdict_t v;
    vs_ip_t p = ip(peer);
    vs_nacl_eval(&g_acl, egress, proto, lo, hi, &p, &v);
    *allowed = v.allowed;
    return v.rule ? v.rule->rule : 0;
}

/* A new custom ACL denies everything, by its `*` rule. */
START_TEST(star_denies)
{
    bool ok;
    ck_assert_int_eq(verdict(false, 6, 22, 22, "10.1.1.1", &ok), VS_NACL_RULE_STAR4);
    ck_assert(!ok);
    ck_assert_int_eq(verdict(true, 17, 53, 53, "10.1.1.1", &ok), VS_NACL_RULE_STAR4);
    ck_assert(!ok);
}
END_TEST

/* A deny numbered before an allow wins, whatever order they were written in. */
START_TEST(first_match_in_rule_order)
{
    bool ok;
    add(200, false, true, 6, "10.1.0.0/16", 22, 22);
    add(100, false, false, 6, "10.1.1.0/24", 0, 65535);
    ck_assert_int_eq(verdict(false, 6, 22, 22, "10.1.1.5", &ok), 100);
    ck_assert(!ok);
    /* Outside the deny's block, the allow admits it. */
    ck_assert_int_eq(verdict(false, 6, 22, 22, "10.1.2.5", &ok), 200);
    ck_assert(ok);
    /* Another port: no rule matches but the `*`. */
    ck_assert_int_eq(verdict(false, 6, 80, 80, "10.1.2.5", &ok), VS_NACL_RULE_STAR4);
    ck_assert(!ok);
    /* Another protocol. */
    ck_assert_int_eq(verdict(false, 17, 22, 22, "10.1.2.5", &ok), VS_NACL_RULE_STAR4);
    ck_assert(!ok);
    /* An allow numbered before the deny wins instead. */
    add(50, false, true, -1, "10.1.1.5/32", -1, -1);
    ck_assert_int_eq(verdict(false, 6, 22, 22, "10.1.1.5", &ok), 50);
    ck_assert(ok);
}
END_TEST

/* Stateless: each direction has its own rules; an inbound allow says
 * nothing about the reply going out. */
START_TEST(directions_are_separate)
{
    bool ok;
    add(100, false, true, -1, "0.0.0.0/0", -1, -1);
    verdict(false, 6, 22, 22, "10.2.0.9", &ok);
    ck_assert(ok);
    verdict(true, 6, VS_NACL_EPHEMERAL_LO, VS_NACL_EPHEMERAL_HI, "10.2.0.9", &ok);
    ck_assert(!ok);
    /* IPv4 rules never match IPv6 peers. */
    verdict(false, 6, 22, 22, "2600:1f00::1", &ok);
    ck_assert(!ok);
}
END_TEST

/* A range of ports (the reply's ephemeral ports) passes when some port of
 * it reaches an allow before any deny. */
START_TEST(port_ranges)
{
    bool ok;
    add(100, true, true, 6, "10.1.0.0/16", 32768, 61000);    /* Linux's ephemeral range */
    ck_assert_int_eq(verdict(true, 6, VS_NACL_EPHEMERAL_LO, VS_NACL_EPHEMERAL_HI, "10.1.1.1", &ok), 100);
    ck_assert(ok);
    /* A deny covering the allow's ports first: nothing gets through. */
    add(90, true, false, 6, "10.1.0.0/16", 1024, 65535);
    ck_assert_int_eq(verdict(true, 6, VS_NACL_EPHEMERAL_LO, VS_NACL_EPHEMERAL_HI, "10.1.1.1", &ok), 90);
    ck_assert(!ok);
    /* A deny covering only part of them: the rest still pass. */
    g_acl.entries[0].to_port = 40000;    /* egress entries come first: rule 90 */
    ck_assert_int_eq(g_acl.entries[0].rule, 90);
    vs_nacl_verdict_t v;
    vs_ip_t p = ip("10.1.1.1");
    vs_nacl_eval(&g_acl, true, 6, VS_NACL_EPHEMERAL_LO, VS_NACL_EPHEMERAL_HI, &p, &v);
    ck_assert(v.allowed);
    ck_assert_int_eq(v.rule->rule, 100);
    ck_assert_int_eq(v.port, 40001);
    /* Ports below the ephemeral range are not a reply's. */
    ck_assert_int_eq(verdict(true, 6, 22, 22, "10.1.1.1", &ok), VS_NACL_RULE_STAR4);
    ck_assert(!ok);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("nacl_eval");
    TCase *tc = tcase_create("eval");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, star_denies);
    tcase_add_test(tc, first_match_in_rule_order);
    tcase_add_test(tc, directions_are_separate);
    tcase_add_test(tc, port_ranges);
    suite_add_tcase(s, tc);
    return s;
}
