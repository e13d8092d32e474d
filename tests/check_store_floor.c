/* The acknowledgement floor (issue 12): the sender's floor is its oldest
 * unacknowledged message, and the receiver's dedup table forgets what lies
 * below a sender's floor, per sender and epoch, durably, never going back.
 * This is what keeps the `seen` table from growing without bound. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../agent/store.h"
#include "outbox.h"

#define S1 "111111111111/us-east-1"
#define S2 "222222222222/us-east-1"

#define CHECK_STORE_DIR "/tmp/vpcsim-check-floor-XXXXXX"
#include "check_store_fixture.h"

START_TEST(floor_prunes_only_that_senders_rows_below_it)
{
    store_t *st = s_open();
    ck_assert_int_eq(store_begin(st), 0);
    for (uint64_t id = 100; id < 110; id++) {
        ck_assert_int_eq(store_seen_check_and_add(st, S1, id), 0);
        ck_assert_int_eq(store_seen_check_and_add(st, S2, id), 0);
    }
    ck_assert_int_eq(store_seen_count(st), 20);
    uint64_t f = 0;
    ck_assert_int_eq(store_floor_get(st, S1, 7, &f), 1);
    ck_assert_int_eq(store_floor_raise(st, S1, 7, 105), 5);
    ck_assert_int_eq(store_seen_count(st), 15);
    ck_assert_int_eq(store_floor_get(st, S1, 7, &f), 0);
    ck_assert_uint_eq(f, 105);
    /* Rows at and above the floor still deduplicate. */
    ck_assert_int_eq(store_seen_check_and_add(st, S1, 105), 1);
    ck_assert_int_eq(store_seen_check_and_add(st, S2, 100), 1);
    /* A lower floor (an old copy of an earlier message) changes nothing. */
    ck_assert_int_eq(store_floor_raise(st, S1, 7, 101), 0);
    ck_assert_int_eq(store_floor_get(st, S1, 7, &f), 0);
    ck_assert_uint_eq(f, 105);
    /* Another epoch of the sender has its own floor. */
    ck_assert_int_eq(store_floor_get(st, S1, 8, &f), 1);
    ck_assert_int_eq(store_commit(st), 0);
    store_close(&st);

    st = s_open();   /* durable */
    ck_assert_int_eq(store_floor_get(st, S1, 7, &f), 0);
    ck_assert_uint_eq(f, 105);
    ck_assert_int_eq(store_seen_count(st), 15);
    store_close(&st);
}
END_TEST

START_TEST(dedup_table_stays_bounded_when_floors_advance)
{
    /* A long exchange: each message carries the floor of the one before
     * it (acknowledged by then); the table holds a handful of rows, not
     * one per message ever received. */
    store_t *st = s_open();
    ck_assert_int_eq(store_begin(st), 0);
    for (uint64_t id = 1000; id < 6000; id++) {
        ck_assert_int_eq(store_seen_check_and_add(st, S1, id), 0);
        ck_assert_int_ge(store_floor_raise(st, S1, 42, id - 1), 0);
    }
    ck_assert_int_le(store_seen_count(st), 2);
    ck_assert_int_eq(store_commit(st), 0);
    store_close(&st);
}
END_TEST

START_TEST(sender_floor_is_the_oldest_unacknowledged_message)
{
    vs_outbox_t *ob = vs_outbox_new(100, 1000);
    ck_assert_uint_eq(vs_outbox_min_id(ob), UINT64_MAX);
    static const uint8_t p[] = "x";
    for (uint64_t id = 50; id < 55; id++) {
        vs_outmsg_t m = { .msg_id = id, .to_account = "222222222222", .to_region = "us-east-1",
                          .payload = p, .payload_len = 1 };
        ck_assert_int_eq(vs_outbox_add(ob, &m, 0), 0);
    }
    ck_assert_uint_eq(vs_outbox_min_id(ob), 50);
    ck_assert(vs_outbox_ack(ob, 51));
    ck_assert_uint_eq(vs_outbox_min_id(ob), 50);   /* 50 is still unacknowledged */
    ck_assert(vs_outbox_ack(ob, 50));
    ck_assert_uint_eq(vs_outbox_min_id(ob), 52);
    ck_assert(vs_outbox_ack(ob, 52) && vs_outbox_ack(ob, 53) && vs_outbox_ack(ob, 54));
    ck_assert_uint_eq(vs_outbox_min_id(ob), UINT64_MAX);
    vs_outbox_destroy(&ob);
}
END_TEST

