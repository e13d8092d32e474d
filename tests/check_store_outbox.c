/* The store's outbox rows (agent/store_outbox): held in the turn that put
 * them and written at its commit in batches, with the same values; a row
 * acknowledged in that same turn never reaches the table, and is gone
 * after a reopen. Acknowledged rows are deleted by ranges: no range takes
 * a row still pending (interleaved ids, ids from before a restart, turns
 * rolled back), checked against a plain model. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../agent/store.h"

#define CHECK_STORE_DIR "/tmp/vpcsim-check-outbox-XXXXXX"
#include "check_store_fixture.h"

/* Every row ever inserted into outbox goes into inserted (a trigger). */
static void s_watch_inserts(store_t *st)
{
    ck_assert_int_eq(sqlite3_exec(store_db(st),
                                  "CREATE TABLE IF NOT EXISTS inserted(msg_id INTEGER);"
                                  "CREATE TRIGGER IF NOT EXISTS ins AFTER INSERT ON outbox BEGIN "
                                  "INSERT INTO inserted VALUES(NEW.msg_id); END;",
                                  NULL, NULL, NULL), SQLITE_OK);
}

/* A query on the store's own connection: it sees the open turn too. */
static long s_own_sql_int(store_t *st, const char *sql)
{
    sqlite3_stmt *q = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    long v = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

static store_outmsg_t s_msg(uint64_t id, char *payload, size_t cap)
{
    snprintf(payload, cap, "payload-%llu", (unsigned long long)id);
    return (store_outmsg_t){
        .msg_id = id,
        .to_vpc_arn = id % 3 ? "arn:aws:ec2:us-east-1:222222222222:vpc/vpc-1" : NULL,
        .to_account = id % 5 ? "222222222222" : "",
        .to_region = "us-east-1",
        .payload = (const uint8_t *)payload,
        .payload_len = strlen(payload),
        .sealed = id % 2 == 0,
    };
}

typedef struct {
    int n;
    uint64_t ids[128];
    bool ok;
} rows_t;

static void s_row(void *ctx, const store_outmsg_t *m)
{
    rows_t *r = ctx;
    char p[64];
    store_outmsg_t want = s_msg(m->msg_id, p, sizeof p);
    bool arn = want.to_vpc_arn ? m->to_vpc_arn && !strcmp(m->to_vpc_arn, want.to_vpc_arn)
                               : m->to_vpc_arn == NULL;
    bool acct = *want.to_account ? m->to_account && !strcmp(m->to_account, want.to_account)
                                 : m->to_account == NULL;     /* "" is stored as NULL */
    if (!arn || !acct || !m->to_region || strcmp(m->to_region, "us-east-1") ||
        m->payload_len != want.payload_len || memcmp(m->payload, p, m->payload_len) ||
        m->sealed != want.sealed)
        r->ok = false;
    if (r->n < 128)
        r->ids[r->n] = m->msg_id;
    r->n++;
}

START_TEST(rows_written_at_commit_in_batches)
{
    store_t *st = s_open();
    s_watch_inserts(st);
    char p[64];
    store_outmsg_t m = s_msg(1, p, sizeof p);
    ck_assert_int_eq(store_outbox_put(st, &m), 0);       /* outside a turn: at once */
    ck_assert_int_eq(s_own_sql_int(st, "SELECT count(*) FROM outbox"), 1);
    store_begin(st);
    for (uint64_t id = 2; id <= 41; id++) {              /* two batches of 16 and 8 alone */
        m = s_msg(id, p, sizeof p);
        ck_assert_int_eq(store_outbox_put(st, &m), 0);
    }
    ck_assert_int_eq(store_held_rows(st), 40);
    ck_assert_int_eq(s_own_sql_int(st, "SELECT count(*) FROM outbox"), 1);
    /* Acknowledged in the turn that put them: never written. */
    ck_assert_int_eq(store_outbox_delete(st, 7), 0);
    ck_assert_int_eq(store_outbox_delete(st, 41), 0);
    ck_assert_int_eq(store_outbox_delete(st, 1), 0);     /* an older row: deleted at commit */
    ck_assert_int_eq(store_held_rows(st), 38);
    ck_assert_int_eq(store_commit(st), 0);
    ck_assert_int_eq(store_held_rows(st), 0);
    ck_assert_int_eq(s_own_sql_int(st, "SELECT count(*) FROM outbox"), 38);
    ck_assert_int_eq(s_own_sql_int(st, "SELECT count(*) FROM inserted WHERE msg_id IN (7, 41)"), 0);
    ck_assert_int_eq(s_own_sql_int(st, "SELECT count(*) FROM inserted"), 39);
    store_close(&st);
    st = s_open();
    rows_t r = { .ok = true };
    ck_assert_int_eq(store_outbox_each(st, s_row, &r), 0);
    ck_assert(r.ok);
    ck_assert_int_eq(r.n, 38);
    for (int i = 1; i < r.n; i++)
        ck_assert_uint_gt(r.ids[i], r.ids[i - 1]);
    ck_assert_uint_eq(r.ids[0], 2);
    ck_assert_uint_eq(r.ids[37], 40);
    store_close(&st);
}
END_TEST

/* A second put of an id in a turn replaces the first (INSERT OR REPLACE);
 * a read in the turn sees the held rows; a rollback forgets them. */
START_TEST(replace_read_and_rollback)
{
    store_t *st = s_open();
    char p[64];
    store_begin(st);
    store_outmsg_t m = s_msg(10, p, sizeof p);
    m.payload = (const uint8_t *)"first, replaced";
    m.payload_len = 15;
    ck_assert_int_eq(store_outbox_put(st, &m), 0);
    m = s_msg(11, p, sizeof p);
    ck_assert_int_eq(store_outbox_put(st, &m), 0);
    m = s_msg(10, p, sizeof p);       /* the values s_row expects */
    ck_assert_int_eq(store_outbox_put(st, &m), 0);
    ck_assert_int_eq(store_held_rows(st), 2);
    rows_t r = { .ok = true };
    ck_assert_int_eq(store_outbox_each(st, s_row, &r), 0);   /* in the turn */
    ck_assert(r.ok);
    ck_assert_int_eq(r.n, 2);
    ck_assert_int_eq(store_commit(st), 0);
    store_begin(st);
    m = s_msg(12, p, sizeof p);
    ck_assert_int_eq(store_outbox_put(st, &m), 0);
    store_rollback(st);
    ck_assert_int_eq(store_held_rows(st), 0);
    store_begin(st);
    ck_assert_int_eq(store_commit(st), 0);
    memset(&r, 0, sizeof r);
    r.ok = true;
    ck_assert_int_eq(store_outbox_each(st, s_row, &r), 0);
    ck_assert(r.ok);
    ck_assert_int_eq(r.n, 2);
    ck_assert_uint_eq(r.ids[0], 10);
    ck_assert_uint_eq(r.ids[1], 11);
    store_close(&st);
}
END_TEST

/* The msg_ids of the table, in order, as a reopened agent reads them. */
typedef struct {
    size_t n;
    uint64_t ids[4096];
} idlist_t;

static void s_id(void *ctx, const store_outmsg_t *m)
{
    idlist_t *l = ctx;
    ck_assert_uint_lt(l->n, sizeof l->ids / sizeof *l->ids);
    l->ids[l->n++] = m->msg_id;
}

/* The table holds exactly want[0..n) (sorted). */
static void s_expect(store_t *st, const uint64_t *want, size_t n)
{
    static idlist_t l;
    l.n = 0;
    ck_assert_int_eq(store_outbox_each(st, s_id, &l), 0);
    ck_assert_uint_eq(l.n, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(l.ids[i], want[i]);
}

static void s_put(store_t *st, uint64_t id)
{
    char p[64];
    store_outmsg_t m = s_msg(id, p, sizeof p);
    ck_assert_int_eq(store_outbox_put(st, &m), 0);
}

/* Rows pending between acknowledged ones stay, and so do rows put after a
 * restart (whose ids start lower) between old ones, even in the turn that
 * deletes the old rows around them; ids that are no rows change nothing. */
START_TEST(range_deletes_keep_pending_rows)
{
    store_t *st = s_open();
    store_begin(st);
    for (uint64_t id = 100; id <= 200; id += 10)
        s_put(st, id);
    ck_assert_int_eq(store_commit(st), 0);
    store_close(&st);
    st = s_open();
    store_begin(st);
    s_put(st, 105);                 /* held, between two rows deleted now */
    s_put(st, 115);
    ck_assert_int_eq(store_outbox_delete(st, 100), 0);
    ck_assert_int_eq(store_outbox_delete(st, 110), 0);
    ck_assert_int_eq(store_outbox_delete(st, 120), 0);
    ck_assert_int_eq(store_commit(st), 0);
    uint64_t a[] = { 105, 115, 130, 140, 150, 160, 170, 180, 190, 200 };
    s_expect(st, a, sizeof a / sizeof *a);
    store_begin(st);
    ck_assert_int_eq(store_outbox_delete(st, 150), 0);
    ck_assert_int_eq(store_outbox_delete(st, 130), 0);    /* 140 pending between */
    ck_assert_int_eq(store_outbox_delete(st, 105), 0);    /* 115 pending after it */
    ck_assert_int_eq(store_outbox_delete(st, 999), 0);    /* no row */
    ck_assert_int_eq(store_outbox_delete(st, 135), 0);    /* no row */
    ck_assert_int_eq(store_commit(st), 0);
    uint64_t b[] = { 115, 140, 160, 170, 180, 190, 200 };
    s_expect(st, b, sizeof b / sizeof *b);
    store_close(&st);
    st = s_open();
    s_expect(st, b, sizeof b / sizeof *b);
    ck_assert_int_eq(store_outbox_delete(st, 160), 0);    /* outside a turn */
    store_begin(st);
    ck_assert_int_eq(store_outbox_delete(st, 140), 0);
    ck_assert_int_eq(store_outbox_delete(st, 170), 0);
    ck_assert_int_eq(store_commit(st), 0);
    uint64_t c[] = { 115, 180, 190, 200 };
    s_expect(st, c, sizeof c / sizeof *c);
    store_close(&st);
}
END_TEST

/* The deletes of a turn rolled back, or of a commit that failed, are not
 * done: a later turn's range around their rows must not take them. */
START_TEST(failed_turns_keep_their_rows_out_of_ranges)
{
    store_t *st = s_open();
    store_begin(st);
    for (uint64_t id = 1; id <= 10; id++)
        s_put(st, id);
    ck_assert_int_eq(store_commit(st), 0);
    store_begin(st);
    for (uint64_t id = 3; id <= 6; id++)
        ck_assert_int_eq(store_outbox_delete(st, id), 0);
    store_rollback(st);
    store_begin(st);
    ck_assert_int_eq(store_outbox_delete(st, 2), 0);
    ck_assert_int_eq(store_outbox_delete(st, 7), 0);
    ck_assert_int_eq(store_commit(st), 0);
    uint64_t a[] = { 1, 3, 4, 5, 6, 8, 9, 10 };
    s_expect(st, a, sizeof a / sizeof *a);
    /* A commit whose delete fails (a trigger refuses row 9). */
    ck_assert_int_eq(sqlite3_exec(store_db(st), "CREATE TRIGGER keep BEFORE DELETE ON outbox "
                                  "WHEN OLD.msg_id = 9 BEGIN SELECT RAISE(ABORT, 'kept'); END;",
                                  NULL, NULL, NULL), SQLITE_OK);
    store_begin(st);
    s_put(st, 11);
    ck_assert_int_eq(store_outbox_delete(st, 8), 0);
    ck_assert_int_eq(store_outbox_delete(st, 9), 0);
    ck_assert_int_ne(store_commit(st), 0);
    ck_assert_int_eq(sqlite3_exec(store_db(st), "DROP TRIGGER keep", NULL, NULL, NULL), SQLITE_OK);
    s_expect(st, a, sizeof a / sizeof *a);
    store_begin(st);
    ck_assert_int_eq(store_outbox_delete(st, 6), 0);
    ck_assert_int_eq(store_outbox_delete(st, 10), 0);
    ck_assert_int_eq(store_commit(st), 0);
    uint64_t b[] = { 1, 3, 4, 5, 8, 9 };
    s_expect(st, b, sizeof b / sizeof *b);
    store_close(&st);
    st = s_open();
    s_expect(st, b, sizeof b / sizeof *b);
    store_close(&st);
}
END_TEST

/* Random turns against a plain model: puts from a counter with gaps (the
 * ids of acks and replies) that restarts lower after each reopen, acks of
 * pending rows (held or written) and of ids that are no rows, rollbacks.
 * After each turn, and after each reopen, the table is the model. */
START_TEST(random_turns_match_a_model)
{
    enum { SPACE = 20000, TURNS = 200 };
    static bool have[SPACE], turn[SPACE];
    static uint64_t want[SPACE];
    store_t *st = s_open();
    srand(11);
    uint64_t next = SPACE - 4000;
    for (int t = 0; t < TURNS; t++) {
        if (t % 41 == 40) {             /* a restart: ids start lower */
            store_close(&st);
            st = s_open();
            next = next > 5000 ? next - 5000 : next % 1000;
        }
        memcpy(turn, have, sizeof turn);
        store_begin(st);
        int puts = rand() % 30;
        for (int j = 0; j < puts && next < SPACE; j++) {
            s_put(st, next);
            turn[next] = true;
            next += 1 + (uint64_t)(rand() % 3);
        }
        uint64_t low = 0;           /* the lowest pending id */
        while (low < SPACE && !turn[low])
            low++;
        for (int j = 0; j < 40; j++) {
            /* Mostly near the lowest pending ids (acks come back in order). */
            uint64_t id = (uint64_t)(rand() % SPACE);
            if (rand() % 4) {
                id = low + (uint64_t)(rand() % 64);
                if (id >= SPACE)
                    continue;
            }
            if (!turn[id] && rand() % 3)
                continue;
            ck_assert_int_eq(store_outbox_delete(st, id), 0);
            turn[id] = false;
        }
        if (rand() % 8 == 0) {
            store_rollback(st);
        } else {
            ck_assert_int_eq(store_commit(st), 0);
            memcpy(have, turn, sizeof have);
        }
        size_t n = 0;
        for (uint64_t id = 0; id < SPACE; id++)
            if (have[id])
                want[n++] = id;
        s_expect(st, want, n);
    }
    store_close(&st);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("store_outbox");
    TCase *tc = tcase_create("store_outbox");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);      /* the model's turns, under sanitizers */
    tcase_add_test(tc, rows_written_at_commit_in_batches);
    tcase_add_test(tc, replace_read_and_rollback);
    tcase_add_test(tc, range_deletes_keep_pending_rows);
    tcase_add_test(tc, failed_turns_keep_their_rows_out_of_ranges);
    tcase_add_test(tc, random_turns_match_a_model);
    suite_add_tcase(s, tc);
    return s;
}
