#include "evlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evlog_priv.h"
#include "log.h"

static const char *const s_sql[EVQ__N] = {
    [EVQ_INSERT] = "INSERT INTO event_batches(first_seq, last_seq, blob) VALUES(?1, ?2, ?3)",
    /* The batches' seq ranges do not overlap, so every batch wholly at or
     * below ?1 also starts there: the bound on first_seq (the rowid) makes
     * this a range of the table rather than a scan of all of it. */
    [EVQ_PRUNE] = "DELETE FROM event_batches WHERE first_seq <= ?1 AND last_seq <= ?1",
    [EVQ_COUNT] = "SELECT COALESCE(SUM(last_seq - first_seq + 1), 0) FROM event_batches",
    [EVQ_MAX] = "SELECT COALESCE(MAX(last_seq), 0) FROM event_batches",
    [EVQ_MIN] = "SELECT COALESCE(MIN(first_seq), 0) FROM event_batches",
    /* A batch holds at most EVLOG_CODEC_MAX_EVENTS: those after ?1 start
     * after ?1 - 4096, which the primary key finds. */
    [EVQ_SCAN] = "SELECT first_seq, last_seq, blob FROM event_batches "
                 "WHERE first_seq > ?1 - 4096 AND last_seq > ?1 ORDER BY first_seq",
    [EVQ_STATE_ALL] = "SELECT id, state FROM event_state",
    [EVQ_STATE_CLEAR] = "DELETE FROM event_state",
    [EVQ_SBATCH_ALL] = "SELECT seq, blob FROM event_state_batches ORDER BY seq",
    [EVQ_SBATCH_PUT] = "INSERT INTO event_state_batches(seq, blob) VALUES(?1, ?2)",
    [EVQ_SBATCH_CLEAR] = "DELETE FROM event_state_batches WHERE seq < ?1",
    [EVQ_CKPT_GET] = "SELECT COALESCE(MAX(seq), 0) FROM event_checkpoint",
    [EVQ_CKPT_SET] = "INSERT INTO event_checkpoint(k, seq) VALUES(0, ?1) "
                     "ON CONFLICT(k) DO UPDATE SET seq = excluded.seq",
};

_Static_assert(EVLOG_CODEC_MAX_EVENTS == 4096, "EVQ_SCAN's window");

static const char s_schema[] =
    EVLOG_BATCHES_DDL ";" EVLOG_CHECKPOINT_DDL ";" EVLOG_STATE_BATCHES_DDL ";"
    "CREATE TABLE IF NOT EXISTS event_state(id TEXT PRIMARY KEY, state TEXT NOT NULL);";

/* Entries the indexes hold at most: what the log keeps between prunes and
 * a batch, bounded (a larger retention falls back to searching the log). */
static size_t s_idx_cap(int64_t retention)
{
    int64_t c = retention + retention / 16 + EVLOG_CODEC_MAX_EVENTS;
    return c > (1 << 18) ? (size_t)1 << 18 : (size_t)c;
}

static int s_fail(evlog_t *l, const char *what)
{
    VS_ERROR("event log: %s: %s", what, sqlite3_errmsg(l->db));
    return -1;
}

sqlite3_stmt *evlog__q(evlog_t *l, int which)
{
    sqlite3_reset(l->q[which]);
    sqlite3_clear_bindings(l->q[which]);
    return l->q[which];
}

static uint64_t s_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void s_damaged(evlog_t *l, const char *err)
{
    l->damaged++;
    uint64_t held;
    if (vs_ratelimit_pass(&l->rl_damaged, s_mono_ms(), &held)) {
        char sfx[64];
        VS_ERROR("event log: %s: skipped%s", err, vs_ratelimit_suffix(held, sfx, sizeof sfx));
    }
}

/* Only the events after `after` of a batch that straddles it. */
typedef struct {
    evlog_codec_cb cb;
    void *ctx;
    int64_t after;
} s_after_t;

static int s_after_cb(void *ctx, const vs_event_t *e)
{
    s_after_t *f = ctx;
    return e->seq > f->after ? f->cb(f->ctx, e) : 0;
}

