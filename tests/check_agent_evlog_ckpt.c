/* Unit tests of the event log's states checkpoint (agent/evlog.c,
 * event_state_batches): written as one state batch per checkpoint over the
 * rows of event_state that older agents wrote (still read), compacted into
 * one batch of all states when the batches outgrow the states, a damaged
 * batch skipped and counted, and the pairs codec (agent/evlog_codec.c). */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../agent/evlog.h"
#include "../agent/evlog_codec.h"
#include "../agent/store.h"
#include "event.h"

#define CHECK_EVLOG_DIR "/tmp/vpcsim-check-evckpt-XXXXXX"
#include "check_evlog_fixture.h"

/* The first column of the first row of sql, on the store file. */
static int64_t s_sql_int(const char *sql)
{
    char path[300];
    snprintf(path, sizeof path, "%s/agent.db", g_dir);
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

/* What the agent does when it persists an object (agent_ev__persist). */
static int s_state(const char *id, const char *state)
{
    int rc = evlog_state_changed(g_log, id, state);
    if (rc == 1) {
        vs_event_t e;
        memset(&e, 0, sizeof e);
        e.kind = VS_EV_STATE;
        vs_event_set(e.object, sizeof e.object, id);
        vs_event_set(e.detail, sizeof e.detail, state ? state : "removed");
        ck_assert_int_eq(evlog_add(g_log, &e), 0);
    }
    return rc;
}

/* A turn's end: written, pruned (which checkpoints first when the prune
 * would pass the checkpoint), committed. */
static void s_commit(void)
{
    ck_assert_int_eq(evlog_flush(g_log), 0);
    ck_assert_int_eq(evlog_prune(g_log), 0);
    ck_assert_int_eq(store_commit(g_st), 0);
}

static void s_id(char *id, size_t len, int i)
{
    snprintf(id, len, "pcx-%017x", 0x5eed000u + (unsigned)i * 7919u);
}

START_TEST(state_batches_over_legacy_rows)
{
    s_open(4);
    s_close();
    /* An older agent's checkpoint: rows of event_state, good up to seq 0. */
    s_sql("INSERT INTO event_state VALUES('pcx-1', 'active'), ('pcx-2', 'active'),"
          " ('vpc-1', 'available');");
    s_open(4);
    ck_assert_int_eq(store_begin(g_st), 0);
    ck_assert_int_eq(s_state("pcx-1", "active"), 0);
    ck_assert_int_eq(s_state("vpc-1", "available"), 0);
    ck_assert_int_eq(s_state("pcx-1", "deleted"), 1);
    ck_assert_int_eq(s_state("pcx-2", NULL), 1);
    ck_assert_int_eq(s_state("pcx-3", "pending-acceptance"), 1);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(s_state(i % 2 ? "vpc-2" : "vpc-3", "available"), i < 2);
    s_commit();
    /* More events, so that the state events are pruned: only the
     * checkpoint knows the states now. */
    ck_assert_int_eq(store_begin(g_st), 0);
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(s_state(i % 2 ? "vpc-4" : "vpc-5", i < 2 ? "pending" : "available"),
                         i < 4);
    s_commit();
    /* A second checkpoint: applied after the first at open. */
    ck_assert_int_eq(store_begin(g_st), 0);
    ck_assert_int_eq(s_state("pcx-3", "active"), 1);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(s_state("vpc-6", i % 2 ? "b" : "a"), 1);
    s_commit();
    ck_assert_int_eq(s_sql_int("SELECT COUNT(*) FROM event_state_batches"), 2);
    ck_assert_int_eq(s_sql_int("SELECT COUNT(*) FROM event_state"), 3);   /* not compacted */
    s_close();
    s_open(4);
    ck_assert_int_eq(store_begin(g_st), 0);
    ck_assert_int_eq(s_state("pcx-1", "deleted"), 0);
    ck_assert_int_eq(s_state("pcx-2", NULL), 0);
    ck_assert_int_eq(s_state("pcx-3", "active"), 0);
    ck_assert_int_eq(s_state("vpc-6", "b"), 0);
    ck_assert_int_eq(s_state("vpc-1", "available"), 0);
    ck_assert_int_eq(s_state("vpc-2", "available"), 0);
    ck_assert_int_eq(s_state("vpc-4", "available"), 0);
    ck_assert_int_eq(s_state("vpc-1", "deleted"), 1);
    s_commit();
    ck_assert_uint_eq(evlog_damaged(g_log), 0);
}
END_TEST

START_TEST(checkpoint_compacted_when_it_outgrows_the_states)
{
    enum { N = 1200, KEEP = 10 };
    char id[VS_EV_ID_LEN];
    s_open(4);
    s_close();
    s_sql("INSERT INTO event_state VALUES('vpc-legacy', 'available');");
    s_open(4);
    ck_assert_int_eq(store_begin(g_st), 0);
    for (int i = 0; i < N; i++) {
        s_id(id, sizeof id, i);
        ck_assert_int_eq(s_state(id, "active"), 1);
    }
    s_commit();
    ck_assert_int_eq(s_sql_int("SELECT COUNT(*) FROM event_state_batches"), 1);
    /* All but KEEP removed: the batches would hold 2 N + 1 pairs for
     * KEEP + 1 states, so the next checkpoint writes those alone. */
    ck_assert_int_eq(store_begin(g_st), 0);
    for (int i = KEEP; i < N; i++) {
        s_id(id, sizeof id, i);
        ck_assert_int_eq(s_state(id, NULL), 1);
    }
    s_commit();
    ck_assert_int_eq(s_sql_int("SELECT COUNT(*) FROM event_state_batches"), 1);
    ck_assert_int_eq(s_sql_int("SELECT COUNT(*) FROM event_state"), 0);
    ck_assert_int_eq(s_sql_int("SELECT LENGTH(blob) < 1000 FROM event_state_batches"), 1);
    /* Pruned past the state events: the checkpoint alone tells. */
    ck_assert_int_eq(store_begin(g_st), 0);
    ck_assert_int_eq(s_state("vpc-x", "available"), 1);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(s_state("vpc-y", i % 2 ? "a" : "b"), 1);
    s_commit();
    s_close();
    s_open(4);
    ck_assert_int_eq(store_begin(g_st), 0);
    ck_assert_int_eq(s_state("vpc-legacy", "available"), 0);
    for (int i = 0; i < N; i++) {
        s_id(id, sizeof id, i);
        ck_assert_int_eq(s_state(id, i < KEEP ? "active" : NULL), 0);
    }
    ck_assert_int_eq(s_state("vpc-x", "available"), 0);
    ck_assert_int_eq(s_state("vpc-y", "b"), 0);
    s_commit();
    ck_assert_uint_eq(evlog_damaged(g_log), 0);
}
END_TEST

START_TEST(damaged_state_batch_skipped_and_counted)
{
    s_open(2);
    ck_assert_int_eq(store_begin(g_st), 0);
    ck_assert_int_eq(s_state("pcx-1", "active"), 1);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(s_state("vpc-1", i % 2 ? "a" : "b"), 1);
    s_commit();
    ck_assert_int_eq(store_begin(g_st), 0);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(s_state("vpc-1", i % 2 ? "a" : "b"), 1);
    s_commit();
    ck_assert_int_eq(s_sql_int("SELECT COUNT(*) FROM event_state_batches"), 2);
    s_close();
    s_sql("UPDATE event_state_batches SET blob = x'01000000000570'"
          " WHERE seq = (SELECT MIN(seq) FROM event_state_batches);");
    s_open(2);
    ck_assert_uint_eq(evlog_damaged(g_log), 1);
    /* What the damaged batch held is forgotten: one repeated state event. */
    ck_assert_int_eq(store_begin(g_st), 0);
    ck_assert_int_eq(s_state("pcx-1", "active"), 1);
    ck_assert_int_eq(s_state("vpc-1", "a"), 0);
    s_commit();
}
END_TEST

typedef struct {
    int n;
    char ids[4][VS_EV_ID_LEN];
    char states[4][VS_EV_DETAIL_LEN];
    int gone[4];
} s_pairs_t;

static int s_pair_cb(void *ctx, const char *id, const char *state)
{
    s_pairs_t *p = ctx;
    ck_assert_int_lt(p->n, 4);
    snprintf(p->ids[p->n], VS_EV_ID_LEN, "%s", id);
    snprintf(p->states[p->n], VS_EV_DETAIL_LEN, "%s", state ? state : "");
    p->gone[p->n++] = state == NULL;
    return 0;
}

START_TEST(pairs_codec_round_trip_and_damage)
{
    char longest[VS_EV_DETAIL_LEN], longid[VS_EV_ID_LEN];
    memset(longest, 'z', sizeof longest - 1);
    longest[sizeof longest - 1] = 0;
    memset(longid, 'p', sizeof longid - 1);
    longid[sizeof longid - 1] = 0;
    uint8_t *buf = NULL;
    size_t cap = 0;
    evlog_codec_pairs_t w;
    evlog_codec_pairs_begin(&w, &buf, &cap);
    evlog_codec_pairs_add(&w, "pcx-1", "active");
    evlog_codec_pairs_add(&w, "pcx-2", NULL);
    evlog_codec_pairs_add(&w, longid, longest);
    evlog_codec_pairs_add(&w, "vpc-1", "");
    size_t len = evlog_codec_pairs_end(&w);
    ck_assert_uint_gt(len, 0);
    ck_assert_uint_eq(w.n, 4);
    char err[160];
    s_pairs_t p = { 0 };
    ck_assert_int_eq(evlog_codec_pairs_decode(buf, len, s_pair_cb, &p, err, sizeof err), 0);
    ck_assert_int_eq(p.n, 4);
    ck_assert_str_eq(p.ids[0], "pcx-1");
    ck_assert_str_eq(p.states[0], "active");
    ck_assert_int_eq(p.gone[1], 1);
    ck_assert_str_eq(p.ids[2], longid);
    ck_assert_str_eq(p.states[2], longest);
    ck_assert_int_eq(p.gone[3], 0);
    ck_assert_str_eq(p.states[3], "");
    for (size_t i = 0; i < len; i++) {
        uint8_t *d = malloc(len);
        memcpy(d, buf, len);
        d[i] ^= 0x40;
        ck_assert_int_eq(evlog_codec_pairs_decode(d, len, NULL, NULL, err, sizeof err), -1);
        free(d);
    }
    for (size_t cut = 0; cut < len; cut++)
        if (cut != 5)    /* the header alone is an empty, valid blob */
            ck_assert_int_eq(evlog_codec_pairs_decode(buf, cut, NULL, NULL, err, sizeof err), -1);
    free(buf);
}
END_TEST

Suite *vs_test_suite(void)
{
    Suite *s = suite_create("agent_evlog_ckpt");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, state_batches_over_legacy_rows);
    tcase_add_test(tc, checkpoint_compacted_when_it_outgrows_the_states);
    tcase_add_test(tc, damaged_state_batch_skipped_and_counted);
    tcase_add_test(tc, pairs_codec_round_trip_and_damage);
    suite_add_tcase(s, tc);
    return s;
}
