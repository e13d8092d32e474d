/* Unit tests of core/base/outbox: retry timing, acknowledgement, index
 * integrity under many adds and acks. */
#include <check.h>
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

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("outbox");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_backoff_doubles_and_caps);
    tcase_add_test(tc, test_ack_removes_and_duplicate_add_refused);
    tcase_add_test(tc, test_reloaded_messages_due_at_once_and_reset);
    tcase_add_test(tc, test_index_integrity_under_churn);
    suite_add_tcase(s, tc);
    return s;
}
