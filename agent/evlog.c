#include "evlog.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

enum { Q_ADD, Q_PRUNE, Q_COUNT, Q_CAUSE, Q_CALL, Q_STATE_GET, Q_STATE_PUT, Q_STATE_DEL,
       Q_ALL, Q_OBJ, Q__N };

#define S_COLS "seq, sim_ms, wall_ms, kind, object, cause, msg_id, peer_account, peer_region, " \
               "caller, action, detail"

static const char *const s_sql[Q__N] = {
    [Q_ADD] = "INSERT INTO events(sim_ms, wall_ms, kind, object, cause, msg_id, peer_account, "
              "peer_region, caller, action, detail) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
    [Q_PRUNE] = "DELETE FROM events WHERE seq <= (SELECT MAX(seq) FROM events) - ?1",
    [Q_COUNT] = "SELECT COUNT(*) FROM events",
    [Q_CAUSE] = "SELECT cause FROM events WHERE msg_id = ?1 AND kind = 'peer-send' LIMIT 1",
    [Q_CALL] = "SELECT action, object FROM events WHERE cause = ?1 AND kind = 'api-call' "
               "ORDER BY seq LIMIT 1",
    [Q_STATE_GET] = "SELECT state FROM event_state WHERE id = ?1",
    [Q_STATE_PUT] = "INSERT INTO event_state(id, state) VALUES(?1, ?2) "
                    "ON CONFLICT(id) DO UPDATE SET state = excluded.state",
    [Q_STATE_DEL] = "DELETE FROM event_state WHERE id = ?1",
    [Q_ALL] = "SELECT " S_COLS " FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    /* An object's events and, through the causality id, the events its
     * calls and messages caused (a sealed message's receipt, say). */
    [Q_OBJ] = "SELECT " S_COLS " FROM events WHERE seq > ?1 AND (object = ?3 OR (cause <> 0 AND "
              "cause IN (SELECT cause FROM events WHERE object = ?3 AND cause <> 0))) "
              "ORDER BY seq LIMIT ?2",
};

static const char s_schema[] =
    "CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  sim_ms INTEGER NOT NULL, wall_ms INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  object TEXT NOT NULL, cause INTEGER NOT NULL, msg_id INTEGER NOT NULL,"
    "  peer_account TEXT NOT NULL, peer_region TEXT NOT NULL, caller TEXT NOT NULL,"
    "  action TEXT NOT NULL, detail TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS events_object ON events(object);"
    "CREATE INDEX IF NOT EXISTS events_cause ON events(cause);"
    "CREATE TABLE IF NOT EXISTS event_state(id TEXT PRIMARY KEY, state TEXT NOT NULL);";

struct evlog {
    sqlite3 *db;
    sqlite3_stmt *q[Q__N];
    int64_t retention;
};

static int s_fail(evlog_t *l, const char *what)
{
    VS_ERROR("event log: %s: %s", what, sqlite3_errmsg(l->db));
    return -1;
}

evlog_t *evlog_open(sqlite3 *db, int64_t retention, char *err, size_t errlen)
{
    if (!db || retention < 1) {
        snprintf(err, errlen, "event log: no database or retention < 1");
        return NULL;
    }
    evlog_t *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    l->db = db;
    l->retention = retention;
    if (sqlite3_exec(db, s_schema, NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "event log: %s", sqlite3_errmsg(db));
        free(l);
        return NULL;
    }
    for (int i = 0; i < Q__N; i++) {
        if (sqlite3_prepare_v2(db, s_sql[i], -1, &l->q[i], NULL) != SQLITE_OK) {
            snprintf(err, errlen, "event log: %s", sqlite3_errmsg(db));
            evlog_close(&l);
            return NULL;
        }
    }
    return l;
}

void evlog_close(evlog_t **lp)
{
    if (!lp || !*lp)
        return;
    for (int i = 0; i < Q__N; i++)
        sqlite3_finalize((*lp)->q[i]);
    free(*lp);
    *lp = NULL;
}

static sqlite3_stmt *s_q(evlog_t *l, int i)
{
    sqlite3_reset(l->q[i]);
    sqlite3_clear_bindings(l->q[i]);
    return l->q[i];
}

int evlog_add(evlog_t *l, vs_event_t *e)
{
    sqlite3_stmt *q = s_q(l, Q_ADD);
    sqlite3_bind_int64(q, 1, (sqlite3_int64)e->sim_ms);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)e->wall_ms);
    sqlite3_bind_text(q, 3, vs_event_kind_name(e->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, e->object, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 5, (sqlite3_int64)e->cause);
    sqlite3_bind_int64(q, 6, (sqlite3_int64)e->msg_id);
    sqlite3_bind_text(q, 7, e->peer_account, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 8, e->peer_region, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 9, e->caller, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 10, e->action, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 11, e->detail, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE)
        return s_fail(l, "add");
    e->seq = sqlite3_last_insert_rowid(l->db);
    return 0;
}