/* Dedup rows are held until the commit (and written in batches): a copy
 * within the turn, a lower id, a rollback, a row written outside a
 * transaction, and ids in SQLite's negative range all answer as if each
 * row had been written at once. */
START_TEST(held_dedup_rows_answer_like_written_ones)
{
    store_t *st = s_open();
    ck_assert_int_eq(store_begin(st), 0);
    for (uint64_t id = 100; id < 110; id++)
        ck_assert_int_eq(store_seen_check_and_add(st, S1, id), 0);
    ck_assert_int_eq(store_seen_check_and_add(st, S1, 105), 1);   /* held */
    ck_assert_int_eq(store_seen_check_and_add(st, S1, 50), 0);    /* lower, new */
    ck_assert_int_eq(store_seen_check_and_add(st, S1, 50), 1);
    ck_assert_int_eq(store_seen_check_and_add(st, S2, 105), 0);   /* another sender */
    store_rollback(st);
    ck_assert_int_eq(store_seen_count(st), 0);
    ck_assert_int_eq(store_begin(st), 0);
    ck_assert_int_eq(store_seen_check_and_add(st, S1, 105), 0);   /* rolled back: new */
    ck_assert_int_eq(store_commit(st), 0);
    /* Outside a transaction, at once; the next transaction sees it. */
    ck_assert_int_eq(store_seen_check_and_add(st, S1, 200), 0);
    ck_assert_int_eq(store_begin(st), 0);
    ck_assert_int_eq(store_seen_check_and_add(st, S1, 200), 1);
    ck_assert_int_eq(store_seen_check_and_add(st, S1, 105), 1);   /* on disk, below hi */
    /* Ids from 2^63 up are negative to SQLite and order below the rest. */
    ck_assert_int_eq(store_seen_check_and_add(st, S1, 0x8000000000000005ull), 0);
    ck_assert_int_eq(store_seen_check_and_add(st, S1, 0x8000000000000005ull), 1);
    ck_assert_int_eq(store_commit(st), 0);
    ck_assert_int_eq(store_begin(st), 0);
    ck_assert_int_eq(store_seen_check_and_add(st, S1, 0x8000000000000005ull), 1);
    ck_assert_int_eq(store_seen_check_and_add(st, S1, 201), 0);
    /* Many in one turn: full batches and the rest, all written. */
    for (uint64_t id = 1000; id < 1077; id++)
        ck_assert_int_eq(store_seen_check_and_add(st, S2, id), 0);
    ck_assert_int_eq(store_seen_count(st), 4 + 77);
    ck_assert_int_eq(store_seen_check_and_add(st, S2, 1040), 1);
    ck_assert_int_eq(store_commit(st), 0);
    store_close(&st);

    st = s_open();      /* durable */
    ck_assert_int_eq(store_seen_count(st), 4 + 77);
    ck_assert_int_eq(store_begin(st), 0);
    ck_assert_int_eq(store_seen_check_and_add(st, S1, 201), 1);
    ck_assert_int_eq(store_seen_check_and_add(st, S2, 1076), 1);
    ck_assert_int_eq(store_seen_check_and_add(st, S2, 1077), 0);
    /* A floor noted in the turn prunes the rows held in it too. */
    ck_assert_int_eq(store_floor_note(st, S2, 3, 1078), 0);
    ck_assert_int_eq(store_commit(st), 0);
    ck_assert_int_eq(store_seen_count(st), 4);
    store_close(&st);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("store_floor");
    TCase *tc = tcase_create("floor");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, floor_prunes_only_that_senders_rows_below_it);
    tcase_add_test(tc, dedup_table_stays_bounded_when_floors_advance);
    tcase_add_test(tc, sender_floor_is_the_oldest_unacknowledged_message);
    tcase_add_test(tc, held_dedup_rows_answer_like_written_ones);
    suite_add_tcase(s, tc);
    return s;
}