int evlog__each(evlog_t *l, int64_t after_seq, evlog_codec_cb cb, void *ctx)
{
    /* Its own statement: a callback may read the log again (call_of). */
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(l->db, s_sql[EVQ_SCAN], -1, &q, NULL) != SQLITE_OK)
        return s_fail(l, "read");
    sqlite3_bind_int64(q, 1, after_seq);
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t first = sqlite3_column_int64(q, 0), last = sqlite3_column_int64(q, 1);
        const uint8_t *blob = sqlite3_column_blob(q, 2);
        size_t len = (size_t)sqlite3_column_bytes(q, 2);
        char err[160];
        s_after_t f = { cb, ctx, after_seq };
        rc = evlog_codec_decode(blob, len, first, last, s_after_cb, &f, err, sizeof err);
        if (rc == -1) {
            s_damaged(l, err);
            rc = 0;
        }
    }
    if (rc == 0 && step != SQLITE_DONE && step != SQLITE_ROW)
        rc = s_fail(l, "read");
    sqlite3_finalize(q);
    for (size_t i = 0; rc == 0 && i < l->npending; i++)
        if (l->pending[i].seq > after_seq)
            rc = cb(ctx, &l->pending[i]);
    return rc;
}

/* --- memory rebuilt from the disk ----------------------------------------- */

static void s_index(evlog_t *l, const vs_event_t *e)
{
    if (e->kind == VS_EV_PEER_SEND)
        evlog_idx_add(l->msgs, e->msg_id, e->cause, e->seq);
    else if (e->kind == VS_EV_API_CALL)
        evlog_idx_add(l->calls, e->cause, 0, e->seq);
}

/* At open: the indexes, and the states the checkpoint does not have yet
 * (a state event's detail is the state, "removed" when gone). */
typedef struct {
    evlog_t *l;
    int64_t ckpt;
    bool oom;
} s_load_t;

static int s_load_cb(void *ctx, const vs_event_t *e)
{
    s_load_t *ld = ctx;
    s_index(ld->l, e);
    if (e->kind == VS_EV_STATE && e->seq > ld->ckpt && e->object[0] &&
        evlog_states_set(ld->l->states, e->object,
                         strcmp(e->detail, "removed") ? e->detail : NULL) != 0) {
        ld->oom = true;
        return 1;
    }
    return 0;
}

static int64_t s_int(evlog_t *l, int which)
{
    sqlite3_stmt *q = evlog__q(l, which);
    int64_t v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
    sqlite3_reset(q);
    return v;
}

static int s_load_pair(void *ctx, const char *id, const char *state)
{
    evlog_t *l = ctx;
    l->ckpt_pairs++;
    return evlog_states_load(l->states, id, state) == 0 ? 0 : 1;
}

/* The checkpoint's state batches, oldest first, over what s_load read. A
 * damaged one is skipped like a damaged event batch (it costs at most
 * repeated state events). 0, or -1 (unreadable, out of memory). */
static int s_load_state_batches(evlog_t *l)
{
    sqlite3_stmt *q = evlog__q(l, EVQ_SBATCH_ALL);
    int rc, step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        char err[160];
        rc = evlog_codec_pairs_decode(sqlite3_column_blob(q, 1),
                                      (size_t)sqlite3_column_bytes(q, 1), s_load_pair, l, err,
                                      sizeof err);
        if (rc == -1) {
            s_damaged(l, err);
        } else if (rc != 0) {
            sqlite3_reset(q);
            VS_ERROR("event log: out of memory loading states");
            return -1;
        }
    }
    sqlite3_reset(q);
    return step == SQLITE_DONE ? 0 : -1;
}

/* The largest seq, the states' checkpoint and the indexes, from disk. */
static int s_load(evlog_t *l)
{
    l->npending = 0;
    evlog_states_clear(l->states);
    evlog_idx_clear(l->msgs);
    evlog_idx_clear(l->calls);
    l->last_seq = s_int(l, EVQ_MAX);
    if (l->last_seq < 0)
        return s_fail(l, "open");
    l->ckpt_pairs = 0;
    /* The rows of event_state (as agents before event_state_batches
     * wrote them, and kept until the checkpoint is compacted), then the
     * state batches over them. */
    sqlite3_stmt *q = evlog__q(l, EVQ_STATE_ALL);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        l->ckpt_pairs++;
        const char *id = (const char *)sqlite3_column_text(q, 0);
        const char *st = (const char *)sqlite3_column_text(q, 1);
        /* A row too long for the event fields was never written by us:
         * forgetting it costs at most one repeated state event. */
        if (id && st && evlog_states_load(l->states, id, st) != 0 &&
            strlen(id) < VS_EV_ID_LEN && strlen(st) < VS_EV_DETAIL_LEN) {
            sqlite3_reset(q);
            VS_ERROR("event log: out of memory loading states");
            return -1;
        }
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE || s_load_state_batches(l) != 0)
        return s_fail(l, "open");
    s_load_t ld = { l, s_int(l, EVQ_CKPT_GET), false };
    if (ld.ckpt < 0)
        return s_fail(l, "open");
    l->ckpt_seq = ld.ckpt;
    if (l->last_seq < ld.ckpt)
        l->last_seq = ld.ckpt;    /* never hand out a seq twice */
    if (evlog__each(l, 0, s_load_cb, &ld) != 0 || ld.oom)
        return -1;
    return 0;
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
    l->rl_damaged = (vs_ratelimit_t)VS_RATELIMIT_INIT(60000, 3);
    l->states = evlog_states_new();
    l->msgs = evlog_idx_new(s_idx_cap(retention));
    l->calls = evlog_idx_new(s_idx_cap(retention));
    if (!l->states || !l->msgs || !l->calls) {
        snprintf(err, errlen, "out of memory");
        evlog_close(&l);
        return NULL;
    }
    if (sqlite3_exec(db, s_schema, NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "event log: %s", sqlite3_errmsg(db));
        evlog_close(&l);
        return NULL;
    }
    for (int i = 0; i < EVQ__N; i++) {
        if (sqlite3_prepare_v3(db, s_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &l->q[i], NULL)
                != SQLITE_OK) {
            snprintf(err, errlen, "event log: %s", sqlite3_errmsg(db));
            evlog_close(&l);
            return NULL;
        }
    }
    if (s_load(l) != 0) {
        snprintf(err, errlen, "event log: cannot be read: %s", sqlite3_errmsg(db));
        evlog_close(&l);
        return NULL;
    }
    return l;
}

