/* Unit tests of core/base/outbox: retry timing, acknowledgement, index
 * integrity under many adds and acks. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox.h"

typedef struct {
    uint64_t ids[64];
    size_t n;
} seen_t;

static void s_collect(void *ctx, const vs_outmsg_t *m)
{
    seen_t *s = ctx;
    if (s->n < 64)
        s->ids[s->n++] = m->msg_id;
}

static vs_outmsg_t s_msg(uint64_t id)
{
    static const uint8_t payload[] = "hello";
    vs_outmsg_t m = { .msg_id = id, .to_vpc_arn = "arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1",
                      .to_account = "111111111111", .to_region = "us-east-1",
                      .payload = payload, .payload_len = sizeof payload };
    return m;
}

START_TEST(test_backoff_doubles_and_caps)
{
    vs_outbox_t *ob = vs_outbox_new(100, 400);
    vs_outmsg_t m = s_msg(7);
    ck_assert_int_eq(vs_outbox_add(ob, &m, 1000), 0);
    seen_t s = { 0 };
    vs_outbox_each_due(ob, 1099, s_collect, &s);
    ck_assert_uint_eq(s.n, 0);               /* first resend due at 1100 */
    vs_outbox_each_due(ob, 1100, s_collect, &s);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_uint_eq(vs_outbox_next_due(ob), 1200);   /* backoff 100 -> next +100 */
    vs_outbox_each_due(ob, 1200, s_collect, &s);
    ck_assert_uint_eq(vs_outbox_next_due(ob), 1400);   /* doubled to 200 */
    vs_outbox_each_due(ob, 1400, s_collect, &s);
    ck_assert_uint_eq(vs_outbox_next_due(ob), 1800);   /* 400 */
    vs_outbox_each_due(ob, 1800, s_collect, &s);
    ck_assert_uint_eq(vs_outbox_next_due(ob), 2200);   /* capped at 400 */
    ck_assert_uint_eq(s.n, 4);
    vs_outbox_destroy(&ob);
    ck_assert_ptr_null(ob);
}
END_TEST

START_TEST(test_ack_removes_and_duplicate_add_refused)
{
    vs_outbox_t *ob = vs_outbox_new(10, 100);
    vs_outmsg_t a = s_msg(1), b = s_msg(2);
    ck_assert_int_eq(vs_outbox_add(ob, &a, 5), 0);
    ck_assert_int_eq(vs_outbox_add(ob, &b, 5), 0);
    ck_assert_int_eq(vs_outbox_add(ob, &a, 5), -1);
    ck_assert(vs_outbox_contains(ob, 1));
    ck_assert(vs_outbox_ack(ob, 1));
    ck_assert(!vs_outbox_ack(ob, 1));         /* a duplicate ack is harmless */
    ck_assert(!vs_outbox_contains(ob, 1));
    ck_assert(vs_outbox_contains(ob, 2));
    ck_assert_uint_eq(vs_outbox_len(ob), 1);
    seen_t s = { 0 };
    vs_outbox_each_due(ob, 1000, s_collect, &s);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_uint_eq(s.ids[0], 2);
    vs_outbox_destroy(&ob);
}
END_TEST

START_TEST(test_reloaded_messages_due_at_once_and_reset)
{
    vs_outbox_t *ob = vs_outbox_new(50, 1000);
    vs_outmsg_t a = s_msg(9);
    ck_assert_int_eq(vs_outbox_add(ob, &a, 0), 0);
    ck_assert_uint_eq(vs_outbox_next_due(ob), 0);
    seen_t s = { 0 };
    vs_outbox_each_due(ob, 10, s_collect, &s);
    vs_outbox_each_due(ob, 60, s_collect, &s);
    vs_outbox_each_due(ob, 160, s_collect, &s);
    ck_assert_uint_eq(s.n, 3);
    ck_assert_uint_eq(vs_outbox_next_due(ob), 160 + 200);
    vs_outbox_reset_backoff(ob);
    ck_assert_uint_eq(vs_outbox_next_due(ob), 0);
    vs_outbox_destroy(&ob);
}
END_TEST

