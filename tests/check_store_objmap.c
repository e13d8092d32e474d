/* The store's map of object ids to rows (agent/store_objmap) and what the
 * store builds on it: ids stay unique without an index on disk, across
 * rollbacks and reopens, and an id stored twice is named as damage. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../agent/store.h"
#include "../agent/store_objmap.h"

/* --- the map alone, against a plain array ---------------------------------- */

#define N_IDS 3000

typedef struct {
    bool in;
    int64_t seq;
} ref_t;

static void s_id(char *b, size_t n, int i)
{
    snprintf(b, n, "pcx-%017x", (unsigned)(i * 2654435761u));
}

static void s_same(const store_objmap_t *m, const ref_t *ref)
{
    size_t len = 0;
    for (int i = 0; i < N_IDS; i++) {
        char id[32];
        int64_t seq = -1;
        s_id(id, sizeof id, i);
        bool in = store_objmap_get(m, id, &seq);
        ck_assert_msg(in == ref[i].in, "%s: %d, expected %d", id, in, ref[i].in);
        if (in)
            ck_assert_int_eq(seq, ref[i].seq);
        len += ref[i].in;
    }
    ck_assert_uint_eq(store_objmap_len(m), len);
}

START_TEST(map_matches_a_plain_array_through_rollbacks)
{
    static ref_t ref[N_IDS], saved[N_IDS];
    store_objmap_t *m = store_objmap_new();
    ck_assert_ptr_nonnull(m);
    unsigned r = 12345;
    int64_t next = 1;
    for (int round = 0; round < 60; round++) {
        bool txn = round % 3 != 0, undo = round % 2 == 0;
        if (txn) {
            store_objmap_begin(m);
            memcpy(saved, ref, sizeof ref);
        }
        for (int k = 0; k < 400; k++) {
            r = r * 1103515245u + 12345u;
            int i = (int)((r >> 8) % N_IDS);
            char id[32];
            s_id(id, sizeof id, i);
            if (ref[i].in && (r & 1)) {
                ck_assert_int_eq(store_objmap_del(m, id), 0);
                ref[i].in = false;
            } else if (!ref[i].in) {
                ck_assert_int_eq(store_objmap_add(m, id, next), 0);
                ref[i] = (ref_t){ true, next++ };
            }
        }
        if (txn && undo) {
            store_objmap_rollback(m);
            memcpy(ref, saved, sizeof ref);
        } else if (txn) {
            store_objmap_commit(m);
        }
        s_same(m, ref);
    }
    /* Deleting an id that is not there changes nothing. */
    ck_assert_int_eq(store_objmap_del(m, "vpc-none"), 0);
    s_same(m, ref);
    store_objmap_free(&m);
    ck_assert_ptr_null(m);
}
END_TEST

/* --- the store on top of it ------------------------------------------------ */

#define CHECK_STORE_DIR "/tmp/vpcsim-check-objmap-XXXXXX"
#include "check_store_fixture.h"

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

/* A rolled-back transaction takes back its new objects and its deletes:
 * what follows neither duplicates a row nor loses one. */
