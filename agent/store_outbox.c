/* store_outbox: the outbox table's rows (store.h) - written at the commit
 * of the turn that put them, in batches, and deleted at the commit of the
 * turn that took their acknowledgement, by ranges of the ids the table may
 * hold (store_idset.h). */
#include <stdlib.h>
#include <string.h>

#include "store_priv.h"

/* Outbox deletes and rows held for the commit; past these, they are
 * written at once (a turn puts and acknowledges far fewer). */
#define S_DEL_MAX 65536
#define S_OUT_MAX 65536
#define S_OUT_MAX_BYTES (16u << 20)

static void s_bind_opt_text(sqlite3_stmt *q, int i, const char *s)
{
    if (s && *s)
        sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, i);
}

/* The six values of m from parameter i + 1 on. */
static void s_bind_row(sqlite3_stmt *q, int i, const store_outmsg_t *m)
{
    sqlite3_bind_int64(q, i + 1, (sqlite3_int64)m->msg_id);
    s_bind_opt_text(q, i + 2, m->to_vpc_arn);
    s_bind_opt_text(q, i + 3, m->to_account);
    s_bind_opt_text(q, i + 4, m->to_region);
    sqlite3_bind_blob(q, i + 5, m->payload, (int)m->payload_len, SQLITE_STATIC);
    sqlite3_bind_int(q, i + 6, m->sealed ? 1 : 0);
}

/* id goes into out_ids before its row is written: a superset always. */
static void s_note_id(store_t *st, uint64_t msg_id)
{
    if (st->out_ids_ok && store_idset_add(&st->out_ids, (int64_t)msg_id) != 0)
        st->out_ids_ok = false;
}

static int s_put_now(store_t *st, const store_outmsg_t *m)
{
    s_note_id(st, m->msg_id);
    s_bind_row(st->q[Q_OUT_PUT], 0, m);
    return store__run(st, Q_OUT_PUT);
}

/* A held row as a message (pointing into out_buf). */
static store_outmsg_t s_held_msg(const store_t *st, const out_row_t *r)
{
    const char *arn = (const char *)st->out_buf + r->off;
    const char *account = arn + strlen(arn) + 1;
    const char *region = account + strlen(account) + 1;
    return (store_outmsg_t){
        .msg_id = r->msg_id, .to_vpc_arn = arn, .to_account = account, .to_region = region,
        .payload = r->no_payload ? NULL : (const uint8_t *)region + strlen(region) + 1,
        .payload_len = r->payload_len, .sealed = r->sealed,
    };
}

/* The held rows, S_OUT_BATCH per statement, the rest one by one. */
static int s_write_puts(store_t *st)
{
    int rc = 0;
    sqlite3_stmt *q = st->q[Q_OUT_PUT_MANY];
    int k = 0;
    size_t i = 0, left = st->nouts_live;
    for (; i < st->nouts && rc == 0; i++) {
        if (!st->outs[i].live)
            continue;
        store_outmsg_t m = s_held_msg(st, &st->outs[i]);
        if (left < S_OUT_BATCH && k == 0) {
            rc = s_put_now(st, &m);
            left--;
            continue;
        }
        s_note_id(st, m.msg_id);
        s_bind_row(q, k * 6, &m);
        left--;
        if (++k == S_OUT_BATCH) {
            rc = store__run(st, Q_OUT_PUT_MANY);
            k = 0;
        }
    }
    store__forget_outbox(st);
    return rc;
}

static void s_free_buf(store_t *st)
{
    free(st->out_buf);
    st->out_buf = NULL;
    st->out_cap = 0;
}

void store__forget_outbox(store_t *st)
{
    st->nouts = 0;
    st->nouts_live = 0;
    st->out_used = 0;
    if (st->out_cap > (1u << 20))       /* a burst's: given back */
        s_free_buf(st);
}

void store__shed_outbox(store_t *st)
{
    if (st->nouts != 0)
        return;
    s_free_buf(st);
    free(st->outs);
    st->outs = NULL;
    st->outs_cap = 0;
}