/* Many adds and acks in a pseudo-random order: the index must always find
 * exactly the messages that are still pending. */
START_TEST(test_index_integrity_under_churn)
{
    vs_outbox_t *ob = vs_outbox_new(1, 2);
    enum { N = 5000 };
    static bool live[N];
    memset(live, 0, sizeof live);
    uint64_t x = 12345;
    size_t count = 0;
    for (int step = 0; step < 40000; step++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t id = (x >> 33) % N;
        if (live[id]) {
            ck_assert(vs_outbox_ack(ob, id + 1000));
            live[id] = false;
            count--;
        } else {
            vs_outmsg_t m = s_msg(id + 1000);
            ck_assert_int_eq(vs_outbox_add(ob, &m, 1), 0);
            live[id] = true;
            count++;
        }
        ck_assert_uint_eq(vs_outbox_len(ob), count);
    }
    for (uint64_t id = 0; id < N; id++)
        ck_assert_int_eq(vs_outbox_contains(ob, id + 1000), live[id]);
    vs_outbox_destroy(&ob);
}
END_TEST

/* min_id and next_due come from heaps: under churn they must always equal
 * what a scan of the pending messages gives. */
START_TEST(test_heaps_match_a_scan_under_churn)
{
    vs_outbox_t *ob = vs_outbox_new(3, 50);
    enum { N = 2000 };
    static bool live[N];
    memset(live, 0, sizeof live);
    uint64_t x = 99, now = 1;
    for (int step = 0; step < 20000; step++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t id = (x >> 33) % N;
        if (live[id]) {
            ck_assert(vs_outbox_ack(ob, id + 7));
            live[id] = false;
        } else {
            vs_outmsg_t m = s_msg(id + 7);
            ck_assert_int_eq(vs_outbox_add(ob, &m, (x >> 20) % 5 ? now : 0), 0);
            live[id] = true;
        }
        if (step % 97 == 0) {
            seen_t s = { 0 };
            vs_outbox_each_due(ob, now, s_collect, &s);
            ck_assert(vs_outbox_next_due(ob) > now || vs_outbox_len(ob) == 0);
        }
        if (step % 1013 == 0)
            vs_outbox_reset_backoff(ob);
        now += (x >> 40) % 3;
        uint64_t min = UINT64_MAX;
        for (uint64_t i = 0; i < N; i++)
            if (live[i] && i + 7 < min)
                min = i + 7;
        ck_assert_uint_eq(vs_outbox_min_id(ob), min);
    }
    vs_outbox_destroy(&ob);
}
END_TEST

static vs_outmsg_t s_msg_to(uint64_t id, const char *account)
{
    vs_outmsg_t m = s_msg(id);
    m.to_vpc_arn = NULL;
    m.to_account = account;
    return m;
}

/* A message that is lost (no ack, nothing else arriving) is resent one
 * RTO after its send; the RTO then follows the measured round trips. */
