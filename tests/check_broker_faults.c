/* Unit tests of the broker's chaos model (broker/faults.c) and its queue
 * of held-back messages (broker/fault_queue.c): argument checking as the
 * CLI sends them, seeded decisions, partitions and the describe-faults
 * document. The relay through a real broker is in check_broker_fault_relay.c. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../broker/fault_queue.h"
#include "../broker/faults.h"

static bk_faults_cfg_t s_parse_ok(const char *json)
{
    bk_faults_cfg_t cfg;
    bool clear = true;
    char err[300] = "";
    int rc = bk_faults_parse(json, &cfg, &clear, err, sizeof err);
    ck_assert_msg(rc == 0, "%s: %s", json, err);
    ck_assert(!clear);
    return cfg;
}

/* The error for json must mention want. */
static void s_parse_bad(const char *json, const char *want)
{
    bk_faults_cfg_t cfg;
    bool clear;
    char err[300] = "";
    ck_assert_msg(bk_faults_parse(json, &cfg, &clear, err, sizeof err) == -1, "%s accepted", json);
    ck_assert_msg(strstr(err, want), "%s: '%s' does not say '%s'", json, err, want);
}

START_TEST(parse_cli_shapes)
{
    /* Exactly what `vpcsim admin set-faults --drop 0.5 --duplicate 0.3
     * --delay-ms 5-50 --reorder 0.1 --seed 42` forwards. */
    bk_faults_cfg_t c = s_parse_ok(
        "{\"drop\":0.5,\"duplicate\":0.3,\"delay-ms\":\"5-50\",\"reorder\":0.1,\"seed\":42}");
    ck_assert(c.drop == 0.5 && c.duplicate == 0.3 && c.reorder == 0.1);
    ck_assert_uint_eq(c.delay_min_ms, 5);
    ck_assert_uint_eq(c.delay_max_ms, 50);
    ck_assert_uint_eq(c.seed, 42);

    /* The args_json spelling, `--delay-ms 5 50`, and `--drop .5` (the CLI
     * passes values that do not start like a JSON number as strings). */
    c = s_parse_ok("{\"delay_ms\":[5,50],\"drop\":\".5\",\"seed\":\"9223372036854775807\"}");
    ck_assert(c.drop == 0.5 && c.duplicate == 0 && c.reorder == 0);
    ck_assert_uint_eq(c.delay_min_ms, 5);
    ck_assert_uint_eq(c.delay_max_ms, 50);
    ck_assert_uint_eq(c.seed, 9223372036854775807ull);

    /* One number is a fixed delay; an omitted seed is the default. */
    c = s_parse_ok("{\"delay-ms\":20}");
    ck_assert_uint_eq(c.delay_min_ms, 20);
    ck_assert_uint_eq(c.delay_max_ms, 20);
    ck_assert_uint_eq(c.seed, BK_FAULTS_DEFAULT_SEED);
    c = s_parse_ok("{\"delay-ms\":\"0-60000\",\"drop\":1,\"duplicate\":0}");
    ck_assert_uint_eq(c.delay_max_ms, 60000);
    ck_assert(c.drop == 1.0);

    bk_faults_cfg_t cfg;
    bool clear = false;
    char err[300];
    ck_assert_int_eq(bk_faults_parse("{\"clear\":true}", &cfg, &clear, err, sizeof err), 0);
    ck_assert(clear);
}
END_TEST

