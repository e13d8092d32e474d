/* Unit tests of core/pcx_rules: overlap, Region pairing, visibility
 * windows at exact millisecond boundaries, timers, CIDR additions. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "check_pcx_fixture.h"
#include "pcx_rules.h"

START_TEST(test_overlap)
{
    static const struct {
        const char *a[3], *b[3];
        bool overlap;
    } cases[] = {
        { { "10.0.0.0/16" }, { "10.1.0.0/16" }, false },
        { { "10.0.0.0/16" }, { "10.0.0.0/16" }, true },            /* matching */
        { { "10.0.0.0/16" }, { "10.0.128.0/17" }, true },          /* contained */
        { { "10.0.0.0/8" }, { "10.255.255.0/24" }, true },
        { { "10.0.0.0/16" }, { "10.1.0.0/16", "10.0.5.0/24" }, true },   /* b's secondary */
        { { "10.0.0.0/16", "192.168.0.0/24" }, { "192.168.0.128/25" }, true }, /* a's secondary */
        { { "10.0.0.0/16", "172.16.0.0/16" }, { "10.1.0.0/16", "172.17.0.0/16" }, false },
        { { "10.0.255.0/24" }, { "10.1.0.0/24" }, false },          /* adjacent */
        { { "2600:1f18::/56" }, { "2600:1f18:0:ff::/64" }, true },
        { { "2600:1f18::/56" }, { "2600:1f18:0:100::/56" }, false },
        { { "0.0.0.0/0" }, { "::/0" }, false },                     /* families never */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vs_cidr_t a[3], b[3];
        size_t na = 0, nb = 0;
        for (; na < 3 && cases[i].a[na]; na++)
            a[na] = fx_cidr(cases[i].a[na]);
        for (; nb < 3 && cases[i].b[nb]; nb++)
            b[nb] = fx_cidr(cases[i].b[nb]);
        ck_assert_msg(vs_pcx_cidr_sets_overlap(a, na, b, nb) == cases[i].overlap, "case %zu", i);
        ck_assert_msg(vs_pcx_cidr_sets_overlap(b, nb, a, na) == cases[i].overlap, "case %zu'", i);
    }

    /* Whole VPCs: IPv4 any block, IPv6 any block. */
    vs_pcx_vpc_t x = fx_vpc("111111111111", "us-east-1", "vpc-11111111", "10.1.0.0/16",
                            "100.64.0.0/16", "2600:1f18:aaaa:100::/56", NULL);
    vs_pcx_vpc_t y = fx_vpc("222222222222", "us-east-1", "vpc-22222222", "10.2.0.0/16",
                            "2600:1f18:bbbb:200::/56", NULL);
    ck_assert(!vs_pcx_vpcs_overlap(&x, &y));
    vs_pcx_vpc_t y2 = y;
    vs_cidr_t sec = fx_cidr("100.64.128.0/17");
    ck_assert_int_eq(vs_pcx_vpc_add_cidr(&y2, &sec), 0);
    ck_assert(vs_pcx_vpcs_overlap(&x, &y2));
    ck_assert(vs_pcx_vpcs_overlap(&y2, &x));
    vs_pcx_vpc_t y3 = fx_vpc("222222222222", "us-east-1", "vpc-33333333", "10.3.0.0/16",
                             "2600:1f18:aaaa:100::/64", NULL);
    ck_assert(vs_pcx_vpcs_overlap(&x, &y3));   /* IPv6 only */
}
END_TEST