START_TEST(test_lost_message_resent_after_rto)
{
    vs_outbox_t *ob = vs_outbox_new(200, 8000);
    vs_outmsg_t m = s_msg_to(1, "222222222222");
    ck_assert_int_eq(vs_outbox_add(ob, &m, 1000), 0);
    seen_t s = { 0 };
    vs_outbox_each_due(ob, 1199, s_collect, &s);
    ck_assert_uint_eq(s.n, 0);
    vs_outbox_each_due(ob, 1200, s_collect, &s);     /* floor RTO 200 ms */
    ck_assert_uint_eq(s.n, 1);
    ck_assert_uint_eq(s.ids[0], 1);
    /* Round trips of 500 ms measured: the RTO grows past the floor. */
    for (uint64_t i = 0; i < 10; i++) {
        vs_outmsg_t k = s_msg_to(100 + i, "222222222222");
        ck_assert_int_eq(vs_outbox_add(ob, &k, 2000 + i * 1000), 0);
        ck_assert_int_eq(vs_outbox_ack_from(ob, 100 + i, "222222222222", "us-east-1",
                                            2500 + i * 1000), VS_OUTBOX_ACKED);
    }
    uint64_t rto = vs_outbox_rto(ob, "222222222222", "us-east-1");
    ck_assert_uint_ge(rto, 500);
    ck_assert_uint_lt(rto, 1000);
    ck_assert_uint_eq(vs_outbox_ack_at(ob, "222222222222", "us-east-1"), 11500);
    /* A resent message's ack is no sample (Karn). */
    ck_assert_int_eq(vs_outbox_ack_from(ob, 1, "222222222222", "us-east-1", 11600),
                     VS_OUTBOX_ACKED);
    ck_assert_uint_eq(vs_outbox_rto(ob, "222222222222", "us-east-1"), rto);
    /* A new message, lost, with no acks arriving: resent at send + RTO. */
    vs_outmsg_t lost = s_msg_to(2, "222222222222");
    ck_assert_int_eq(vs_outbox_add(ob, &lost, 20000), 0);
    s.n = 0;
    vs_outbox_each_due(ob, 20000 + rto - 1, s_collect, &s);
    ck_assert_uint_eq(s.n, 0);
    vs_outbox_each_due(ob, 20000 + rto, s_collect, &s);
    ck_assert_uint_eq(s.n, 1);
    /* Another destination keeps its own (floor) RTO. */
    ck_assert_uint_eq(vs_outbox_rto(ob, "333333333333", "us-east-1"), 200);
    vs_outbox_destroy(&ob);
}
END_TEST

/* While acks from the addressee keep arriving, the first resend waits;
 * when they stop, or at 4 RTOs after the send, it goes. */
START_TEST(test_no_first_resend_while_acks_arrive)
{
    vs_outbox_t *ob = vs_outbox_new(200, 8000);
    vs_outmsg_t lost = s_msg_to(1, "222222222222");
    ck_assert_int_eq(vs_outbox_add(ob, &lost, 1000), 0);
    seen_t s = { 0 };
    uint64_t id = 100;
    /* An ack of another (resent, so untimed) message every 100 ms. */
    for (uint64_t t = 1100; t < 1600; t += 100) {
        vs_outmsg_t k = s_msg_to(id, "222222222222");
        ck_assert_int_eq(vs_outbox_add(ob, &k, 0), 0);
        ck_assert_int_eq(vs_outbox_ack_from(ob, id++, "222222222222", "us-east-1", t),
                         VS_OUTBOX_ACKED);
        vs_outbox_each_due(ob, t, s_collect, &s);
        ck_assert_uint_eq(s.n, 0);
    }
    /* The acks stop at 1500: the resend goes one RTO after the last. */
    vs_outbox_each_due(ob, 1699, s_collect, &s);
    ck_assert_uint_eq(s.n, 0);
    vs_outbox_each_due(ob, 1700, s_collect, &s);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_uint_eq(s.ids[0], 1);
    ck_assert(vs_outbox_ack(ob, 1));

    /* Acks (of older messages) that never stop: resent all the same at
     * send + the ceiling. */
    vs_outmsg_t lost2 = s_msg_to(2, "222222222222");
    ck_assert_int_eq(vs_outbox_add(ob, &lost2, 5000), 0);
    s.n = 0;
    for (uint64_t t = 5100; t <= 13100; t += 100) {
        vs_outmsg_t k = s_msg_to(id, "222222222222");
        ck_assert_int_eq(vs_outbox_add(ob, &k, 0), 0);
        ck_assert_int_eq(vs_outbox_ack_from(ob, id++, "222222222222", "us-east-1", t),
                         VS_OUTBOX_ACKED);
        vs_outbox_each_due(ob, t, s_collect, &s);
        if (t < 13000) {
            ck_assert_uint_eq(s.n, 0);
        }
    }
    ck_assert_uint_eq(s.n, 1);
    ck_assert_uint_eq(s.ids[0], 2);
    ck_assert(vs_outbox_ack(ob, 2));
    /* Acks from another agent do not hold back a resend to this one. */
    vs_outmsg_t lost3 = s_msg_to(3, "222222222222");
    ck_assert_int_eq(vs_outbox_add(ob, &lost3, 20000), 0);
    vs_outmsg_t o = s_msg_to(id, "333333333333");
    ck_assert_int_eq(vs_outbox_add(ob, &o, 20000), 0);
    ck_assert_int_eq(vs_outbox_ack_from(ob, id, "333333333333", "us-east-1", 20150),
                     VS_OUTBOX_ACKED);
    s.n = 0;
    vs_outbox_each_due(ob, 20200, s_collect, &s);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_uint_eq(s.ids[0], 3);
    vs_outbox_destroy(&ob);
}
END_TEST

