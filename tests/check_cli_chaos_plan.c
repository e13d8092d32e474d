/* The plan of `vpcsim chaos run` (chaos/chaos_plan.c): the seed alone decides
 * it, and its blocks are laid out so that which VPCs overlap is known from
 * the plan, which the checks rely on. */
#include <check.h>
#include <string.h>

#include "chaos_int.h"

static ch_opts_t s_opts(uint64_t seed, int ops)
{
    return (ch_opts_t){ .seed = seed, .operations = ops, .accounts = 2, .regions = 2, .clients = 4,
                        .kill_agents = true, .kill_broker = true };
}

START_TEST(same_seed_same_plan)
{
    ch_opts_t o = s_opts(7, 300);
    ch_plan_t a, b, c;
    ck_assert_int_eq(ch_plan_make(&o, &a), 0);
    ck_assert_int_eq(ch_plan_make(&o, &b), 0);
    ck_assert_int_eq(a.nops, 300);
    ck_assert_int_eq(a.nvpcs, b.nvpcs);
    ck_assert_int_eq(a.nevents, b.nevents);
    ck_assert_mem_eq(a.vpcs, b.vpcs, (size_t)a.nvpcs * sizeof *a.vpcs);
    ck_assert_mem_eq(a.ops, b.ops, (size_t)a.nops * sizeof *a.ops);
    ck_assert_mem_eq(a.events, b.events, (size_t)a.nevents * sizeof *a.events);
    o.seed = 8;
    ck_assert_int_eq(ch_plan_make(&o, &c), 0);
    ck_assert(memcmp(a.ops, c.ops, (size_t)a.nops * sizeof *a.ops) != 0);
    ch_plan_free(&a);
    ch_plan_free(&b);
    ch_plan_free(&c);
}
END_TEST

START_TEST(parties_and_mix)
{
    ch_opts_t o = s_opts(3, 2000);
    ch_plan_t p;
    ck_assert_int_eq(ch_plan_make(&o, &p), 0);
    ck_assert_int_eq(p.nparties, 4);
    ck_assert_str_eq(p.parties[0].account, "111111111111");
    ck_assert_str_eq(p.parties[3].account, "222222222222");
    ck_assert_str_eq(p.parties[1].region, "eu-west-1");
    int kinds[CH_KIND_COUNT] = { 0 }, races = 0, reverse_races = 0, cross_acct = 0, inter_region = 0, past_expiry = 0;
    for (int i = 0; i < p.nops; i++) {
        const ch_op_t *op = &p.ops[i];
        kinds[op->kind]++;
        ck_assert_int_lt(op->client, 4);
        if (op->kind == CH_CREATE_PCX) {
            const ch_party_t *r = &p.parties[op->party], *a = &p.parties[op->peer_party];
            cross_acct += strcmp(r->account, a->account) != 0;
            inter_region += strcmp(r->region, a->region) != 0;
            ck_assert_int_ne(op->vpc, op->peer);
        }
        if (op->kind == CH_ACCEPT || op->kind == CH_REJECT || op->kind == CH_DELETE) {
            /* An op on a pcx names an earlier create. */
            ck_assert_int_lt(op->target, i);
            ck_assert_int_eq(p.ops[op->target].kind, CH_CREATE_PCX);
        }
        if (op->kind == CH_ADVANCE_CLOCK && op->seconds > 7 * 86400)
            past_expiry++;
        if (op->with_next) {
            /* A race: two clients, one pcx, or the two requests of a VPC pair. */
            races++;
            ck_assert_int_lt(i + 1, p.nops);
            const ch_op_t *op2 = &p.ops[i + 1];
            if (op->target != op2->target) {
                ck_assert_int_eq(op->kind, CH_ACCEPT);
                ck_assert_int_eq(op2->kind, CH_ACCEPT);
                ck_assert_int_eq(p.ops[op2->target].reverse_of, op->target);
                reverse_races++;
            }
            ck_assert_int_ne(op->client, op2->client);
        }
    }
    for (int k = 0; k < CH_KIND_COUNT; k++)
        ck_assert_int_gt(kinds[k], 20);
    ck_assert_int_gt(races, 50);
    ck_assert_int_gt(reverse_races, 5);
    ck_assert_int_gt(cross_acct, 50);
    ck_assert_int_gt(inter_region, 50);
    ck_assert_int_gt(past_expiry, 0);
    /* Kills are sorted by the op they come before. */
    ck_assert_int_gt(p.nevents, 2);
    for (int e = 1; e < p.nevents; e++)
        ck_assert_int_le(p.events[e - 1].at, p.events[e].at);
    ch_plan_free(&p);
}
END_TEST

