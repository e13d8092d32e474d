/* Object updates held for the commit (agent/store_held): the held set
 * alone against a plain array, and the store on top of it - the last put
 * of a turn is the one on disk, one UPDATE however many puts, and deletes,
 * set-asides, rollbacks and reopens see what they would have seen had
 * every put been written at once. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../agent/store.h"
#include "../agent/store_held.h"

/* --- the held set alone ---------------------------------------------------- */

#define N_ROWS 700

typedef struct {
    bool live;
    char id[24];
    char doc[80];
    int order;      /* first put since the last clear */
} href_t;

typedef struct {
    const href_t *ref;
    int n, last_order;
} seen_t;

static int s_check_one(void *ctx, int64_t seq, const char *id, const uint8_t *doc, size_t len)
{
    seen_t *s = ctx;
    ck_assert_int_ge(seq, 0);
    ck_assert_int_lt(seq, N_ROWS);
    const href_t *r = &s->ref[seq];
    ck_assert_msg(r->live, "row %lld is not held", (long long)seq);
    ck_assert_str_eq(id, r->id);
    ck_assert_uint_eq(len, strlen(r->doc));
    ck_assert(memcmp(doc, r->doc, len) == 0);
    ck_assert_int_gt(r->order, s->last_order);     /* in the order of first put */
    s->last_order = r->order;
    s->n++;
    return 0;
}

START_TEST(held_matches_a_plain_array)
{
    static href_t ref[N_ROWS];
    store_held_t *h = store_held_new();
    ck_assert_ptr_nonnull(h);
    unsigned r = 777;
    int order = 0;
    for (int round = 0; round < 40; round++) {
        for (int k = 0; k < 2000; k++) {
            r = r * 1103515245u + 12345u;
            int seq = (int)((r >> 8) % N_ROWS);
            if ((r >> 4) % 7 == 0) {
                store_held_drop(h, seq);
                ref[seq].live = false;
                continue;
            }
            href_t *e = &ref[seq];
            /* A dropped row's seq may come back for another object. */
            snprintf(e->id, sizeof e->id, "pcx-%d-%u", seq, (r >> 20) % 2);
            int len = (int)((r >> 12) % 70);
            for (int i = 0; i < len; i++)
                e->doc[i] = (char)('a' + (i + k) % 26);
            e->doc[len] = '\0';
            ck_assert_int_eq(store_held_put(h, seq, e->id, e->doc, (size_t)len), 0);
            if (e->order == 0)
                e->order = ++order;
            e->live = true;
        }
        size_t live = 0;
        for (int i = 0; i < N_ROWS; i++)
            live += ref[i].live;
        ck_assert_uint_eq(store_held_len(h), live);
        seen_t s = { .ref = ref };
        ck_assert_int_eq(store_held_each(h, s_check_one, &s), 0);
        ck_assert_uint_eq((size_t)s.n, live);
        store_held_clear(h);
        ck_assert_uint_eq(store_held_len(h), 0);
        memset(ref, 0, sizeof ref);
        order = 0;
    }
    store_held_free(&h);
    ck_assert_ptr_null(h);
}
END_TEST

/* --- the store on top of it ------------------------------------------------ */

#define CHECK_STORE_DIR "/tmp/vpcsim-check-held-XXXXXX"
#include "check_store_fixture.h"

/* Counts the UPDATEs of objects the store's connection runs. */
static int s_updates;
static int s_trace(unsigned type, void *ctx, void *p, void *x)
{
    (void)type;
    (void)ctx;
    (void)x;
    const char *sql = sqlite3_sql((sqlite3_stmt *)p);
    if (sql && strncmp(sql, "UPDATE objects", 14) == 0)
        s_updates++;
    return 0;
}

#define PUT(st, id, doc) store_put_object((st), (id), (doc), strlen(doc))

typedef struct {
    int n;
    char ids[8][32];
    char docs[8][32];
} objs_t;

static void s_collect(void *ctx, const char *id, const uint8_t *doc, size_t len, bool intact)
{
    objs_t *o = ctx;
    ck_assert_msg(intact, "%s failed its checksum", id);
    ck_assert_int_lt(o->n, 8);
    snprintf(o->ids[o->n], sizeof o->ids[0], "%s", id);
    snprintf(o->docs[o->n], sizeof o->docs[0], "%.*s", (int)len, (const char *)doc);
    o->n++;
}