/* A message sent after ours was acknowledged, ours not: ours was lost
 * (the broker relays in order), so it goes one RTO after its send even
 * though acks keep arriving. */
START_TEST(test_later_message_acked_means_lost)
{
    vs_outbox_t *ob = vs_outbox_new(200, 8000);
    vs_outmsg_t lost = s_msg_to(1, "222222222222"), later = s_msg_to(2, "222222222222");
    ck_assert_int_eq(vs_outbox_add(ob, &lost, 1000), 0);
    ck_assert_int_eq(vs_outbox_add(ob, &later, 1010), 0);
    ck_assert_int_eq(vs_outbox_ack_from(ob, 2, "222222222222", "us-east-1", 1150),
                     VS_OUTBOX_ACKED);
    seen_t s = { 0 };
    vs_outbox_each_due(ob, 1199, s_collect, &s);
    ck_assert_uint_eq(s.n, 0);
    /* The ack of 2 measured 140 ms: the RTO is 140 + 4 * 70 = 420 ms. */
    uint64_t rto = vs_outbox_rto(ob, "222222222222", "us-east-1");
    ck_assert_uint_eq(rto, 420);
    vs_outbox_each_due(ob, 1000 + rto, s_collect, &s);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_uint_eq(s.ids[0], 1);
    vs_outbox_destroy(&ob);
}
END_TEST

/* The addressee stalls (no acks at all): one message probes it per RTO,
 * doubling, not all of them at once; when its acks come back, the rest
 * are not resent while it catches up. */
START_TEST(test_stall_probes_with_one_message)
{
    vs_outbox_t *ob = vs_outbox_new(200, 8000);
    for (uint64_t id = 1; id <= 50; id++) {
        vs_outmsg_t m = s_msg_to(id, "222222222222");
        ck_assert_int_eq(vs_outbox_add(ob, &m, 1000 + id), 0);
    }
    seen_t s = { 0 };
    for (uint64_t t = 1000; t <= 1800; t += 10)
        vs_outbox_each_due(ob, t, s_collect, &s);
    /* Probes at ~1201 and ~1401 (and the first probe's own resend at
     * 1401 + 200). */
    ck_assert_uint_ge(s.n, 2);
    ck_assert_uint_le(s.n, 4);
    ck_assert_uint_eq(s.ids[0], 1);
    size_t before = s.n;
    /* The addressee is back and works through its backlog in order. */
    for (uint64_t id = 1; id <= 50; id++) {
        uint64_t t = 1800 + id * 10;
        ck_assert_int_eq(vs_outbox_ack_from(ob, id, "222222222222", "us-east-1", t),
                         VS_OUTBOX_ACKED);
        vs_outbox_each_due(ob, t, s_collect, &s);
    }
    ck_assert_uint_eq(vs_outbox_len(ob), 0);
    ck_assert_uint_le(s.n, before + 1);
    vs_outbox_destroy(&ob);
}
END_TEST

