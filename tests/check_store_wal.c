/* Unit tests of agent/store's work held for the commit and its
 * checkpoints: acked outbox rows deleted at the commit (and kept by a
 * rollback), floors written once at commit, and a WAL that stays bounded
 * while an idle checkpoint keeps every committed row. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../agent/store.h"

#define S1 "111111111111/us-east-1"

#define CHECK_STORE_DIR "/tmp/vpcsim-check-storewal-XXXXXX"
#include "check_store_fixture.h"

static void s_count_out(void *ctx, const store_outmsg_t *m)
{
    (void)m;
    (*(int *)ctx)++;
}

static int s_outbox_len(store_t *st)
{
    int n = 0;
    ck_assert_int_eq(store_outbox_each(st, s_count_out, &n), 0);
    return n;
}

START_TEST(acked_rows_deleted_at_commit_kept_by_rollback)
{
    store_t *st = s_open();
    static const uint8_t p[] = "x";
    ck_assert_int_eq(store_begin(st), 0);
    for (uint64_t id = 1; id <= 100; id++) {
        store_outmsg_t m = { .msg_id = id, .to_account = "222222222222",
                             .to_region = "us-east-1", .payload = p, .payload_len = sizeof p };
        ck_assert_int_eq(store_outbox_put(st, &m), 0);
    }
    ck_assert_int_eq(store_commit(st), 0);
    /* 70 acks: two full batches and six alone; a turn that fails keeps
     * every row (the senders' acks were not promised to anyone). */
    ck_assert_int_eq(store_begin(st), 0);
    for (uint64_t id = 1; id <= 70; id++)
        ck_assert_int_eq(store_outbox_delete(st, id * 1), 0);
    store_rollback(st);
    ck_assert_int_eq(s_outbox_len(st), 100);
    ck_assert_int_eq(store_begin(st), 0);
    for (uint64_t id = 31; id <= 100; id++)
        ck_assert_int_eq(store_outbox_delete(st, id), 0);
    ck_assert_int_eq(store_outbox_delete(st, 5000), 0);   /* unknown: harmless */
    ck_assert_int_eq(store_commit(st), 0);
    store_close(&st);
    st = s_open();
    ck_assert_int_eq(s_outbox_len(st), 30);
    /* Outside a transaction a delete is immediate. */
    ck_assert_int_eq(store_outbox_delete(st, 1), 0);
    ck_assert_int_eq(s_outbox_len(st), 29);
    store_close(&st);
}
END_TEST

START_TEST(floors_written_at_commit_forgotten_by_rollback)
{
    store_t *st = s_open();
    ck_assert_int_eq(store_begin(st), 0);
    for (uint64_t id = 100; id < 110; id++)
        ck_assert_int_eq(store_seen_check_and_add(st, S1, id), 0);
    ck_assert_int_eq(store_commit(st), 0);

    uint64_t f = 0;
    ck_assert_int_eq(store_begin(st), 0);
    ck_assert_int_eq(store_floor_note(st, S1, 7, 103), 0);
    ck_assert_int_eq(store_floor_note(st, S1, 7, 105), 0);
    ck_assert_int_eq(store_floor_get(st, S1, 7, &f), 0);   /* seen at once */
    ck_assert_uint_eq(f, 105);
    store_rollback(st);
    ck_assert_int_eq(store_floor_get(st, S1, 7, &f), 1);
    ck_assert_int_eq(store_seen_count(st), 10);

    ck_assert_int_eq(store_begin(st), 0);
    ck_assert_int_eq(store_floor_note(st, S1, 7, 105), 0);
    ck_assert_int_eq(store_floor_note(st, S1, 7, 104), 0);  /* never lowered */
    ck_assert_int_eq(store_seen_count(st), 10);             /* pruned at commit */
    ck_assert_int_eq(store_commit(st), 0);
    ck_assert_int_eq(store_seen_count(st), 5);
    store_close(&st);
    st = s_open();
    ck_assert_int_eq(store_floor_get(st, S1, 7, &f), 0);
    ck_assert_uint_eq(f, 105);
    ck_assert_int_eq(store_floor_get(st, S1, 8, &f), 1);
    /* Many senders in one transaction: more than the cache holds. */
    ck_assert_int_eq(store_begin(st), 0);
    char s[64];
    for (int i = 0; i < 3000; i++) {
        snprintf(s, sizeof s, "%012d/us-east-1", i);
        ck_assert_int_eq(store_floor_note(st, s, 1, (uint64_t)i + 10), 0);
    }
    ck_assert_int_eq(store_commit(st), 0);
    store_close(&st);
    st = s_open();
    for (int i = 0; i < 3000; i += 7) {
        snprintf(s, sizeof s, "%012d/us-east-1", i);
        ck_assert_int_eq(store_floor_get(st, s, 1, &f), 0);
        ck_assert_uint_eq(f, (uint64_t)i + 10);
    }
    store_close(&st);
}
END_TEST

static void s_count_obj(void *ctx, const char *id, const uint8_t *doc, size_t len, bool intact)
{
    (void)id;
    (void)doc;
    (void)len;
    ck_assert(intact);
    (*(int *)ctx)++;
}

START_TEST(wal_bounded_and_idle_checkpoint_keeps_rows)
{
    enum { N = 4000 };
    static char doc[2048];
    memset(doc, 'd', sizeof doc - 1);
    store_t *st = s_open();
    long wal_max = 0;
    char id[32];
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(store_begin(st), 0);
        snprintf(id, sizeof id, "vpc-%08d", i);
        ck_assert_int_eq(store_put_object(st, id, doc, sizeof doc - 1), 0);
        snprintf(id, sizeof id, "vpc-%08d", i / 2);   /* and an update */
        ck_assert_int_eq(store_put_object(st, id, doc + 1, sizeof doc - 2), 0);
        ck_assert_int_eq(store_commit(st), 0);
        long w = s_file_size("agent.db-wal");
        if (w > wal_max)
            wal_max = w;
    }
    /* ~20 MB written (the updates of a turn are written once, at its
     * commit); the WAL is checkpointed near 4000 pages and never grows past
     * the 20 MB limit. */
    ck_assert_int_le(wal_max, 20L * 1024 * 1024);
    ck_assert_int_gt(store_wal_pages(st), 0);
    /* The first tick after commits is not idle; the next one is. */
    ck_assert_int_eq(store_checkpoint_idle(st), 0);
    ck_assert_int_eq(store_checkpoint_idle(st), 1);
    ck_assert_int_eq(store_wal_pages(st), 0);
    ck_assert_int_eq(store_checkpoint_idle(st), 0);   /* nothing left to do */
    /* Everything is in the main file now: a copy of it alone (no WAL)
     * holds every committed row. */
    ck_assert_int_eq(s_rows_in_main_file("agent.db", "objects"), N);
    store_close(&st);
    st = s_open();
    int n = 0;
    ck_assert_int_eq(store_each_object(st, s_count_obj, &n), 0);
    ck_assert_int_eq(n, N);
    store_close(&st);
    ck_assert_int_eq(s_rows_in_main_file("agent.db", "objects"), N);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("store_wal");
    TCase *tc = tcase_create("store_wal");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, acked_rows_deleted_at_commit_kept_by_rollback);
    tcase_add_test(tc, floors_written_at_commit_forgotten_by_rollback);
    tcase_add_test(tc, wal_bounded_and_idle_checkpoint_keeps_rows);
    suite_add_tcase(s, tc);
    return s;
}
