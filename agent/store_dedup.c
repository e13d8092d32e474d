/* store_dedup: the dedup rows of applied peer messages and the senders'
 * acknowledgement floors that prune them (store.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_priv.h"

/* ---- dedup ---------------------------------------------------------------
 * Inside a transaction a new row is held in memory and written at the
 * commit, S_SEEN_BATCH rows per statement, with the turn's effects of the
 * message. Whether a message was seen needs no read in the usual case: a
 * sender's ids grow, and one above every id of its rows (hi) is new. A
 * lower one (a resend, a copy, another epoch's ids) is looked up in the
 * held rows and on disk. */

/* One row at once, outside the batches: 1 seen, 0 new, -1 error. */
static int s_seen_add_now(store_t *st, const char *sender, int64_t msg_id)
{
    sqlite3_stmt *q = st->q[Q_SEEN_ADD];
    sqlite3_bind_text(q, 1, sender, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, msg_id);
    if (store__run(st, Q_SEEN_ADD) != 0)
        return -1;
    return sqlite3_changes(st->db) == 0 ? 1 : 0;
}

/* The sender's entry (made if new), NULL if it cannot have one. */
static seen_snd_t *s_seen_snd(store_t *st, const char *sender)
{
    size_t n = strlen(sender);
    if (n >= STORE_SENDER_MAX)
        return NULL;
    for (size_t i = 0; i < st->nseen_snd; i++)
        if (!strcmp(st->seen_snd[i].sender, sender))
            return &st->seen_snd[i];
    if (st->nseen_snd == S_SEEN_SENDERS)
        return NULL;
    seen_snd_t *s = &st->seen_snd[st->nseen_snd++];
    memset(s, 0, sizeof *s);
    memcpy(s->sender, sender, n + 1);
    return s;
}

/* Reads the largest id of the sender's rows into s (once a transaction).
 * 0 or -1. */
static int s_seen_hi(store_t *st, seen_snd_t *s)
{
    if (s->hi_known)
        return 0;
    sqlite3_stmt *q = st->q[Q_SEEN_MAX];
    sqlite3_bind_text(q, 1, s->sender, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        s->hi_none = sqlite3_column_type(q, 0) == SQLITE_NULL;
        s->hi = sqlite3_column_int64(q, 0);
    }
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (rc != SQLITE_ROW)
        return store__fail(st, "seen max");
    s->hi_known = true;
    return 0;
}

/* Whether (sender, msg_id) has a row on disk: 1, 0, or -1. */
static int s_seen_on_disk(store_t *st, const char *sender, int64_t msg_id)
{
    sqlite3_stmt *q = st->q[Q_SEEN_GET];
    sqlite3_bind_text(q, 1, sender, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, msg_id);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store__fail(st, "seen get");
    return rc == SQLITE_ROW;
}

int store_seen_check_and_add(store_t *st, const char *sender, uint64_t msg_id)
{
    int64_t id = (int64_t)msg_id;
    seen_snd_t *s = st->depth > 0 ? s_seen_snd(st, sender) : NULL;
    if (!s)
        return s_seen_add_now(st, sender, id);
    if (s_seen_hi(st, s) != 0)
        return -1;
    if (s->hi_none || id > s->hi) {
        s->hi_none = false;
        s->hi = id;
    } else {
        uint32_t k = (uint32_t)(s - st->seen_snd);
        for (size_t i = 0; i < st->nseen; i++)
            if (st->seen[i].snd == k && st->seen[i].msg_id == id)
                return 1;
        int on = s_seen_on_disk(st, sender, id);
        if (on != 0)
            return on;
    }
    if (st->nseen == st->seen_cap) {
        size_t cap = st->seen_cap ? st->seen_cap * 2 : 256;
        seen_row_t *r = cap <= S_SEEN_MAX ? realloc(st->seen, cap * sizeof *r) : NULL;
        if (!r)     /* held enough: this one goes in at once */
            return s_seen_add_now(st, sender, id) < 0 ? -1 : 0;
        st->seen = r;
        st->seen_cap = cap;
    }
    st->seen[st->nseen++] = (seen_row_t){ .snd = (uint32_t)(s - st->seen_snd), .msg_id = id };
    return 0;
}