START_TEST(last_put_of_a_turn_written_once)
{
    store_t *st = s_open();
    sqlite3_trace_v2(store_db(st), SQLITE_TRACE_STMT, s_trace, NULL);
    ck_assert_int_eq(PUT(st, "vpc-1", "a0"), 0);       /* outside a transaction: at once */
    ck_assert_int_eq(PUT(st, "vpc-1", "a1"), 0);
    ck_assert_int_eq(s_updates, 1);
    ck_assert_int_eq(store_held_rows(st), 0);
    store_begin(st);
    ck_assert_int_eq(PUT(st, "vpc-2", "b0"), 0);       /* new: inserted at once */
    ck_assert_int_eq(PUT(st, "vpc-2", "b1"), 0);
    ck_assert_int_eq(PUT(st, "vpc-1", "a2-longer"), 0);
    ck_assert_int_eq(PUT(st, "vpc-2", "b2"), 0);
    ck_assert_int_eq(PUT(st, "vpc-1", "a3"), 0);
    ck_assert_int_eq(store_held_rows(st), 2);
    ck_assert_int_eq(s_updates, 1);                     /* nothing yet */
    ck_assert_int_eq(store_commit(st), 0);
    ck_assert_int_eq(s_updates, 3);                     /* one each */
    ck_assert_int_eq(store_held_rows(st), 0);
    ck_assert_int_eq(s_sql_int("SELECT count(*) FROM objects WHERE CAST(doc AS TEXT) IN ('a3', 'b2')"), 2);
    /* A rolled-back turn's updates never reach the disk. */
    store_begin(st);
    ck_assert_int_eq(PUT(st, "vpc-1", "lost"), 0);
    store_rollback(st);
    ck_assert_int_eq(store_held_rows(st), 0);
    store_begin(st);
    ck_assert_int_eq(store_commit(st), 0);
    store_close(&st);
    st = s_open();
    objs_t o = { 0 };
    ck_assert_int_eq(store_each_object(st, s_collect, &o), 0);
    ck_assert_int_eq(o.n, 2);
    ck_assert_str_eq(o.ids[0], "vpc-1");
    ck_assert_str_eq(o.docs[0], "a3");
    ck_assert_str_eq(o.ids[1], "vpc-2");
    ck_assert_str_eq(o.docs[1], "b2");
    store_close(&st);
}
END_TEST

/* Deletes, set-asides and reads in the same turn see the held updates;
 * a deleted object's held update is not written over a new row. */
START_TEST(held_updates_meet_deletes_and_reads)
{
    store_t *st = s_open();
    ck_assert_int_eq(PUT(st, "vpc-1", "a"), 0);
    ck_assert_int_eq(PUT(st, "vpc-2", "b"), 0);
    ck_assert_int_eq(PUT(st, "vpc-3", "c"), 0);
    store_begin(st);
    ck_assert_int_eq(PUT(st, "vpc-3", "c-held"), 0);
    ck_assert_int_eq(store_delete_object(st, "vpc-3"), 0);     /* the newest: its seq comes back */
    ck_assert_int_eq(PUT(st, "vpc-4", "d"), 0);
    ck_assert_int_eq(PUT(st, "vpc-2", "b-held"), 0);
    ck_assert_int_eq(store_set_aside(st, "vpc-2", "test", 1), 0);
    ck_assert_int_eq(PUT(st, "vpc-1", "a-held"), 0);
    objs_t o = { 0 };
    ck_assert_int_eq(store_each_object(st, s_collect, &o), 0);  /* inside the turn */
    ck_assert_int_eq(o.n, 2);
    ck_assert_str_eq(o.docs[0], "a-held");
    ck_assert_str_eq(o.ids[1], "vpc-4");
    ck_assert_str_eq(o.docs[1], "d");
    ck_assert_int_eq(PUT(st, "vpc-1", "a-last"), 0);
    ck_assert_int_eq(store_commit(st), 0);
    store_close(&st);
    ck_assert_int_eq(s_sql_int("SELECT count(*) FROM damaged WHERE id = 'vpc-2' AND "
                               "CAST(doc AS TEXT) = 'b-held'"), 1);
    st = s_open();
    memset(&o, 0, sizeof o);
    ck_assert_int_eq(store_each_object(st, s_collect, &o), 0);
    ck_assert_int_eq(o.n, 2);
    ck_assert_str_eq(o.ids[0], "vpc-1");
    ck_assert_str_eq(o.docs[0], "a-last");
    ck_assert_str_eq(o.ids[1], "vpc-4");
    ck_assert_str_eq(o.docs[1], "d");
    store_close(&st);
}
END_TEST

/* A held update whose row is no longer where the map says fails the
 * commit, as the UPDATE did when it ran at once. */
START_TEST(held_update_failing_at_commit_fails_the_turn)
{
    store_t *st = s_open();
    ck_assert_int_eq(PUT(st, "vpc-1", "a"), 0);
    ck_assert_int_eq(sqlite3_exec(store_db(st), "CREATE TRIGGER no_upd BEFORE UPDATE ON objects "
                                  "WHEN CAST(NEW.doc AS TEXT) = 'bad' BEGIN SELECT RAISE(FAIL, 'refused'); END;",
                                  NULL, NULL, NULL), SQLITE_OK);
    store_begin(st);
    ck_assert_int_eq(PUT(st, "vpc-2", "b"), 0);
    ck_assert_int_eq(PUT(st, "vpc-1", "bad"), 0);
    ck_assert_int_eq(store_commit(st), -1);
    store_close(&st);
    ck_assert_int_eq(s_sql_int("SELECT count(*) FROM objects"), 1);
    ck_assert_int_eq(s_sql_int("SELECT count(*) FROM objects WHERE CAST(doc AS TEXT) = 'a'"), 1);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("store_held");
    TCase *tc = tcase_create("held");
    tcase_add_test(tc, held_matches_a_plain_array);
    suite_add_tcase(s, tc);
    tc = tcase_create("store");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, last_put_of_a_turn_written_once);
    tcase_add_test(tc, held_updates_meet_deletes_and_reads);
    tcase_add_test(tc, held_update_failing_at_commit_fails_the_turn);
    suite_add_tcase(s, tc);
    return s;
}