size_t store__outbox_bytes(const store_t *st)
{
    return st->out_cap + st->outs_cap * sizeof *st->outs;
}

static size_t s_len(const char *s)
{
    return s ? strlen(s) : 0;
}

/* Copies m into the held rows: 0, or -1 if it cannot be held. */
static int s_hold(store_t *st, const store_outmsg_t *m)
{
    size_t la = s_len(m->to_vpc_arn), lc = s_len(m->to_account), lr = s_len(m->to_region);
    size_t need = la + lc + lr + 3 + m->payload_len;
    if (st->nouts == S_OUT_MAX || st->out_used + need > S_OUT_MAX_BYTES)
        return -1;
    if (st->nouts == st->outs_cap) {
        size_t cap = st->outs_cap ? st->outs_cap * 2 : 256;
        out_row_t *o = realloc(st->outs, cap * sizeof *o);
        if (!o)
            return -1;
        st->outs = o;
        st->outs_cap = cap;
    }
    if (st->out_used + need > st->out_cap) {
        size_t cap = st->out_cap ? st->out_cap : 16384;
        while (cap < st->out_used + need)
            cap *= 2;
        uint8_t *b = realloc(st->out_buf, cap);
        if (!b)
            return -1;
        st->out_buf = b;
        st->out_cap = cap;
    }
    /* INSERT OR REPLACE: a second put of an id replaces the first. */
    if (st->nouts_live && m->msg_id >= st->outs_min && m->msg_id <= st->outs_max) {
        for (size_t i = 0; i < st->nouts; i++) {
            if (st->outs[i].live && st->outs[i].msg_id == m->msg_id) {
                st->outs[i].live = false;
                st->nouts_live--;
            }
        }
    }
    uint8_t *p = st->out_buf + st->out_used;
    memcpy(p, la ? m->to_vpc_arn : "", la + 1);
    p += la + 1;
    memcpy(p, lc ? m->to_account : "", lc + 1);
    p += lc + 1;
    memcpy(p, lr ? m->to_region : "", lr + 1);
    p += lr + 1;
    if (m->payload_len)
        memcpy(p, m->payload, m->payload_len);
    if (!st->nouts_live || m->msg_id < st->outs_min)
        st->outs_min = m->msg_id;
    if (!st->nouts_live || m->msg_id > st->outs_max)
        st->outs_max = m->msg_id;
    st->outs[st->nouts++] = (out_row_t){ .msg_id = m->msg_id, .off = st->out_used,
                                         .payload_len = m->payload_len, .sealed = m->sealed,
                                         .no_payload = !m->payload, .live = true };
    st->nouts_live++;
    st->out_used += need;
    return 0;
}

int store_outbox_put(store_t *st, const store_outmsg_t *m)
{
    if (st->depth == 0)
        return s_put_now(st, m);
    if (s_hold(st, m) == 0)
        return 0;
    /* Not held: the held ones first, so that a later put of an id wins. */
    if (s_write_puts(st) != 0)
        return -1;
    return s_put_now(st, m);
}

static int s_delete_one(store_t *st, int64_t msg_id)
{
    sqlite3_bind_int64(st->q[Q_OUT_DEL], 1, msg_id);
    if (store__run(st, Q_OUT_DEL) != 0)
        return -1;
    if (st->depth == 0 && st->out_ids_ok)      /* committed already */
        store_idset_remove(&st->out_ids, &msg_id, 1);
    return 0;
}

/* The held deletes, a statement a range: ids next to each other in
 * out_ids that are all deleted. Under the handshake benchmark a commit's
 * acks take the oldest rows, ~200 of them, all neighbours: one statement,
 * where IN lists of 32 ids took seven, each building an index of its ids
 * and seeking the table for every one (callgrind: the deletes' cost less
 * than halved). Ids not in out_ids are no rows. Without out_ids (out of
 * memory), one by one. The ids stay, sorted, for store__outbox_committed. */