/* The held dedup rows, S_SEEN_BATCH per statement, the rest one by one. */
int store__write_seen(store_t *st)
{
    size_t i = 0;
    int rc = 0;
    sqlite3_stmt *q = st->q[Q_SEEN_ADD_MANY];
    for (; i + S_SEEN_BATCH <= st->nseen && rc == 0; i += S_SEEN_BATCH) {
        for (int k = 0; k < S_SEEN_BATCH; k++) {
            const seen_row_t *r = &st->seen[i + (size_t)k];
            sqlite3_bind_text(q, 2 * k + 1, st->seen_snd[r->snd].sender, -1, SQLITE_STATIC);
            sqlite3_bind_int64(q, 2 * k + 2, r->msg_id);
        }
        rc = store__run(st, Q_SEEN_ADD_MANY);
    }
    for (; i < st->nseen && rc == 0; i++) {
        const seen_row_t *r = &st->seen[i];
        rc = s_seen_add_now(st, st->seen_snd[r->snd].sender, r->msg_id) < 0 ? -1 : 0;
    }
    st->nseen = 0;
    return rc;
}

static int s_floor_read(store_t *st, const char *sender, uint64_t epoch, uint64_t *floor)
{
    sqlite3_stmt *q = st->q[Q_FLOOR_GET];
    sqlite3_bind_text(q, 1, sender, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)epoch);
    int rc = sqlite3_step(q);
    int ret = 1;
    if (rc == SQLITE_ROW) {
        *floor = (uint64_t)sqlite3_column_int64(q, 0);
        ret = 0;
    } else if (rc != SQLITE_DONE) {
        ret = store__fail(st, "floor get");
    }
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return ret;
}

/* Writes floor (never lowering one) and prunes the sender's seen rows
 * below it. Rows of this sender below the floor: its other epochs (a data
 * dir that was replaced) used unrelated random ids, and a copy of one of
 * their messages can no longer arrive once that dir is gone. Returns the
 * rows pruned or -1. */
static long s_floor_write(store_t *st, const char *sender, uint64_t epoch, uint64_t floor)
{
    sqlite3_stmt *q = st->q[Q_FLOOR_SET];
    sqlite3_bind_text(q, 1, sender, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)epoch);
    sqlite3_bind_int64(q, 3, (sqlite3_int64)floor);
    if (store__run(st, Q_FLOOR_SET) != 0)
        return -1;
    q = st->q[Q_SEEN_PRUNE];
    sqlite3_bind_text(q, 1, sender, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)floor);
    if (store__run(st, Q_SEEN_PRUNE) != 0)
        return -1;
    return (long)sqlite3_changes(st->db);
}

static size_t s_fhash(const char *sender, uint64_t epoch)
{
    uint64_t h = 1469598103934665603ull ^ epoch;
    for (const char *p = sender; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    h ^= h >> 29;
    return (size_t)h & (STORE_FLOORS_MAX * 2 - 1);
}

/* The slot of (sender, epoch) in fidx, or of the empty one where it goes. */
static size_t s_fslot(const store_t *st, const char *sender, uint64_t epoch)
{
    size_t i = s_fhash(sender, epoch);
    while (st->fidx[i]) {
        const floor_ent_t *f = &st->floors[st->fidx[i] - 1];
        if (f->epoch == epoch && !strcmp(f->sender, sender))
            break;
        i = (i + 1) & (STORE_FLOORS_MAX * 2 - 1);
    }
    return i;
}

/* Room for one more floor: when full, the clean ones are forgotten (they
 * are on disk). False if every one is dirty. */
static bool s_floor_room(store_t *st)
{
    if (st->nfloors < STORE_FLOORS_MAX)
        return true;
    if (st->nfdirty >= STORE_FLOORS_MAX)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < st->nfdirty; i++) {
        st->floors[n] = st->floors[st->fdirty[i]];
        st->fdirty[i] = (uint32_t)n++;
    }
    st->nfloors = n;
    memset(st->fidx, 0, sizeof st->fidx);
    for (size_t k = 0; k < n; k++)
        st->fidx[s_fslot(st, st->floors[k].sender, st->floors[k].epoch)] = (uint32_t)(k + 1);
    return true;
}

