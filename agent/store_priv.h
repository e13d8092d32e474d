/* store_priv: what store.c (the file, objects, outbox, transactions)
 * shares with store_dedup.c (dedup rows and acknowledgement floors) and
 * store_exec.c (running statements). Not for other modules. */
#ifndef AGENT_STORE_PRIV_H
#define AGENT_STORE_PRIV_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "ratelimit.h"
#include "store.h"
#include "store_ckpt.h"
#include "store_held.h"
#include "store_idset.h"
#include "store_objmap.h"

enum {
    Q_PUT, Q_INS, Q_DEL, Q_META_GET, Q_META_SET, Q_OUT_PUT, Q_OUT_DEL, Q_SEEN_ADD,
    Q_FLOOR_GET, Q_FLOOR_SET, Q_SEEN_PRUNE, Q_SEEN_COUNT, Q_OUT_DEL_RANGE, Q_SEEN_ADD_MANY,
    Q_SEEN_GET, Q_SEEN_MAX, Q_OUT_PUT_MANY,
    Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q__COUNT
};

/* Rows per statement of the batched outbox insert (Q_OUT_PUT_MANY) and
 * of the batched dedup insert (Q_SEEN_ADD_MANY). */
#define S_OUT_BATCH 16
#define S_SEEN_BATCH 32
/* Dedup rows held for the commit; past this many, they are written at
 * once. Senders whose rows are held: others are written one by one. */
#define S_SEEN_MAX 65536
#define S_SEEN_SENDERS 64
/* Floors kept in memory; past this many the clean ones are forgotten.
 * Senders ("account/region") this long or longer are not kept. */
#define STORE_FLOORS_MAX 1024
#define STORE_SENDER_MAX 64

/* A sender of applied peer messages, for the dedup rows held until the
 * commit (store_seen_check_and_add). */
typedef struct seen_snd {
    char sender[STORE_SENDER_MAX];
    bool hi_known;      /* hi read from disk (or set) in this transaction */
    bool hi_none;       /* ... and there is no row of the sender at all */
    int64_t hi;         /* >= every msg_id of the sender's rows, held or not
                         * (SQLite's signed order, as the rows compare) */
} seen_snd_t;

typedef struct seen_row {
    uint32_t snd;       /* index in store_t.seen_snd */
    int64_t msg_id;
} seen_row_t;

/* An outbox row put in the open transaction, written at its commit: its
 * texts ("" for none) and payload packed in store_t.out_buf at off. */
typedef struct out_row {
    uint64_t msg_id;
    size_t off;
    size_t payload_len;
    bool sealed;
    bool no_payload;    /* NULL, as given */
    bool live;          /* false: replaced, or acknowledged in the same turn */
} out_row_t;

/* A floor of (sender, epoch) as the open transaction sees it. */
typedef struct floor_ent {
    char sender[STORE_SENDER_MAX];
    uint64_t epoch;
    uint64_t floor;
    bool known;         /* false: no row (cached absence) */
    bool dirty;         /* raised in this transaction, written at commit */
} floor_ent_t;

struct store {
    sqlite3 *db;
    sqlite3_stmt *q[Q__COUNT];
    int depth;          /* begin/commit nesting */
    int lock_fd;        /* agent.db itself, flock'ed for as long as we run */
    bool txn_failed;    /* a write of the open transaction failed */
    bool full;          /* the last failure was a full disk */
    vs_ratelimit_t rl;  /* a full disk fails every write: log a few */
    /* Acked outbox rows, deleted at the commit of the turn that took the
     * ack (store_outbox_delete), by ranges of out_ids; kept until the
     * commit is done, when they leave out_ids. */
    int64_t *dels;
    size_t ndels, dels_cap;
    /* A superset of the outbox table's msg_ids (store_idset.h), when
     * out_ids_ok; else unknown (out of memory, or a failed load) until
     * the next load, and deletes go one by one. */
    store_idset_t out_ids;
    bool out_ids_ok;
    /* Outbox rows put in the transaction, written at its commit (in
     * batches); one acked in the same turn never reaches the table. */
    out_row_t *outs;
    size_t nouts, nouts_live, outs_cap;
    uint64_t outs_min, outs_max;    /* of their msg_ids */
    uint8_t *out_buf;
    size_t out_used, out_cap;
    /* Floors: open addressing by (sender, epoch); slot + 1, 0 empty. */
    floor_ent_t floors[STORE_FLOORS_MAX];
    size_t nfloors;
    uint32_t fidx[STORE_FLOORS_MAX * 2];
    uint32_t fdirty[STORE_FLOORS_MAX];   /* positions of dirty floors */
    size_t nfdirty;
    /* WAL pages after the last commit (the WAL hook); commits since the
     * last idle check. */
    int wal_pages;
    int ckpt_pages;         /* S_CKPT_BYTES in this store's pages */
    /* The background checkpointer (store_ckpt.h), started at the first
     * request; ckpt_off once it could not start (checkpoints stay inline).
     * The next request when the WAL reaches ckpt_ask_at pages. */
    store_ckpt_t *ckpt;
    bool ckpt_off;
    int ckpt_ask_at;
    uint64_t commits, idle_seen;
    store_objmap_t *objs;   /* id -> seq of every object row */
    store_held_t *held;     /* updates of object rows, written at the commit */
    /* Dedup rows of the open transaction, written at its commit (in
     * batches) or before anything reads the table; their senders. */
    seen_row_t *seen;
    size_t nseen, seen_cap;
    seen_snd_t seen_snd[S_SEEN_SENDERS];
    size_t nseen_snd;
};

/* store_exec.c. Records the failure of a statement of the open
 * transaction (which is then rolled back at its commit) and logs it,
 * rate-limited. -1. */
int store__fail(store_t *st, const char *what);
/* Runs a prepared statement that returns no rows and resets it. 0 or -1. */
int store__run(store_t *st, int q);
/* At the commit (store.c), in this order: the dedup rows held by the
 * transaction, then the floors it raised (whose prunes may take them). */
int store__write_seen(store_t *st);
int store__write_floors(store_t *st);
/* store_outbox.c, at the commit (after the floors): the outbox rows the
 * transaction put, then the ones it deleted. forget: a rollback's.
 * committed: after the COMMIT, the deleted ids leave out_ids. */
int store__write_outbox(store_t *st);
void store__forget_outbox(store_t *st);
/* Gives back the memory of the outbox rows held for a commit when none
 * are (a quiet store); the bytes it keeps (for store_scratch_bytes). */
void store__shed_outbox(store_t *st);
size_t store__outbox_bytes(const store_t *st);
void store__outbox_committed(store_t *st);
/* out_ids afresh from the table (at open, and after a rollback, which may
 * leave ids of rows it took back). Sets out_ids_ok; 0 or -1. */
int store__load_outbox_ids(store_t *st);

#endif