START_TEST(parse_rejects)
{
    s_parse_bad("{\"drop\":1.5}", "drop must be a probability between 0 and 1 (got 1.5)");
    s_parse_bad("{\"reorder\":-0.1}", "reorder must be a probability");
    s_parse_bad("{\"duplicate\":\"abc\"}", "duplicate must be a probability");
    s_parse_bad("{\"duplicate\":\"nan\"}", "duplicate must be a probability");
    s_parse_bad("{\"delay-ms\":\"50-5\"}", "delay-ms minimum 50 is greater than its maximum 5");
    s_parse_bad("{\"delay_ms\":[50,5]}", "minimum 50 is greater");
    s_parse_bad("{\"delay-ms\":\"5-\"}", "delay-ms must be MIN-MAX");
    s_parse_bad("{\"delay-ms\":\"-5-50\"}", "delay-ms must be MIN-MAX");
    s_parse_bad("{\"delay-ms\":[1,2,3]}", "delay-ms must be MIN-MAX");
    s_parse_bad("{\"delay-ms\":60001}", "delay-ms must be MIN-MAX");
    s_parse_bad("{\"delay-ms\":2.5}", "delay-ms must be MIN-MAX");
    s_parse_bad("{\"seed\":-1}", "seed must be a whole number");
    s_parse_bad("{\"seed\":1.5}", "seed must be a whole number");
    s_parse_bad("{\"seed\":\"99999999999999999999\"}", "seed must be a whole number");
    s_parse_bad("{\"dorp\":0.5}", "unknown argument 'dorp'");
    s_parse_bad("{\"args\":\"0.5\"}", "a value without an option");
    s_parse_bad("{}", "set-faults needs");
    s_parse_bad("", "set-faults needs");
    s_parse_bad("{\"clear\":true,\"drop\":0.5}", "--clear cannot be combined");
    s_parse_bad("{\"clear\":false}", "clear takes no value");
    s_parse_bad("[1]", "not a JSON object");
    s_parse_bad("{\"drop\":", "not a JSON object");
}
END_TEST

static bk_faults_t *s_model(const char *json)
{
    bk_faults_t *f = bk_faults_new();
    ck_assert_ptr_nonnull(f);
    if (json) {
        bk_faults_cfg_t c = s_parse_ok(json);
        bk_faults_configure(f, &c);
    }
    return f;
}

static bool s_same(const bk_fault_decision_t *a, const bk_fault_decision_t *b)
{
    return a->drop == b->drop && a->copies == b->copies && a->hold == b->hold &&
           a->delay_ms[0] == b->delay_ms[0] && a->delay_ms[1] == b->delay_ms[1];
}

START_TEST(decide_is_seeded)
{
    const char *cfg = "{\"drop\":0.3,\"duplicate\":0.3,\"delay-ms\":\"5-50\",\"reorder\":0.2,"
                      "\"seed\":42}";
    bk_faults_t *a = s_model(cfg), *b = s_model(cfg);
    bk_faults_t *other = s_model("{\"drop\":0.3,\"duplicate\":0.3,\"delay-ms\":\"5-50\","
                                 "\"reorder\":0.2,\"seed\":43}");
    bk_fault_decision_t first[200];
    int differ = 0;
    for (int i = 0; i < 200; i++) {
        bk_fault_decision_t x, y, z;
        bk_faults_decide(a, &x);
        bk_faults_decide(b, &y);
        bk_faults_decide(other, &z);
        ck_assert_msg(s_same(&x, &y), "decision %d differs for the same seed", i);
        differ += !s_same(&x, &z);
        first[i] = x;
    }
    ck_assert_int_gt(differ, 50);

    /* set-faults again with the same seed replays the same decisions. */
    bk_faults_cfg_t c = *bk_faults_cfg(a);
    bk_faults_configure(a, &c);
    for (int i = 0; i < 200; i++) {
        bk_fault_decision_t x;
        bk_faults_decide(a, &x);
        ck_assert_msg(s_same(&x, &first[i]), "replay differs at %d", i);
    }
    bk_faults_destroy(&a);
    bk_faults_destroy(&b);
    bk_faults_destroy(&other);
    ck_assert_ptr_null(a);
}
END_TEST

/* Every decision draws the same numbers whatever the outcome, so the drop
 * pattern for a seed does not change when other faults are added. */
START_TEST(decide_fixed_draws)
{
    bk_faults_t *a = s_model("{\"drop\":0.3,\"seed\":7}");
    bk_faults_t *b = s_model("{\"drop\":0.3,\"duplicate\":0.9,\"delay-ms\":\"1-100\","
                             "\"reorder\":0.5,\"seed\":7}");
    for (int i = 0; i < 500; i++) {
        bk_fault_decision_t x, y;
        bk_faults_decide(a, &x);
        bk_faults_decide(b, &y);
        ck_assert_int_eq(x.drop, y.drop);
    }
    bk_faults_destroy(&a);
    bk_faults_destroy(&b);
}
END_TEST