START_TEST(overlaps_known_from_the_plan)
{
    ch_opts_t o = s_opts(11, 3000);
    o.accounts = 3;
    o.regions = 3;
    ch_plan_t p;
    ck_assert_int_eq(ch_plan_make(&o, &p), 0);
    int twins = 0, on_purpose = 0;
    for (int v = 0; v < p.nvpcs; v++) {
        for (int w = v + 1; w < p.nvpcs; w++) {
            bool twin = p.vpcs[v].twin == w || p.vpcs[w].twin == v ||
                        (p.vpcs[v].twin >= 0 && p.vpcs[v].twin == p.vpcs[w].twin);
            ck_assert_int_eq(ch_cidr_overlap(p.vpcs[v].cidr, p.vpcs[w].cidr), twin);
            twins += twin;
        }
    }
    ck_assert_int_gt(twins, 0);
    /* A block added on purpose overlaps exactly the primary it targets (and
     * its twins); any other added block overlaps no other VPC's primary,
     * and no two added blocks of different VPCs overlap. */
    for (int i = 0; i < p.nops; i++) {
        const ch_op_t *a = &p.ops[i];
        /* (A VPC that is full repeats its own primary: that call fails.) */
        if (a->kind != CH_ASSOC_CIDR || !strcmp(a->cidr, p.vpcs[a->vpc].cidr))
            continue;
        for (int v = 0; v < p.nvpcs; v++) {
            if (v == a->vpc)
                continue;
            bool want = a->overlaps >= 0 && ch_cidr_overlap(p.vpcs[a->overlaps].cidr, p.vpcs[v].cidr);
            ck_assert_int_eq(ch_cidr_overlap(a->cidr, p.vpcs[v].cidr), want);
        }
        on_purpose += a->overlaps >= 0;
        for (int j = i + 1; j < p.nops; j++) {
            const ch_op_t *b = &p.ops[j];
            if (b->kind == CH_ASSOC_CIDR && b->vpc != a->vpc && strcmp(b->cidr, p.vpcs[b->vpc].cidr))
                ck_assert_msg(!ch_cidr_overlap(a->cidr, b->cidr), "%s and %s", a->cidr, b->cidr);
        }
    }
    ck_assert_int_gt(on_purpose, 10);
    ch_plan_free(&p);
}
END_TEST

START_TEST(cidr_overlap)
{
    ck_assert(ch_cidr_overlap("10.1.0.0/16", "10.1.4.0/24"));
    ck_assert(ch_cidr_overlap("10.1.4.0/24", "10.1.0.0/16"));
    ck_assert(!ch_cidr_overlap("10.1.0.0/16", "10.2.0.0/16"));
    ck_assert(ch_cidr_overlap("0.0.0.0/0", "192.168.1.0/24"));
    ck_assert(!ch_cidr_overlap("10.1.0.0/16", "bogus"));
    ck_assert(!ch_cidr_overlap("10.1.0.0/33", "10.1.0.0/16"));
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("cli_chaos_plan");
    TCase *tc = tcase_create("plan");
    tcase_add_test(tc, same_seed_same_plan);
    tcase_add_test(tc, parties_and_mix);
    tcase_add_test(tc, overlaps_known_from_the_plan);
    tcase_add_test(tc, cidr_overlap);
    suite_add_tcase(s, tc);
    return s;
}