/* Resends back off exponentially from the RTO up to the ceiling. */
START_TEST(test_backoff_capped_at_ceiling)
{
    vs_outbox_t *ob = vs_outbox_new(200, 8000);
    vs_outmsg_t m = s_msg_to(1, "222222222222");
    ck_assert_int_eq(vs_outbox_add(ob, &m, 1000), 0);
    seen_t s = { 0 };
    uint64_t prev = 1000, gap = 0;
    for (int i = 0; i < 12; i++) {
        uint64_t due = vs_outbox_next_due(ob);
        gap = due - prev;
        ck_assert_uint_le(gap, 8000);
        vs_outbox_each_due(ob, due, s_collect, &s);
        prev = due;
    }
    ck_assert_uint_eq(s.n, 12);
    ck_assert_uint_eq(gap, 8000);
    ck_assert_uint_eq(vs_outbox_next_due(ob) - prev, 8000);
    vs_outbox_destroy(&ob);
}
END_TEST

/* An ack counts only from the message's addressee, as the broker stamped
 * it: a third agent acking our msg_ids clears nothing, and the message is
 * still resent until its addressee acks it. */
START_TEST(test_ack_from_third_party_ignored)
{
    static const char arn[] = "arn:aws:ec2:us-east-1:111111111111:vpc/vpc-0123456789abcdef0";
    vs_outbox_t *ob = vs_outbox_new(100, 1000);
    vs_outmsg_t m = s_msg(5);     /* to a VPC of 111111111111 in us-east-1 */
    m.to_vpc_arn = arn;
    m.to_account = "111111111111";
    ck_assert_int_eq(vs_outbox_add(ob, &m, 1000), 0);
    ck_assert_int_eq(vs_outbox_ack_from(ob, 5, "333333333333", "us-east-1", 1010),
                     VS_OUTBOX_WRONG_SENDER);
    ck_assert_int_eq(vs_outbox_ack_from(ob, 5, "111111111111", "eu-west-1", 1010),
                     VS_OUTBOX_WRONG_SENDER);
    ck_assert_int_eq(vs_outbox_ack_from(ob, 5, NULL, NULL, 1010), VS_OUTBOX_WRONG_SENDER);
    ck_assert(vs_outbox_contains(ob, 5));
    ck_assert_uint_eq(vs_outbox_ack_at(ob, "111111111111", "us-east-1"), 0);
    seen_t s = { 0 };
    vs_outbox_each_due(ob, 1100, s_collect, &s);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_uint_eq(s.ids[0], 5);
    /* The ARN's owner is the addressee even if to_account says otherwise
     * (the broker routes by the ARN). */
    vs_outmsg_t k = s_msg(6);
    k.to_vpc_arn = arn;
    k.to_account = "333333333333";
    ck_assert_int_eq(vs_outbox_add(ob, &k, 1000), 0);
    ck_assert_int_eq(vs_outbox_ack_from(ob, 6, "333333333333", "us-east-1", 1010),
                     VS_OUTBOX_WRONG_SENDER);
    ck_assert_int_eq(vs_outbox_ack_from(ob, 6, "111111111111", "us-east-1", 1010),
                     VS_OUTBOX_ACKED);
    ck_assert_int_eq(vs_outbox_ack_from(ob, 5, "111111111111", "us-east-1", 1200),
                     VS_OUTBOX_ACKED);
    ck_assert_int_eq(vs_outbox_ack_from(ob, 5, "111111111111", "us-east-1", 1200),
                     VS_OUTBOX_UNKNOWN);
    ck_assert_uint_eq(vs_outbox_len(ob), 0);
    vs_outbox_destroy(&ob);
}
END_TEST

/* What a resend sends is the message as added: a copy in the outbox's own
 * block, whatever the caller does with its buffers afterwards; an address
 * that was NULL or "" comes back NULL, an empty payload as no payload. */