START_TEST(decide_rates_and_counters)
{
    bk_faults_t *f = s_model("{\"drop\":0.5,\"duplicate\":0.3,\"delay-ms\":\"5-50\","
                             "\"reorder\":0.1,\"seed\":1}");
    const int n = 20000;
    uint64_t drops = 0, dups = 0, delayed = 0, holds = 0;
    bool saw_min = false, saw_max = false;
    for (int i = 0; i < n; i++) {
        bk_fault_decision_t d;
        bk_faults_decide(f, &d);
        if (d.drop) {
            ck_assert_uint_eq(d.copies, 0);
            ck_assert(!d.hold);
            drops++;
            continue;
        }
        ck_assert(d.copies == 1 || d.copies == 2);
        dups += d.copies == 2;
        holds += d.hold;
        for (unsigned k = 0; k < d.copies; k++) {
            ck_assert(d.delay_ms[k] >= 5 && d.delay_ms[k] <= 50);
            saw_min |= d.delay_ms[k] == 5;
            saw_max |= d.delay_ms[k] == 50;
            delayed++;
        }
    }
    /* Binomial with n = 20000: 4 standard deviations is about 1.5%. */
    ck_assert(drops > n * 0.47 && drops < n * 0.53);
    ck_assert(dups > (n - drops) * 0.27 && dups < (n - drops) * 0.33);
    ck_assert(holds > (n - drops) * 0.08 && holds < (n - drops) * 0.12);
    ck_assert(saw_min && saw_max);
    const bk_fault_counters_t *k = bk_faults_counters(f);
    ck_assert_uint_eq(k->dropped, drops);
    ck_assert_uint_eq(k->duplicated, dups);
    ck_assert_uint_eq(k->delayed, delayed);
    ck_assert_uint_eq(k->reordered, holds);
    bk_faults_destroy(&f);
}
END_TEST

START_TEST(decide_extremes)
{
    bk_fault_decision_t d;
    bk_faults_t *f = s_model(NULL);
    ck_assert(!bk_faults_active(f));
    bk_faults_decide(f, &d);
    ck_assert(!d.drop && d.copies == 1 && !d.hold && d.delay_ms[0] == 0);
    ck_assert_uint_eq(bk_faults_counters(f)->delayed, 0);

    bk_faults_cfg_t c = s_parse_ok("{\"drop\":1}");
    bk_faults_configure(f, &c);
    ck_assert(bk_faults_active(f));
    for (int i = 0; i < 100; i++) {
        bk_faults_decide(f, &d);
        ck_assert(d.drop);
    }
    c = s_parse_ok("{\"duplicate\":1,\"reorder\":1}");
    bk_faults_configure(f, &c);
    for (int i = 0; i < 100; i++) {
        bk_faults_decide(f, &d);
        ck_assert(!d.drop && d.copies == 2 && d.hold && d.delay_ms[0] == 0);
    }
    /* A zero delay range is no fault; clearing keeps the counters. */
    c = s_parse_ok("{\"delay-ms\":\"0-0\"}");
    bk_faults_configure(f, &c);
    ck_assert(!bk_faults_active(f));
    bk_faults_configure(f, NULL);
    ck_assert(!bk_faults_active(f));
    ck_assert_uint_eq(bk_faults_counters(f)->dropped, 100);
    ck_assert_uint_eq(bk_faults_counters(f)->duplicated, 100);
    bk_faults_destroy(&f);
}
END_TEST

static int s_partition(const char *json, bool *heal, char (*keys)[BK_FAULTS_KEY_LEN], size_t *n,
                       char *err)
{
    return bk_faults_parse_partition(json, heal, keys, 4, n, err, 300);
}

