/* Unit tests of agent/store_ckpt (the WAL checkpointer's thread) and of
 * the store handing it its checkpoints: committed frames reach the main
 * file while the writer goes on committing, a request while one runs is
 * refused, a bad path is an error, and a store whose WAL passes half its
 * limit has its rows copied into the main file with no idle checkpoint and
 * before the commit that reaches the limit. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../agent/store_ckpt.h"

#define CHECK_STORE_DIR "/tmp/vpcsim-check-storeckpt-XXXXXX"
#include "check_store_fixture.h"

static sqlite3 *s_writer(const char *path)
{
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
                                      "CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB)",
                                  NULL, NULL, NULL), SQLITE_OK);
    return db;
}

static void s_insert(sqlite3 *db, int from, int n)
{
    char sql[160];
    for (int k = from; k < from + n; k++) {
        snprintf(sql, sizeof sql, "INSERT INTO t VALUES(%d, zeroblob(1500))", k);
        ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
}

START_TEST(copies_committed_frames_while_the_writer_goes_on)
{
    char path[300], err[256] = "";
    snprintf(path, sizeof path, "%s/w.db", g_dir);
    sqlite3 *w = s_writer(path);
    s_insert(w, 0, 2000);
    ck_assert_int_eq(s_rows_in_main_file("w.db", "t"), 0);   /* all in the WAL */

    store_ckpt_t *c = store_ckpt_new(path, NULL, err, sizeof err);
    ck_assert_msg(c != NULL, "%s", err);
    ck_assert(store_ckpt_request(c));
    /* Asked for or under way: a second request adds nothing. */
    if (store_ckpt_busy(c))
        ck_assert(!store_ckpt_request(c));
    store_ckpt_wait(c);
    store_ckpt_stats_t s = store_ckpt_stats(c);
    ck_assert_uint_eq(s.runs, 1);
    ck_assert_uint_eq(s.failures, 0);
    ck_assert_int_gt(s.last_log, 0);
    ck_assert_int_eq(s.last_done, s.last_log);
    ck_assert_int_eq(s_rows_in_main_file("w.db", "t"), 2000);

    /* A checkpoint under way never makes the writer wait or fail. */
    ck_assert(store_ckpt_request(c));
    s_insert(w, 2000, 500);
    store_ckpt_wait(c);
    ck_assert(store_ckpt_request(c));
    store_ckpt_wait(c);
    s = store_ckpt_stats(c);
    ck_assert_uint_eq(s.runs, 3);
    ck_assert_uint_eq(s.failures, 0);
    ck_assert_int_eq(s_rows_in_main_file("w.db", "t"), 2500);
    store_ckpt_destroy(&c);
    ck_assert_ptr_null(c);
    store_ckpt_destroy(&c);   /* NULL-safe */
    sqlite3_close(w);
}
END_TEST

START_TEST(a_store_that_cannot_be_opened_is_an_error)
{
    char err[256] = "";
    store_ckpt_t *c = store_ckpt_new("/nonexistent-vpcsim-dir/agent.db", NULL, err, sizeof err);
    ck_assert_ptr_null(c);
    ck_assert_msg(strstr(err, "cannot open") != NULL, "%s", err);
}
END_TEST

/* The store: past half of its WAL limit (8 MB) its pages reach the main
 * file from the background, before the commit at the limit (16 MB) and
 * with no idle checkpoint. (Only a checkpoint that copied the whole WAL
 * leaves a main file that is a snapshot on its own: one that ran beside
 * commits skips the pages they rewrote, which the WAL still holds.) */
START_TEST(store_checkpoints_past_half_its_limit_in_the_background)
{
    static char doc[2048];
    memset(doc, 'd', sizeof doc - 1);
    store_t *st = s_open();
    long before = s_file_size("agent.db");
    ck_assert_int_lt(before, 1024 * 1024);
    char id[32];
    int i = 0;
    while (store_wal_pages(st) < 10000) {     /* 1 KiB pages: ~10 MB */
        ck_assert_int_eq(store_begin(st), 0);
        snprintf(id, sizeof id, "vpc-%08d", i++);
        ck_assert_int_eq(store_put_object(st, id, doc, sizeof doc - 1), 0);
        ck_assert_int_eq(store_commit(st), 0);
        ck_assert_int_lt(store_wal_pages(st), 16000);   /* no commit reached the limit */
    }
    long after = 0;
    for (int tries = 0; tries < 500 && after < 4 * 1024 * 1024; tries++) {
        after = s_file_size("agent.db");
        if (after < 4 * 1024 * 1024)
            usleep(10 * 1000);
    }
    ck_assert_int_ge(after, 4 * 1024 * 1024);    /* most of 8 MB of pages copied */
    store_close(&st);
    /* And every row survives, in the main file after the close's own
     * checkpoint. */
    ck_assert_int_eq(s_rows_in_main_file("agent.db", "objects"), i);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("store_ckpt");
    TCase *tc = tcase_create("store_ckpt");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, copies_committed_frames_while_the_writer_goes_on);
    tcase_add_test(tc, a_store_that_cannot_be_opened_is_an_error);
    tcase_add_test(tc, store_checkpoints_past_half_its_limit_in_the_background);
    suite_add_tcase(s, tc);
    return s;
}
