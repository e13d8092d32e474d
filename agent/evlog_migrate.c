#include "evlog_migrate.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evlog_codec.h"

/* Rows per batch: a migrated log is read like a written one. */
#define S_BATCH 512

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *ins;
    vs_event_t evs[S_BATCH];
    size_t n;
    uint8_t *buf;
    size_t cap;
} s_mig_t;

static int s_write(s_mig_t *m)
{
    if (m->n == 0)
        return 0;
    size_t len;
    if (evlog_codec_encode(m->evs, m->n, &m->buf, &m->cap, &len) != 0)
        return -1;
    sqlite3_bind_int64(m->ins, 1, m->evs[0].seq);
    sqlite3_bind_int64(m->ins, 2, m->evs[m->n - 1].seq);
    sqlite3_bind_blob(m->ins, 3, m->buf, (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(m->ins);
    sqlite3_reset(m->ins);
    m->n = 0;
    return rc == SQLITE_DONE ? 0 : -1;
}

static void s_col(sqlite3_stmt *q, int col, char *out, size_t size)
{
    vs_event_set(out, size, (const char *)sqlite3_column_text(q, col));
}

static bool s_has_events(sqlite3 *db)
{
    sqlite3_stmt *q = NULL;
    bool has = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                      "name = 'events'", -1, &q, NULL) == SQLITE_OK &&
               sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    return has;
}

int evlog_migrate_v3(sqlite3 *db, char *err, size_t errlen)
{
    if (sqlite3_exec(db, EVLOG_BATCHES_DDL, NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "event_batches: %s", sqlite3_errmsg(db));
        return -1;
    }
    if (!s_has_events(db))
        return 0;
    s_mig_t *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    m->db = db;
    sqlite3_stmt *sel = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db, "INSERT INTO event_batches(first_seq, last_seq, blob) "
                               "VALUES(?1, ?2, ?3)", -1, &m->ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT seq, sim_ms, wall_ms, kind, object, cause, msg_id, "
                               "peer_account, peer_region, caller, action, detail FROM events "
                               "ORDER BY seq", -1, &sel, NULL) != SQLITE_OK)
        goto out;
    int step;
    while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
        char kind[24];
        s_col(sel, 3, kind, sizeof kind);
        int k = vs_event_kind_parse(kind);
        if (k < 0)
            continue;     /* the old reader skipped it too */
        int64_t seq = sqlite3_column_int64(sel, 0);
        if (seq < 1)
            continue;     /* never written by AUTOINCREMENT */
        /* A batch's seqs are contiguous: a gap (a skipped row) ends one. */
        if ((m->n == S_BATCH || (m->n && m->evs[m->n - 1].seq + 1 != seq)) && s_write(m) != 0)
            goto out;
        vs_event_t *e = &m->evs[m->n++];
        memset(e, 0, sizeof *e);
        e->seq = seq;
        e->kind = (vs_event_kind_t)k;
        e->sim_ms = (uint64_t)sqlite3_column_int64(sel, 1);
        e->wall_ms = (uint64_t)sqlite3_column_int64(sel, 2);
        s_col(sel, 4, e->object, sizeof e->object);
        e->cause = (uint64_t)sqlite3_column_int64(sel, 5);
        e->msg_id = (uint64_t)sqlite3_column_int64(sel, 6);
        s_col(sel, 7, e->peer_account, sizeof e->peer_account);
        s_col(sel, 8, e->peer_region, sizeof e->peer_region);
        s_col(sel, 9, e->caller, sizeof e->caller);
        s_col(sel, 10, e->action, sizeof e->action);
        s_col(sel, 11, e->detail, sizeof e->detail);
    }
    if (step != SQLITE_DONE || s_write(m) != 0)
        goto out;
    sqlite3_finalize(sel);
    sel = NULL;
    /* The old event_state was written with every event: it is exact up
     * to the last one. */
    if (sqlite3_exec(db, EVLOG_CHECKPOINT_DDL ";"
                         "INSERT OR REPLACE INTO event_checkpoint(k, seq) "
                         "SELECT 0, COALESCE(MAX(seq), 0) FROM events;"
                         "DROP TABLE events", NULL, NULL, NULL) != SQLITE_OK)
        goto out;
    rc = 0;
out:
    if (rc != 0)
        snprintf(err, errlen, "events -> event_batches: %s", sqlite3_errmsg(db));
    sqlite3_finalize(sel);
    sqlite3_finalize(m->ins);
    free(m->buf);
    free(m);
    return rc;
}