void evlog_close(evlog_t **lp)
{
    if (!lp || !*lp)
        return;
    evlog_t *l = *lp;
    for (int i = 0; i < EVQ__N; i++)
        sqlite3_finalize(l->q[i]);
    evlog_states_free(&l->states);
    evlog_idx_free(&l->msgs);
    evlog_idx_free(&l->calls);
    free(l->pending);
    free(l->buf);
    free(l);
    *lp = NULL;
}

int evlog_reload(evlog_t *l)
{
    return s_load(l);
}

void evlog_shed_memory(evlog_t *l)
{
    if (l->npending)
        return;
    free(l->pending);
    l->pending = NULL;
    l->pending_cap = 0;
    free(l->buf);
    l->buf = NULL;
    l->buf_cap = 0;
}

/* --- writing --------------------------------------------------------------- */

static int s_write_batch(evlog_t *l)
{
    if (l->npending == 0)
        return 0;
    size_t len = 0;
    int64_t first = l->pending[0].seq, last = l->pending[l->npending - 1].seq;
    size_t n = l->npending;
    l->npending = 0;    /* written or dropped: never twice */
    if (evlog_codec_encode(l->pending, n, &l->buf, &l->buf_cap, &len) != 0) {
        VS_ERROR("event log: out of memory encoding %zu events", n);
        return -1;
    }
    sqlite3_stmt *q = evlog__q(l, EVQ_INSERT);
    sqlite3_bind_int64(q, 1, first);
    sqlite3_bind_int64(q, 2, last);
    sqlite3_bind_blob(q, 3, l->buf, (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : s_fail(l, "add");
}

int evlog_add(evlog_t *l, vs_event_t *e)
{
    if ((unsigned)e->kind >= VS_EV__COUNT)
        return -1;
    if (l->npending == EVLOG_CODEC_MAX_EVENTS && s_write_batch(l) != 0)
        return -1;
    if (l->npending == l->pending_cap) {
        size_t c = l->pending_cap ? l->pending_cap * 2 : 64;
        vs_event_t *p = realloc(l->pending, c * sizeof *p);
        if (!p)
            return -1;
        l->pending = p;
        l->pending_cap = c;
    }
    e->seq = ++l->last_seq;
    l->pending[l->npending++] = *e;
    s_index(l, e);
    return 0;
}

static int s_put_pair(void *ctx, const char *id, const char *state)
{
    evlog_codec_pairs_add(ctx, id, state);
    return 0;
}

int evlog_flush(evlog_t *l)
{
    return s_write_batch(l);
}

static int s_step(evlog_t *l, sqlite3_stmt *q, const char *what)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? 0 : s_fail(l, what);
}

/* The states changed since the last checkpoint, as one state batch, and
 * the seq they are good up to: what evlog_prune may then delete is no
 * longer needed to know them at open. Once the batches hold more pairs
 * than twice the states (an object changing over and over), they are
 * replaced by one batch of all of them, so the checkpoint stays within a
 * few times the states, its writes within a few per change. */
static int s_checkpoint(evlog_t *l)
{
    if (s_write_batch(l) != 0)
        return -1;
    size_t live = evlog_states_len(l->states);
    bool compact = l->ckpt_pairs + evlog_states_nchanged(l->states) > 2 * live + 1024;
    if (compact || evlog_states_nchanged(l->states) > 0) {
        evlog_codec_pairs_t w;
        evlog_codec_pairs_begin(&w, &l->buf, &l->buf_cap);
        if (compact)
            evlog_states_each(l->states, s_put_pair, &w);
        else
            evlog_states_each_changed(l->states, s_put_pair, &w);
        size_t len = evlog_codec_pairs_end(&w);
        if (!len) {
            VS_ERROR("event log: out of memory writing the states' checkpoint");
            return -1;
        }
        sqlite3_stmt *q = evlog__q(l, EVQ_SBATCH_PUT);
        sqlite3_bind_int64(q, 1, l->last_seq);
        sqlite3_bind_blob(q, 2, l->buf, (int)len, SQLITE_STATIC);
        if (s_step(l, q, "checkpoint") != 0)
            return -1;
        /* Only once the whole one is written: a failure leaves more
         * batches than needed, never fewer. */
        if (compact) {
            q = evlog__q(l, EVQ_SBATCH_CLEAR);
            sqlite3_bind_int64(q, 1, l->last_seq);
            if (s_step(l, q, "checkpoint") != 0 ||
                s_step(l, evlog__q(l, EVQ_STATE_CLEAR), "checkpoint") != 0)
                return -1;
        }
        l->ckpt_pairs = (compact ? 0 : l->ckpt_pairs) + w.n;
    }
    sqlite3_stmt *q = evlog__q(l, EVQ_CKPT_SET);
    sqlite3_bind_int64(q, 1, l->last_seq);
    if (s_step(l, q, "checkpoint") != 0)
        return -1;
    evlog_states_clean(l->states);
    l->ckpt_seq = l->last_seq;
    return 0;
}

int evlog_prune(evlog_t *l)
{
    /* Only events after the checkpoint are needed to know the states:
     * it is written when the prune would reach past it, so about once
     * per `retention` events, each object written once however often
     * it changed since. */
    int64_t floor = l->last_seq - l->retention;
    if (floor > l->ckpt_seq && s_checkpoint(l) != 0)
        return -1;
    sqlite3_stmt *q = evlog__q(l, EVQ_PRUNE);
    sqlite3_bind_int64(q, 1, floor);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return s_fail(l, "prune");
    /* What the log no longer has, the indexes no longer answer for. */
    int64_t min = s_int(l, EVQ_MIN);
    if (min == 0)
        min = l->npending ? l->pending[0].seq : l->last_seq + 1;
    if (min > 0) {
        evlog_idx_drop_below(l->msgs, min);
        evlog_idx_drop_below(l->calls, min);
    }
    return 0;
}

int64_t evlog_count(evlog_t *l)
{
    int64_t n = s_int(l, EVQ_COUNT);
    return n < 0 ? -1 : n + (int64_t)l->npending;
}

uint64_t evlog_damaged(const evlog_t *l)
{
    return l->damaged;
}

/* The first peer-send of msg_id, when the index forgot it for room. */
typedef struct {
    uint64_t msg_id, cause;
} s_msg_find_t;

static int s_msg_find_cb(void *ctx, const vs_event_t *e)
{
    s_msg_find_t *f = ctx;
    if (e->kind != VS_EV_PEER_SEND || e->msg_id != f->msg_id)
        return 0;
    f->cause = e->cause;
    return 1;
}

uint64_t evlog_cause_of_msg(evlog_t *l, uint64_t msg_id)
{
    uint64_t cause;
    if (evlog_idx_get(l->msgs, msg_id, &cause, NULL))
        return cause;
    if (!evlog_idx_overflowed(l->msgs))
        return 0;
    s_msg_find_t f = { msg_id, 0 };
    evlog__each(l, 0, s_msg_find_cb, &f);
    return f.cause;
}

void evlog_prefetch(evlog_t *l, vs_event_kind_t kind, uint64_t key)
{
    if (kind == VS_EV_PEER_SEND)
        evlog_idx_prefetch(l->msgs, key);
    else if (kind == VS_EV_API_CALL)
        evlog_idx_prefetch(l->calls, key);
}

void evlog_state_prefetch(evlog_t *l, const char *id)
{
    evlog_states_prefetch(l->states, id);
}

int evlog_state_changed(evlog_t *l, const char *id, const char *state)
{
    if (!id || strlen(id) >= VS_EV_ID_LEN || (state && strlen(state) >= VS_EV_DETAIL_LEN))
        return -1;
    return evlog_states_change(l->states, id, state);
}