START_TEST(rollback_keeps_one_row_per_object)
{
    store_t *st = s_open();
    ck_assert_int_eq(PUT(st, "vpc-1", "a"), 0);        /* outside a transaction */
    ck_assert_int_eq(PUT(st, "vpc-2", "b"), 0);
    store_begin(st);
    ck_assert_int_eq(PUT(st, "vpc-3", "c"), 0);
    ck_assert_int_eq(store_delete_object(st, "vpc-1"), 0);
    ck_assert_int_eq(PUT(st, "vpc-1", "again"), 0);
    ck_assert_int_eq(store_delete_object(st, "vpc-2"), 0);
    store_rollback(st);
    store_begin(st);
    ck_assert_int_eq(PUT(st, "vpc-1", "a2"), 0);
    ck_assert_int_eq(PUT(st, "vpc-2", "b2"), 0);
    ck_assert_int_eq(PUT(st, "vpc-3", "c2"), 0);
    ck_assert_int_eq(store_commit(st), 0);
    ck_assert_int_eq(store_delete_object(st, "vpc-9"), 0);   /* none: nothing to do */
    store_close(&st);
    ck_assert_int_eq(s_sql_int("SELECT count(*) FROM objects"), 3);
    ck_assert_int_eq(s_sql_int("SELECT count(DISTINCT id) FROM objects"), 3);
    st = s_open();
    objs_t o = { 0 };
    ck_assert_int_eq(store_each_object(st, s_collect, &o), 0);
    ck_assert_int_eq(o.n, 3);
    ck_assert_str_eq(o.ids[0], "vpc-1");
    ck_assert_str_eq(o.docs[0], "a2");
    ck_assert_str_eq(o.ids[1], "vpc-2");
    ck_assert_str_eq(o.ids[2], "vpc-3");
    ck_assert_str_eq(o.docs[2], "c2");
    /* Deleted and written again: a new row, last in creation order. */
    store_begin(st);
    ck_assert_int_eq(store_delete_object(st, "vpc-1"), 0);
    ck_assert_int_eq(PUT(st, "vpc-1", "a3"), 0);
    ck_assert_int_eq(store_commit(st), 0);
    memset(&o, 0, sizeof o);
    ck_assert_int_eq(store_each_object(st, s_collect, &o), 0);
    ck_assert_int_eq(o.n, 3);
    ck_assert_str_eq(o.ids[2], "vpc-1");
    ck_assert_str_eq(o.docs[2], "a3");
    store_close(&st);
}
END_TEST

/* Once a write of a transaction failed, no later object write goes in
 * (the transaction is rolled back whole at its commit). */
START_TEST(no_object_writes_after_a_failed_one)
{
    store_t *st = s_open();
    store_close(&st);
    char path[300];
    snprintf(path, sizeof path, "%s/agent.db", g_dir);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "CREATE TRIGGER no_vpc_9 BEFORE INSERT ON objects WHEN "
                                  "NEW.id = 'vpc-9' BEGIN SELECT RAISE(FAIL, 'refused'); END;",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    st = s_open();
    store_begin(st);
    ck_assert_int_eq(PUT(st, "vpc-1", "a"), 0);
    ck_assert_int_eq(PUT(st, "vpc-9", "x"), -1);
    ck_assert_int_eq(PUT(st, "vpc-2", "b"), -1);
    ck_assert_int_eq(store_commit(st), -1);
    ck_assert_int_eq(PUT(st, "vpc-1", "a"), 0);     /* a fresh start */
    store_close(&st);
    ck_assert_int_eq(s_sql_int("SELECT count(*) FROM objects"), 1);
}
END_TEST

/* The table no longer refuses a second row for an id (the map keeps them
 * unique): one written behind our back is damage, named at open. */
START_TEST(id_stored_twice_is_named_at_open)
{
    store_t *st = s_open();
    ck_assert_int_eq(PUT(st, "vpc-1", "a"), 0);
    store_close(&st);
    char path[300];
    snprintf(path, sizeof path, "%s/agent.db", g_dir);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO objects(id, doc, sum) VALUES('vpc-1', 'b', 0)",
                                  NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    char err[512] = "";
    ck_assert_ptr_null(store_open(g_dir, err, sizeof err));
    ck_assert_msg(strstr(err, "agent.db is damaged: object vpc-1 is stored twice") != NULL, "%s",
                  err);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("store_objmap");
    TCase *tc = tcase_create("objmap");
    tcase_add_test(tc, map_matches_a_plain_array_through_rollbacks);
    suite_add_tcase(s, tc);
    tc = tcase_create("store");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, rollback_keeps_one_row_per_object);
    tcase_add_test(tc, no_object_writes_after_a_failed_one);
    tcase_add_test(tc, id_stored_twice_is_named_at_open);
    suite_add_tcase(s, tc);
    return s;
}