int evlog_prune(evlog_t *l)
{
    sqlite3_stmt *q = s_q(l, Q_PRUNE);
    sqlite3_bind_int64(q, 1, l->retention);
    return sqlite3_step(q) == SQLITE_DONE ? 0 : s_fail(l, "prune");
}

int64_t evlog_count(evlog_t *l)
{
    sqlite3_stmt *q = s_q(l, Q_COUNT);
    return sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
}

uint64_t evlog_cause_of_msg(evlog_t *l, uint64_t msg_id)
{
    sqlite3_stmt *q = s_q(l, Q_CAUSE);
    sqlite3_bind_int64(q, 1, (sqlite3_int64)msg_id);
    return sqlite3_step(q) == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(q, 0) : 0;
}

static void s_col(sqlite3_stmt *q, int col, char *out, size_t size)
{
    const unsigned char *t = sqlite3_column_text(q, col);
    vs_event_set(out, size, (const char *)t);
}

int evlog_call_of(evlog_t *l, uint64_t cause, char *action, size_t alen, char *object,
                  size_t olen)
{
    sqlite3_stmt *q = s_q(l, Q_CALL);
    sqlite3_bind_int64(q, 1, (sqlite3_int64)cause);
    vs_event_set(action, alen, "");
    vs_event_set(object, olen, "");
    if (sqlite3_step(q) != SQLITE_ROW)
        return 1;
    s_col(q, 0, action, alen);
    s_col(q, 1, object, olen);
    return 0;
}

int evlog_state_changed(evlog_t *l, const char *id, const char *state)
{
    sqlite3_stmt *q = s_q(l, Q_STATE_GET);
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return s_fail(l, "state");
    bool known = rc == SQLITE_ROW;
    bool same = known && state && strcmp((const char *)sqlite3_column_text(q, 0), state) == 0;
    if (same || (!known && !state))
        return 0;
    q = s_q(l, state ? Q_STATE_PUT : Q_STATE_DEL);
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    if (state)
        sqlite3_bind_text(q, 2, state, -1, SQLITE_STATIC);
    if (sqlite3_step(q) != SQLITE_DONE)
        return s_fail(l, "state");
    return 1;
}

int evlog_query(evlog_t *l, const char *object, int64_t after_seq, size_t limit,
                vs_event_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (limit == 0 || limit > EVLOG_MAX_QUERY)
        limit = EVLOG_MAX_QUERY;
    bool all = !object || !*object;
    sqlite3_stmt *q = s_q(l, all ? Q_ALL : Q_OBJ);
    sqlite3_bind_int64(q, 1, after_seq);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)limit);
    if (!all)
        sqlite3_bind_text(q, 3, object, -1, SQLITE_STATIC);
    vs_event_t *evs = calloc(limit, sizeof *evs);
    if (!evs)
        return -1;
    size_t k = 0;
    int rc;
    while (k < limit && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        vs_event_t *e = &evs[k];
        char kind[24];
        s_col(q, 3, kind, sizeof kind);
        int kk = vs_event_kind_parse(kind);
        if (kk < 0)
            continue;
        e->kind = (vs_event_kind_t)kk;
        e->seq = sqlite3_column_int64(q, 0);
        e->sim_ms = (uint64_t)sqlite3_column_int64(q, 1);
        e->wall_ms = (uint64_t)sqlite3_column_int64(q, 2);
        s_col(q, 4, e->object, sizeof e->object);
        e->cause = (uint64_t)sqlite3_column_int64(q, 5);
        e->msg_id = (uint64_t)sqlite3_column_int64(q, 6);
        s_col(q, 7, e->peer_account, sizeof e->peer_account);
        s_col(q, 8, e->peer_region, sizeof e->peer_region);
        s_col(q, 9, e->caller, sizeof e->caller);
        s_col(q, 10, e->action, sizeof e->action);
        s_col(q, 11, e->detail, sizeof e->detail);
        k++;
    }
    sqlite3_reset(q);
    *out = evs;
    *n = k;
    return 0;
}