static int s_write_dels(store_t *st)
{
    if (!st->ndels)
        return 0;
    if (!st->out_ids_ok)
        store__load_outbox_ids(st);     /* the transaction's rows, as they stand */
    int rc = 0;
    if (!st->out_ids_ok) {
        for (size_t i = 0; i < st->ndels && rc == 0; i++)
            rc = s_delete_one(st, st->dels[i]);
        return rc;
    }
    store_idset_sort(st->dels, st->ndels);
    sqlite3_stmt *q = st->q[Q_OUT_DEL_RANGE];
    size_t i = 0;
    int64_t lo, hi;
    while (rc == 0 && store_idset_run(&st->out_ids, st->dels, st->ndels, &i, &lo, &hi)) {
        sqlite3_bind_int64(q, 1, lo);
        sqlite3_bind_int64(q, 2, hi);
        rc = store__run(st, Q_OUT_DEL_RANGE);
    }
    return rc;
}

void store__outbox_committed(store_t *st)
{
    if (st->out_ids_ok)     /* sorted by s_write_dels, or none */
        store_idset_remove(&st->out_ids, st->dels, st->ndels);
    st->ndels = 0;
}

int store__load_outbox_ids(store_t *st)
{
    store_idset_clear(&st->out_ids);
    st->out_ids_ok = false;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT msg_id FROM outbox ORDER BY msg_id", -1, &s,
                           NULL) != SQLITE_OK)
        return -1;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (store_idset_add(&st->out_ids, sqlite3_column_int64(s, 0)) != 0)
            break;
    sqlite3_finalize(s);
    st->out_ids_ok = rc == SQLITE_DONE;
    return st->out_ids_ok ? 0 : -1;
}

int store__write_outbox(store_t *st)
{
    int rc = st->nouts ? s_write_puts(st) : 0;
    if (rc == 0)
        rc = s_write_dels(st);
    return rc;
}

/* A row put in this turn: forgotten before it is written. True if it was. */
static bool s_drop_held(store_t *st, uint64_t msg_id)
{
    if (!st->nouts_live || msg_id < st->outs_min || msg_id > st->outs_max)
        return false;
    bool found = false;
    for (size_t i = 0; i < st->nouts; i++) {
        if (st->outs[i].live && st->outs[i].msg_id == msg_id) {
            st->outs[i].live = false;
            st->nouts_live--;
            found = true;
        }
    }
    return found;
}

int store_outbox_delete(store_t *st, uint64_t msg_id)
{
    if (st->depth == 0)
        return s_delete_one(st, (int64_t)msg_id);
    /* Message ids are never reused, so a row put in this turn has no
     * older row under it: dropped, it never touches the table. */
    if (s_drop_held(st, msg_id))
        return 0;
    if (st->ndels == st->dels_cap) {
        size_t cap = st->dels_cap ? st->dels_cap * 2 : 256;
        int64_t *d = cap <= S_DEL_MAX ? realloc(st->dels, cap * sizeof *d) : NULL;
        if (!d)     /* in the transaction all the same; its id stays in out_ids */
            return s_delete_one(st, (int64_t)msg_id);
        st->dels = d;
        st->dels_cap = cap;
    }
    st->dels[st->ndels++] = (int64_t)msg_id;
    return 0;
}

int store_outbox_each(store_t *st, void (*cb)(void *ctx, const store_outmsg_t *m), void *ctx)
{
    if (st->nouts && s_write_puts(st) != 0)
        return -1;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT msg_id, to_vpc_arn, to_account, to_region, payload, "
                           "sealed FROM outbox ORDER BY msg_id", -1, &s, NULL) != SQLITE_OK)
        return store__fail(st, "select outbox");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        store_outmsg_t m = {
            .msg_id = (uint64_t)sqlite3_column_int64(s, 0),
            .to_vpc_arn = (const char *)sqlite3_column_text(s, 1),
            .to_account = (const char *)sqlite3_column_text(s, 2),
            .to_region = (const char *)sqlite3_column_text(s, 3),
            .payload = sqlite3_column_blob(s, 4),
            .payload_len = (size_t)sqlite3_column_bytes(s, 4),
            .sealed = sqlite3_column_int(s, 5) != 0,
        };
        cb(ctx, &m);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : store__fail(st, "select outbox");
}