typedef struct {
    size_t n;
    char arn[128], account[32], region[32];
    bool arn_null, region_null;
    uint8_t payload[16];
    size_t payload_len;
    bool payload_null;
} copy_t;

static void s_copy(void *ctx, const vs_outmsg_t *m)
{
    copy_t *c = ctx;
    c->n++;
    c->arn_null = m->to_vpc_arn == NULL;
    c->region_null = m->to_region == NULL;
    snprintf(c->arn, sizeof c->arn, "%s", m->to_vpc_arn ? m->to_vpc_arn : "");
    snprintf(c->account, sizeof c->account, "%s", m->to_account ? m->to_account : "");
    snprintf(c->region, sizeof c->region, "%s", m->to_region ? m->to_region : "");
    c->payload_len = m->payload_len;
    c->payload_null = m->payload == NULL;
    if (m->payload && m->payload_len <= sizeof c->payload)
        memcpy(c->payload, m->payload, m->payload_len);
}

START_TEST(test_resend_is_the_message_as_added)
{
    vs_outbox_t *ob = vs_outbox_new(100, 400);
    char arn[] = "arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1";
    char account[] = "111111111111", region[] = "us-east-1";
    uint8_t payload[] = { 1, 2, 0, 3 };
    vs_outmsg_t m = { .msg_id = 1, .to_vpc_arn = arn, .to_account = account,
                      .to_region = region, .payload = payload, .payload_len = sizeof payload };
    ck_assert_int_eq(vs_outbox_add(ob, &m, 1000), 0);
    memset(arn, 'x', sizeof arn - 1);
    memset(account, 'y', sizeof account - 1);
    memset(region, 'z', sizeof region - 1);
    memset(payload, 9, sizeof payload);
    copy_t c = { 0 };
    vs_outbox_each_due(ob, 1100, s_copy, &c);
    ck_assert_uint_eq(c.n, 1);
    ck_assert_str_eq(c.arn, "arn:aws:ec2:us-east-1:111111111111:vpc/vpc-1");
    ck_assert_str_eq(c.account, "111111111111");
    ck_assert_str_eq(c.region, "us-east-1");
    ck_assert_uint_eq(c.payload_len, 4);
    ck_assert_mem_eq(c.payload, ((uint8_t[]){ 1, 2, 0, 3 }), 4);
    ck_assert(vs_outbox_ack(ob, 1));

    vs_outmsg_t bare = { .msg_id = 2, .to_vpc_arn = "", .to_account = "222222222222" };
    ck_assert_int_eq(vs_outbox_add(ob, &bare, 2000), 0);
    copy_t d = { 0 };
    vs_outbox_each_due(ob, 2100, s_copy, &d);
    ck_assert_uint_eq(d.n, 1);
    ck_assert(d.arn_null);
    ck_assert(d.region_null);
    ck_assert_str_eq(d.account, "222222222222");
    ck_assert_uint_eq(d.payload_len, 0);
    ck_assert(d.payload_null);
    vs_outbox_destroy(&ob);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("outbox");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_backoff_doubles_and_caps);
    tcase_add_test(tc, test_ack_removes_and_duplicate_add_refused);
    tcase_add_test(tc, test_reloaded_messages_due_at_once_and_reset);
    tcase_add_test(tc, test_index_integrity_under_churn);
    tcase_add_test(tc, test_heaps_match_a_scan_under_churn);
    tcase_add_test(tc, test_lost_message_resent_after_rto);
    tcase_add_test(tc, test_no_first_resend_while_acks_arrive);
    tcase_add_test(tc, test_later_message_acked_means_lost);
    tcase_add_test(tc, test_stall_probes_with_one_message);
    tcase_add_test(tc, test_backoff_capped_at_ceiling);
    tcase_add_test(tc, test_ack_from_third_party_ignored);
    tcase_add_test(tc, test_resend_is_the_message_as_added);
    suite_add_tcase(s, tc);
    return s;
}