START_TEST(test_regions)
{
    static const struct {
        const char *a, *b;
        bool seed, modern;
    } cases[] = {
        { "us-east-1", "us-east-1", true, true },
        { "us-east-1", "eu-west-1", true, true },
        { "ap-northeast-1", "ap-northeast-2", true, true },
        { "us-east-1", "cn-north-1", false, false },          /* partitions */
        { "cn-north-1", "us-gov-west-1", false, false },
        { "us-gov-east-1", "us-east-1", false, false },
        { "cn-north-1", "cn-north-1", true, true },            /* same Region always */
        { "cn-northwest-1", "cn-northwest-1", true, true },
        { "cn-north-1", "cn-northwest-1", false, true },       /* seed vs modern */
        { "cn-northwest-1", "cn-north-1", false, true },
        { "us-gov-east-1", "us-gov-west-1", true, true },
        { "us-gov-west-1", "us-gov-east-1", true, true },
        { "us-gov-west-1", "us-gov-west-1", true, true },
        { "us-east-1", "mars-north-1", false, false },         /* unknown */
        { "nowhere-1", "us-east-1", false, false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char why[160] = "";
        ck_assert_msg(vs_pcx_regions_peerable(cases[i].a, cases[i].b, false, why, sizeof why) ==
                          cases[i].seed, "seed %s/%s", cases[i].a, cases[i].b);
        ck_assert_msg(cases[i].seed || why[0], "no reason for %s/%s", cases[i].a, cases[i].b);
        ck_assert_msg(vs_pcx_regions_peerable(cases[i].a, cases[i].b, true, NULL, 0) ==
                          cases[i].modern, "modern %s/%s", cases[i].a, cases[i].b);
    }
    char why[160];
    ck_assert(!vs_pcx_regions_peerable("cn-north-1", "cn-northwest-1", false, why, sizeof why));
    ck_assert_str_eq(why, "inter-Region peering is not available in the China Regions");
    ck_assert(!vs_pcx_regions_peerable(NULL, "us-east-1", true, why, sizeof why));

    ck_assert(vs_pcx_ipv6_allowed(false, false));
    ck_assert(vs_pcx_ipv6_allowed(false, true));
    ck_assert(!vs_pcx_ipv6_allowed(true, false));   /* seed */
    ck_assert(vs_pcx_ipv6_allowed(true, true));     /* AWS today */
    ck_assert(vs_pcx_encrypted(true));
    ck_assert(!vs_pcx_encrypted(false));
    ck_assert_int_eq(vs_pcx_mtu(false, false), 9001);
    ck_assert_int_eq(vs_pcx_mtu(false, true), 9001);
    ck_assert_int_eq(vs_pcx_mtu(true, false), 1500);   /* seed */
    ck_assert_int_eq(vs_pcx_mtu(true, true), 8500);    /* AWS today */
}
END_TEST

/* Drives p into `state` at the manual clock's time. */
static void s_to(vs_pcx_t *p, vs_pcx_state_t state, vs_pcx_side_t by, const vs_clock_t *clk)
{
    vs_pcx_set_state(p, state, by, vs_clock_now(clk));
}

/* Visible at until-1, gone at until. */
static void s_window(const vs_pcx_t *p, vs_pcx_side_t side, uint64_t start, uint64_t len)
{
    ck_assert_uint_eq(vs_pcx_visible_until(p, side), start + len);
    ck_assert(vs_pcx_visible(p, side, start + len - 1));
    ck_assert(!vs_pcx_visible(p, side, start + len));
}

#define H2 (2 * VS_HOUR_MS)
#define D2 (2 * VS_DAY_MS)

START_TEST(test_visibility)
{
    vs_manual_clock_t mc = { FX_T0 };
    vs_clock_t clk = vs_manual_clock(&mc);
    const vs_pcx_side_t R = VS_PCX_SIDE_REQUESTER, A = VS_PCX_SIDE_ACCEPTER,
                        B = VS_PCX_SIDE_BOTH;

    vs_pcx_t p = fx_pcx("111111111111", "us-east-1", "222222222222", "us-east-1");
    ck_assert_uint_eq(vs_pcx_visible_until(&p, R), UINT64_MAX);
    ck_assert_uint_eq(vs_pcx_purge_at(&p), UINT64_MAX);
    const vs_pcx_state_t live[] = { VS_PCX_PENDING_ACCEPTANCE, VS_PCX_PROVISIONING,
                                    VS_PCX_ACTIVE, VS_PCX_DELETING };
    for (size_t i = 0; i < 4; i++) {
        vs_pcx_t q = p;
        s_to(&q, live[i], R, &clk);
        ck_assert_uint_eq(vs_pcx_visible_until(&q, A), UINT64_MAX);
        ck_assert(vs_pcx_visible(&q, R, UINT64_MAX - 1));
    }

    mc.now = FX_T0 + 1234;
    vs_pcx_t f = p;
    s_to(&f, VS_PCX_FAILED, VS_PCX_SIDE_NONE, &clk);
    s_window(&f, R, mc.now, H2);
    ck_assert_uint_eq(vs_pcx_visible_until(&f, A), 0);
    ck_assert(!vs_pcx_visible(&f, A, mc.now));
    s_window(&f, B, mc.now, H2);
    ck_assert_uint_eq(vs_pcx_purge_at(&f), mc.now + H2);

    vs_pcx_t e = p;
    mc.now = FX_T0 + 168 * VS_HOUR_MS;
    s_to(&e, VS_PCX_EXPIRED, VS_PCX_SIDE_NONE, &clk);
    s_window(&e, R, mc.now, D2);
    s_window(&e, A, mc.now, D2);

    vs_pcx_t r = p;
    mc.now = FX_T0 + 77;
    s_to(&r, VS_PCX_REJECTED, A, &clk);
    s_window(&r, R, mc.now, D2);
    s_window(&r, A, mc.now, H2);
    ck_assert_uint_eq(vs_pcx_purge_at(&r), mc.now + D2);

    vs_pcx_t d = p;
    s_to(&d, VS_PCX_DELETED, R, &clk);
    s_window(&d, R, mc.now, H2);   /* deleter */
    s_window(&d, A, mc.now, D2);   /* other side */
    vs_pcx_t d2 = p;
    s_to(&d2, VS_PCX_DELETING, A, &clk);
    mc.now += 2000;
    s_to(&d2, VS_PCX_DELETED, VS_PCX_SIDE_NONE, &clk);   /* system finishes; deleter kept */
    s_window(&d2, A, mc.now, H2);
    s_window(&d2, R, mc.now, D2);
    vs_pcx_t d3 = p;
    s_to(&d3, VS_PCX_DELETED, VS_PCX_SIDE_NONE, &clk);   /* no deleter recorded [INF] */
    s_window(&d3, R, mc.now, D2);
    s_window(&d3, A, mc.now, D2);

    /* Same account (here across Regions): rejected and deleted 2 h for both. */
    vs_pcx_t s = fx_pcx("111111111111", "us-east-1", "111111111111", "eu-west-1");
    vs_pcx_t sr = s, sd = s;
    s_to(&sr, VS_PCX_REJECTED, A, &clk);
    s_window(&sr, R, mc.now, H2);
    s_window(&sr, A, mc.now, H2);
    s_to(&sd, VS_PCX_DELETED, R, &clk);
    s_window(&sd, R, mc.now, H2);
    s_window(&sd, A, mc.now, H2);
    vs_pcx_t se = s;
    s_to(&se, VS_PCX_EXPIRED, VS_PCX_SIDE_NONE, &clk);
    s_window(&se, B, mc.now, D2);
}
END_TEST

START_TEST(test_timers)
{
    vs_pcx_t p = fx_pcx("111111111111", "us-east-1", "222222222222", "eu-west-1");
    vs_pcx_action_t ev;
    uint64_t at;
    ck_assert_uint_eq(p.expiration_ms, FX_T0 + 168ull * 3600 * 1000);
    ck_assert(vs_pcx_next_event(&p, &ev, &at));
    ck_assert_int_eq(ev, VS_PCX_ACT_EXPIRE);
    ck_assert_uint_eq(at, FX_T0 + 604800000ull);   /* exactly 168 h */

    vs_pcx_set_state(&p, VS_PCX_PENDING_ACCEPTANCE, VS_PCX_SIDE_NONE, FX_T0 + 900);
    ck_assert(vs_pcx_next_event(&p, &ev, &at));
    ck_assert_int_eq(ev, VS_PCX_ACT_EXPIRE);
    ck_assert_uint_eq(at, FX_T0 + 604800000ull);   /* from creation, not validation */

    vs_pcx_set_state(&p, VS_PCX_PROVISIONING, VS_PCX_SIDE_ACCEPTER, FX_T0 + 5000);
    ck_assert(vs_pcx_next_event(&p, &ev, &at));
    ck_assert_int_eq(ev, VS_PCX_ACT_PROVISIONED);
    ck_assert_uint_eq(at, FX_T0 + 5000 + VS_PCX_PROVISIONING_MS);

    vs_pcx_set_state(&p, VS_PCX_ACTIVE, VS_PCX_SIDE_NONE, at);
    ck_assert(!vs_pcx_next_event(&p, &ev, &at));

    vs_pcx_set_state(&p, VS_PCX_DELETING, VS_PCX_SIDE_REQUESTER, FX_T0 + 9000);
    ck_assert(vs_pcx_next_event(&p, NULL, &at));
    ck_assert_uint_eq(at, FX_T0 + 9000 + VS_PCX_DELETING_MS);
    ck_assert(vs_pcx_next_event(&p, &ev, NULL));
    ck_assert_int_eq(ev, VS_PCX_ACT_DELETE_DONE);

    vs_pcx_set_state(&p, VS_PCX_DELETED, VS_PCX_SIDE_NONE, FX_T0 + 11000);
    ck_assert(!vs_pcx_next_event(&p, &ev, &at));
    ck_assert_uint_eq(VS_PCX_SHORT_VISIBLE_MS, 7200000ull);
    ck_assert_uint_eq(VS_PCX_LONG_VISIBLE_MS, 172800000ull);
    ck_assert_int_eq(VS_PCX_ACTIVE_PER_VPC_DEFAULT, 50);
    ck_assert_int_eq(VS_PCX_ACTIVE_PER_VPC_MAX, 125);
    ck_assert_int_eq(VS_PCX_OUTSTANDING_DEFAULT, 25);
}
END_TEST

START_TEST(test_cidr_add)
{
    /* requester 10.1/16 + 10.11/16 + v6 aaaa; accepter 10.2/16 + v6 bbbb */
    vs_pcx_t p = fx_pcx("111111111111", "us-east-1", "222222222222", "us-east-1");
    vs_cidr_t free4 = fx_cidr("10.50.0.0/16"), clash_req = fx_cidr("10.11.128.0/17"),
              clash_acc = fx_cidr("10.2.0.0/24"), clash6 = fx_cidr("2600:1f18:aaaa:100::/64");
    const vs_pcx_state_t outstanding[] = { VS_PCX_INITIATING_REQUEST, VS_PCX_PENDING_ACCEPTANCE };
    for (size_t i = 0; i < 2; i++) {
        p.state = outstanding[i];
        ck_assert_int_eq(vs_pcx_cidr_add_effect(&p, FX_REQ_VPC, &free4), VS_PCX_CIDR_ADD_BLOCKED);
        ck_assert_int_eq(vs_pcx_cidr_add_effect(&p, FX_ACC_VPC, &free4), VS_PCX_CIDR_ADD_OK);
        ck_assert_int_eq(vs_pcx_cidr_add_effect(&p, FX_ACC_VPC, &clash_req),
                         VS_PCX_CIDR_ADD_FAILS_PCX);
        ck_assert_int_eq(vs_pcx_cidr_add_effect(&p, FX_ACC_VPC, &clash6),
                         VS_PCX_CIDR_ADD_FAILS_PCX);
    }
    const vs_pcx_state_t up[] = { VS_PCX_PROVISIONING, VS_PCX_ACTIVE };
    for (size_t i = 0; i < 2; i++) {
        p.state = up[i];
        ck_assert_int_eq(vs_pcx_cidr_add_effect(&p, FX_REQ_VPC, &free4), VS_PCX_CIDR_ADD_OK);
        ck_assert_int_eq(vs_pcx_cidr_add_effect(&p, FX_REQ_VPC, &clash_acc),
                         VS_PCX_CIDR_ADD_OVERLAP);
        ck_assert_int_eq(vs_pcx_cidr_add_effect(&p, FX_ACC_VPC, &clash_req),
                         VS_PCX_CIDR_ADD_OVERLAP);
        ck_assert_int_eq(vs_pcx_cidr_add_effect(&p, FX_ACC_VPC, &free4), VS_PCX_CIDR_ADD_OK);
    }
    const vs_pcx_state_t gone[] = { VS_PCX_DELETING, VS_PCX_DELETED, VS_PCX_REJECTED,
                                    VS_PCX_FAILED, VS_PCX_EXPIRED };
    for (size_t i = 0; i < 5; i++) {
        p.state = gone[i];
        ck_assert_int_eq(vs_pcx_cidr_add_effect(&p, FX_REQ_VPC, &clash_acc), VS_PCX_CIDR_ADD_OK);
    }
    p.state = VS_PCX_ACTIVE;
    ck_assert_int_eq(vs_pcx_cidr_add_effect(&p, "vpc-99999999", &clash_acc), VS_PCX_CIDR_ADD_OK);
    ck_assert_int_eq(vs_pcx_cidr_add_effect(&p, NULL, &clash_acc), VS_PCX_CIDR_ADD_OK);

    ck_assert(vs_pcx_joins(&p, FX_REQ_VPC, FX_ACC_VPC));
    ck_assert(vs_pcx_joins(&p, FX_ACC_VPC, FX_REQ_VPC));
    ck_assert(!vs_pcx_joins(&p, FX_ACC_VPC, "vpc-99999999"));
    ck_assert(!vs_pcx_joins(&p, NULL, FX_ACC_VPC));
}
END_TEST

START_TEST(test_modify_checks)
{
    vs_awserr_t err;
    ck_assert_int_eq(vs_pcx_check_classic_link(false, true, &err), 0);
    ck_assert_int_eq(vs_pcx_check_classic_link(true, false, &err), 0);
    ck_assert_int_eq(vs_pcx_check_classic_link(true, true, &err), -1);
    ck_assert_str_eq(err.code, "OperationNotPermitted");
    ck_assert_str_eq(err.message,
                     "Modifying VPC peering connection options "
                     "AllowEgressFromLocalClassicLinkToRemoteVpc, "
                     "AllowEgressFromLocalVpcToRemoteClassicLink is not supported for "
                     "cross-region VPC peering connections");
    ck_assert_int_eq(vs_pcx_check_dns_option(true, true, &err), 0);
    ck_assert_int_eq(vs_pcx_check_dns_option(false, false, &err), 0);
    ck_assert_int_eq(vs_pcx_check_dns_option(true, false, &err), -1);
    ck_assert_str_eq(err.code, "InvalidVpcPeeringConnectionState.DnsHostnamesDisabled");
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("pcx_rules");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_overlap);
    tcase_add_test(tc, test_regions);
    tcase_add_test(tc, test_visibility);
    tcase_add_test(tc, test_timers);
    tcase_add_test(tc, test_cidr_add);
    tcase_add_test(tc, test_modify_checks);
    suite_add_tcase(s, tc);
    return s;
}
