/* store: an agent's durable state in SQLite under --data-dir.
 *
 * WAL journal, synchronous=NORMAL: a committed transaction is in the WAL
 * file before sqlite3_step returns, so it survives kill -9 of the agent
 * (only an OS crash could lose the last commits). The agent batches all
 * changes of one loop turn into one transaction (group commit) and answers
 * nobody before that transaction has committed.
 *
 * Damage is detected and named, never skipped: PRAGMA quick_check at
 * open (the file's pages), and a checksum on every object record (a
 * document changed behind our back). The layout has a schema version
 * (PRAGMA user_version): older ones are migrated forward at open, newer
 * ones refused.
 *
 * Tables: objects(seq, id, doc, sum) - one record per model object, in
 *                                 creation order (binary, proto/store.proto;
 *                                 or the JSON text of older rows), and its
 *                                 checksum
 *         damaged(id, doc, ...)  - records moved aside by --salvage
 *         meta(key, value)   - identity (account, region), clock, counters
 *         outbox(msg_id,...) - peer messages not yet acknowledged
 *         seen(sender, msg_id) - peer messages already applied (dedup)
 *         floors(sender, epoch, floor) - each sender's acknowledgement
 *                              floor: seen rows below it are pruned
 */
#ifndef AGENT_STORE_H
#define AGENT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outbox.h"

typedef struct store store_t;

/* Process-wide SQLite settings, before the first store_open (and before
 * any other SQLite call): 0, or -1 if SQLite was already in use (then the
 * defaults stay, which are correct, only slower). Memory statistics off:
 * with them, every SQLite malloc and free takes a global mutex, and a
 * store's connection is used by one thread. */
int store_global_init(void);

/* Opens (creating if needed) DIR/agent.db, takes an exclusive flock on
 * the agent.db file itself (kept open) so two agents can never share a
 * data dir, checks the file (quick_check) and migrates its schema. On
 * failure returns NULL with a reason in err that names the damage. */
store_t *store_open(const char *dir, char *err, size_t errlen);
void store_close(store_t **st);

/* --fsync: every commit is fsynced (synchronous=FULL) before the agent
 * answers or sends anything, so an acknowledged change also survives power
 * loss or an OS crash, at the cost of one fsync per loop turn. 0 or -1. */
int store_set_full_sync(store_t *st);

/* Group commit. begin/commit nest: only the outermost pair talks to SQLite.
 * Returns 0 or -1 (the error is logged; the agent treats a failed commit
 * as fatal, because it can no longer promise durability). */
int store_begin(store_t *st);
/* A transaction in which any write failed is rolled back, not committed
 * (-1). */
int store_commit(store_t *st);
/* Abandons the open transaction, whatever its depth. */
void store_rollback(store_t *st);
/* True when the last failure was a full disk (SQLITE_FULL, ENOSPC): the
 * agent then goes read-only instead of stopping. */
bool store_full(const store_t *st);
/* Tries a small committed write: 0 when the disk takes writes again. */
int store_probe(store_t *st);

/* Object records: the bytes the model's flush gives (proto/store.proto; the
 * store does not look inside), at most STORE_RECORD_MAX. put writes one
 * with its checksum, in the open transaction: a new object's row at once
 * (INSERT), an existing one's at the commit (held in memory until then,
 * store_held.h), so that an object put several times in a turn is written
 * once, its last record. Outside a transaction, at once. */
#define STORE_RECORD_MAX (1u << 20)
int store_put_object(store_t *st, const char *id, const void *doc, size_t len);
/* Rows held for the commit of the open transaction (object updates,
 * outbox rows): writes the turn made that sqlite3_total_changes does not
 * count yet. */
size_t store_held_rows(const store_t *st);
int store_delete_object(store_t *st, const char *id);
/* Calls cb for every stored object, in insertion order, with its record
 * (borrowed for the call: a binary record, or the JSON text of a row an
 * older version wrote); intact is false when the record fails its checksum
 * (the caller decides: refuse to start, or set it aside). */
typedef void (*store_object_fn)(void *ctx, const char *id, const uint8_t *doc, size_t len,
                                bool intact);
