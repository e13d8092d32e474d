/* The store's outbox rows (agent/store_outbox): held in the turn that put
 * them and written at its commit in batches, with the same values; a row
 * acknowledged in that same turn never reaches the table, and is gone
 * after a reopen. */
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

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("store_outbox");
    TCase *tc = tcase_create("store_outbox");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, rows_written_at_commit_in_batches);
    tcase_add_test(tc, replace_read_and_rollback);
    suite_add_tcase(s, tc);
    return s;
}