START_TEST(partition_args)
{
    char keys[4][BK_FAULTS_KEY_LEN], err[300];
    size_t n;
    bool heal;
    ck_assert_int_eq(s_partition("{\"isolate\":\"111111111111:us-east-1\"}", &heal, keys, &n, err), 0);
    ck_assert(!heal);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(keys[0], "111111111111:us-east-1");
    /* `--isolate A --isolate B` arrives as an array. */
    ck_assert_int_eq(s_partition("{\"isolate\":[\"111111111111:us-east-1\","
                                 "\"222222222222:cn-north-1\"]}", &heal, keys, &n, err), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(keys[1], "222222222222:cn-north-1");
    ck_assert_int_eq(s_partition("{\"heal\":true}", &heal, keys, &n, err), 0);
    ck_assert(heal);
    ck_assert_uint_eq(n, 0);

    static const struct {
        const char *json, *want;
    } bad[] = {
        { "{\"isolate\":\"1111:us-east-1\"}", "ACCOUNT:REGION with a 12-digit account id" },
        { "{\"isolate\":\"111111111111\"}", "ACCOUNT:REGION" },
        { "{\"isolate\":\"111111111111:mars-1\"}", "unknown Region 'mars-1'" },
        { "{\"isolate\":[\"111111111111:us-east-1\",\"x\"]}", "ACCOUNT:REGION" },
        { "{\"isolate\":[]}", "needs 1 to 4" },
        { "{\"isolate\":[\"111111111111:us-east-1\",\"111111111111:us-east-2\","
          "\"111111111111:us-west-1\",\"111111111111:us-west-2\",\"111111111111:eu-west-1\"]}",
          "needs 1 to 4" },
        { "{\"isolate\":12}", "ACCOUNT:REGION" },
        { "{\"heal\":true,\"isolate\":\"111111111111:us-east-1\"}", "cannot be combined" },
        { "{\"heal\":false}", "heal takes no value" },
        { "{}", "partition needs --isolate ACCOUNT:REGION or --heal" },
        { "{\"between\":[\"a\",\"b\"]}", "unknown argument 'between'" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = '\0';
        ck_assert_msg(s_partition(bad[i].json, &heal, keys, &n, err) == -1, "%s accepted",
                      bad[i].json);
        ck_assert_msg(strstr(err, bad[i].want), "%s: '%s'", bad[i].json, err);
        ck_assert_uint_eq(n, 0);
    }
}
END_TEST

START_TEST(partition_state)
{
    bk_faults_t *f = s_model(NULL);
    ck_assert(!bk_faults_isolated(f, "111111111111", "us-east-1"));
    ck_assert_int_eq(bk_faults_isolate(f, "111111111111:us-east-1"), 1);
    ck_assert_int_eq(bk_faults_isolate(f, "111111111111:us-east-1"), 0);
    ck_assert_int_eq(bk_faults_isolate(f, "222222222222:eu-west-1"), 1);
    ck_assert(bk_faults_isolated(f, "111111111111", "us-east-1"));
    ck_assert(!bk_faults_isolated(f, "111111111111", "us-east-2"));
    ck_assert(bk_faults_isolated(f, "222222222222", "eu-west-1"));
    ck_assert_uint_eq(bk_faults_isolated_count(f), 2);
    ck_assert_uint_eq(bk_faults_heal(f), 2);
    ck_assert(!bk_faults_isolated(f, "111111111111", "us-east-1"));

    char key[BK_FAULTS_KEY_LEN];
    for (int i = 0; i < BK_FAULTS_MAX_ISOLATED; i++) {
        snprintf(key, sizeof key, "%012d:us-east-1", i);
        ck_assert_int_eq(bk_faults_isolate(f, key), 1);
    }
    ck_assert_int_eq(bk_faults_isolate(f, "999999999999:us-east-1"), -1);
    bk_faults_destroy(&f);
}
END_TEST

START_TEST(describe_document)
{
    bk_faults_t *f = s_model("{\"drop\":0.5,\"duplicate\":0.25,\"delay-ms\":\"5-50\",\"seed\":9}");
    bk_faults_isolate(f, "222222222222:eu-west-1");
    bk_faults_isolate(f, "111111111111:us-east-1");
    bk_faults_counters(f)->relayed_ack = 3;
    vs_json_t *doc = bk_faults_describe(f);
    char *s = vs_json_dump(doc, 0);
    ck_assert_str_eq(s, "{\"Faults\":{\"Drop\":0.5,\"Duplicate\":0.25,\"DelayMs\":[5,50],"
                        "\"Reorder\":0.0,\"Seed\":9,\"Active\":true},"
                        "\"Partitions\":[\"111111111111:us-east-1\",\"222222222222:eu-west-1\"],"
                        "\"Counters\":{\"Dropped\":0,\"Duplicated\":0,\"Delayed\":0,"
                        "\"Reordered\":0,\"PartitionDropped\":0,\"RelayedPeerMessages\":0,"
                        "\"RelayedAcks\":3}}");
    free(s);
    vs_json_free(&doc);
    bk_faults_destroy(&f);
}
END_TEST

static bk_fq_item_t s_item(bk_fq_t *q, uint64_t due, bool held, const void *from, const void *to,
                           uint8_t tag)
{
    bk_fq_item_t it = { .due_ms = due, .held = held, .from = from, .to = to, .len = 1 };
    it.seq = bk_fq_next_seq(q);
    it.buf = malloc(1);
    it.buf[0] = tag;
    ck_assert_int_eq(bk_fq_push(q, &it), 0);
    return it;
}

START_TEST(queue_order_and_holds)
{
    static int A, B, C;   /* three endpoints: only their addresses matter */
    const void *a = &A, *b = &B, *c = &C;
    bk_fq_t *q = bk_fq_new();
    ck_assert_uint_eq(bk_fq_next_due(q), UINT64_MAX);
    s_item(q, 130, false, a, b, 1);
    bk_fq_item_t h1 = s_item(q, 600, true, a, b, 2);
    s_item(q, 110, false, a, b, 3);
    s_item(q, 110, false, b, a, 4);
    bk_fq_item_t h2 = s_item(q, 700, true, a, c, 5);
    ck_assert_uint_eq(bk_fq_len(q), 5);
    ck_assert_uint_eq(bk_fq_next_due(q), 110);

    bk_fq_item_t out;
    ck_assert(!bk_fq_pop_due(q, 109, &out));
    /* Equal due times go in arrival order. */
    ck_assert(bk_fq_pop_due(q, 120, &out));
    ck_assert_int_eq(out.buf[0], 3);
    free(out.buf);
    ck_assert(bk_fq_pop_due(q, 120, &out));
    ck_assert_int_eq(out.buf[0], 4);
    free(out.buf);
    ck_assert(!bk_fq_pop_due(q, 120, &out));

    /* A held message is released only by a later message on its link. */
    ck_assert(!bk_fq_take_held(q, a, b, h1.seq, &out));
    ck_assert(!bk_fq_take_held(q, b, a, 100, &out));
    ck_assert(bk_fq_take_held(q, a, b, h1.seq + 1, &out));
    ck_assert_int_eq(out.buf[0], 2);
    free(out.buf);

    /* Clearing faults makes the rest due now. */
    ck_assert_uint_eq(bk_fq_release_held(q, 200), 1);
    ck_assert(!bk_fq_take_held(q, a, c, h2.seq + 10, &out));
    ck_assert(bk_fq_pop_due(q, 200, &out));
    ck_assert_int_eq(out.buf[0], 1);
    free(out.buf);
    ck_assert(bk_fq_pop_due(q, 200, &out));
    ck_assert_int_eq(out.buf[0], 5);
    free(out.buf);
    ck_assert_uint_eq(bk_fq_len(q), 0);

    /* Bounded; whatever is left is freed with the queue. */
    for (int i = 0; i < BK_FQ_MAX; i++)
        s_item(q, 5, false, a, b, 0);
    bk_fq_item_t extra = { .due_ms = 1, .buf = NULL };
    ck_assert_int_eq(bk_fq_push(q, &extra), -1);
    bk_fq_destroy(&q);
    ck_assert_ptr_null(q);
    bk_fq_destroy(&q);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("broker_faults");
    TCase *tc = tcase_create("faults");
    tcase_add_test(tc, parse_cli_shapes);
    tcase_add_test(tc, parse_rejects);
    tcase_add_test(tc, decide_is_seeded);
    tcase_add_test(tc, decide_fixed_draws);
    tcase_add_test(tc, decide_rates_and_counters);
    tcase_add_test(tc, decide_extremes);
    tcase_add_test(tc, partition_args);
    tcase_add_test(tc, partition_state);
    tcase_add_test(tc, describe_document);
    tcase_add_test(tc, queue_order_and_holds);
    suite_add_tcase(s, tc);
    return s;
}