/* The cached floor of (sender, epoch), read from disk on a miss; NULL if
 * it cannot be cached (then the caller goes to disk). */
static floor_ent_t *s_floor_ent(store_t *st, const char *sender, uint64_t epoch, int *err)
{
    *err = 0;
    if (strlen(sender) >= STORE_SENDER_MAX)
        return NULL;
    size_t i = s_fslot(st, sender, epoch);
    if (st->fidx[i])
        return &st->floors[st->fidx[i] - 1];
    uint64_t floor = 0;
    int rc = s_floor_read(st, sender, epoch, &floor);
    if (rc < 0) {
        *err = -1;
        return NULL;
    }
    if (!s_floor_room(st))
        return NULL;
    i = s_fslot(st, sender, epoch);     /* the room may have moved things */
    floor_ent_t *f = &st->floors[st->nfloors];
    memset(f, 0, sizeof *f);
    memcpy(f->sender, sender, strlen(sender) + 1);
    f->epoch = epoch;
    f->floor = floor;
    f->known = rc == 0;
    st->fidx[i] = (uint32_t)(++st->nfloors);
    return f;
}

int store_floor_get(store_t *st, const char *sender, uint64_t epoch, uint64_t *floor)
{
    int err;
    floor_ent_t *f = s_floor_ent(st, sender, epoch, &err);
    if (err)
        return -1;
    if (!f)
        return s_floor_read(st, sender, epoch, floor);
    if (!f->known)
        return 1;
    *floor = f->floor;
    return 0;
}

long store_floor_raise(store_t *st, const char *sender, uint64_t epoch, uint64_t floor)
{
    if (store__write_seen(st) != 0)      /* the prune sees every row */
        return -1;
    long n = s_floor_write(st, sender, epoch, floor);
    if (n < 0)
        return -1;
    /* The cache now holds max(old, floor), as the row does. */
    size_t i = strlen(sender) < STORE_SENDER_MAX ? s_fslot(st, sender, epoch) : 0;
    if (strlen(sender) < STORE_SENDER_MAX && st->fidx[i]) {
        floor_ent_t *f = &st->floors[st->fidx[i] - 1];
        if (!f->known || f->floor < floor)
            f->floor = floor;
        f->known = true;
    }
    return n;
}

int store_floor_note(store_t *st, const char *sender, uint64_t epoch, uint64_t floor)
{
    if (st->depth == 0)
        return store_floor_raise(st, sender, epoch, floor) < 0 ? -1 : 0;
    int err;
    floor_ent_t *f = s_floor_ent(st, sender, epoch, &err);
    if (err)
        return -1;
    if (!f)
        return store_floor_raise(st, sender, epoch, floor) < 0 ? -1 : 0;
    if (f->known && f->floor >= floor)
        return 0;
    f->floor = floor;
    f->known = true;
    if (!f->dirty) {
        f->dirty = true;
        st->fdirty[st->nfdirty++] = (uint32_t)(f - st->floors);
    }
    return 0;
}

/* The floors raised in this transaction, one write (and prune) each. */
int store__write_floors(store_t *st)
{
    int rc = 0;
    for (size_t i = 0; i < st->nfdirty; i++) {
        floor_ent_t *f = &st->floors[st->fdirty[i]];
        if (rc == 0 && s_floor_write(st, f->sender, f->epoch, f->floor) < 0)
            rc = -1;
        f->dirty = false;
    }
    st->nfdirty = 0;
    return rc;
}

long store_seen_count(store_t *st)
{
    if (store__write_seen(st) != 0)
        return -1;
    sqlite3_stmt *q = st->q[Q_SEEN_COUNT];
    long n = -1;
    if (sqlite3_step(q) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    return n;
}