int store_each_object(store_t *st, store_object_fn cb, void *ctx);
/* Moves an object record into the damaged table (in the open
 * transaction), with why and when. */
int store_set_aside(store_t *st, const char *id, const char *why, uint64_t now_ms);

/* meta: small strings. get returns 0 and copies into out, 1 if absent. */
int store_meta_get(store_t *st, const char *key, char *out, size_t outlen);
int store_meta_set(store_t *st, const char *key, const char *value);

/* Outbox of peer messages (the same messages core/base/outbox.h tracks in memory).
 * Inside a transaction put holds a copy of the row and writes it at the
 * commit (S_OUT_BATCH rows per statement), before the held deletes; a
 * row deleted in the turn that put it is never written. Outside one, at
 * once. */
typedef vs_outmsg_t store_outmsg_t;
int store_outbox_put(store_t *st, const store_outmsg_t *m);
/* Inside a transaction the row is deleted at its commit (with the other
 * acked rows, in batches), so an ack removes the row exactly when the turn
 * that took it commits; outside one, at once. Message ids are never
 * reused, so a delete held for the commit cannot hit a newer row. */
int store_outbox_delete(store_t *st, uint64_t msg_id);
int store_outbox_each(store_t *st, void (*cb)(void *ctx, const store_outmsg_t *m), void *ctx);

/* Dedup of applied peer messages: returns 1 if (sender, msg_id) was seen,
 * 0 if not (and records it), -1 on error. Inside a transaction the record
 * is written at its commit, with the other records of the turn (in
 * batches), and answers at once all the same; a rollback forgets it. */
int store_seen_check_and_add(store_t *st, const char *sender, uint64_t msg_id);

/* The acknowledgement floor of (sender, epoch): 0 and *floor, 1 if none
 * is known, -1 on error. */
int store_floor_get(store_t *st, const char *sender, uint64_t epoch, uint64_t *floor);
/* Raises the floor of (sender, epoch) to floor (never lowers it) and
 * forgets the sender's seen rows below it. Returns how many rows went, or
 * -1 on error. */
long store_floor_raise(store_t *st, const char *sender, uint64_t epoch, uint64_t floor);
/* The same, noted in memory: inside a transaction the floor (and the
 * prune) is written once, at commit, however many messages raised it;
 * store_floor_get sees it at once. Outside one, store_floor_raise. A
 * rolled-back transaction forgets what it noted. 0 or -1. */
int store_floor_note(store_t *st, const char *sender, uint64_t epoch, uint64_t floor);
/* Rows in seen, for measurements and tests. -1 on error. */
long store_seen_count(store_t *st);
/* Checkpoints. The WAL is checkpointed (PASSIVE: never waiting for a
 * reader) on the checkpointer's thread (store_ckpt.h) from when a commit
 * takes it past 8 MB, and in the commit that takes it past 16 MB, and its
 * file is cut back to 20 MB after. store_checkpoint_idle is for a timer of
 * a few hundred ms: it checkpoints only when no commit happened since its
 * last call and the WAL holds pages (after waiting for a background run to
 * end). 1 if it checkpointed, 0 if not needed, -1 if the checkpoint failed
 * (harmless: the next one catches up). */
int store_checkpoint_idle(store_t *st);
/* Pages in the WAL after the last commit or checkpoint (for tests). */
int store_wal_pages(const store_t *st);
/* Gives SQLite's page cache back to the heap (it refills from the file as
 * pages are read again), and the buffers the commits keep between them
 * (the records and outbox rows held for a commit, the WAL's gather
 * buffer), which the next commit allocates again. Outside a transaction
 * only; for a quiet agent. */
void store_shed_memory(store_t *st);
/* Bytes those buffers keep (for tests). */
size_t store_scratch_bytes(const store_t *st);
/* Commits so far (the WAL hook's count): for noticing a quiet spell. */
uint64_t store_commits(const store_t *st);
/* The SQLite handle (borrowed), so that the agent's other tables (the
 * event log, evlog.c) are written in the same per-turn transaction. */
struct sqlite3 *store_db(store_t *st);

#endif
