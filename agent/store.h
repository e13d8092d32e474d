/* store: an agent's durable state in SQLite under --data-dir.
 *
 * WAL journal, synchronous=NORMAL: a committed transaction is in the WAL
 * file before sqlite3_step returns, so it survives kill -9 of the agent
 * (only an OS crash could lose the last commits). The agent batches all
 * changes of one loop turn into one transaction (group commit) and answers
 * nobody before that transaction has committed.
 *
 * Tables: objects(id, doc)   - one JSON document per model object
 *         meta(key, value)   - identity (account, region), clock, counters
 *         outbox(msg_id,...) - peer messages not yet acknowledged
 *         seen(sender, msg_id) - peer messages already applied (dedup)
 */
#ifndef AGENT_STORE_H
#define AGENT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outbox.h"

typedef struct store store_t;

/* Opens (creating if needed) DIR/agent.db, takes an exclusive lock on
 * DIR/agent.lock so two agents can never share a data dir. On failure
 * returns NULL with a reason in err. */
store_t *store_open(const char *dir, char *err, size_t errlen);
void store_close(store_t **st);

/* Group commit. begin/commit nest: only the outermost pair talks to SQLite.
 * Returns 0 or -1 (the error is logged; the agent treats a failed commit
 * as fatal, because it can no longer promise durability). */
int store_begin(store_t *st);
int store_commit(store_t *st);

int store_put_object(store_t *st, const char *id, const char *doc);
int store_delete_object(store_t *st, const char *id);
/* Calls cb for every stored object, in insertion order. */
int store_each_object(store_t *st, void (*cb)(void *ctx, const char *id, const char *doc),
                      void *ctx);

/* meta: small strings. get returns 0 and copies into out, 1 if absent. */
int store_meta_get(store_t *st, const char *key, char *out, size_t outlen);
int store_meta_set(store_t *st, const char *key, const char *value);

/* Outbox of peer messages (the same messages core/base/outbox.h tracks in memory). */
typedef vs_outmsg_t store_outmsg_t;
int store_outbox_put(store_t *st, const store_outmsg_t *m);
int store_outbox_delete(store_t *st, uint64_t msg_id);
int store_outbox_each(store_t *st, void (*cb)(void *ctx, const store_outmsg_t *m), void *ctx);

/* Dedup of applied peer messages: returns 1 if (sender, msg_id) was seen,
 * 0 if not (and records it), -1 on error. */
int store_seen_check_and_add(store_t *st, const char *sender, uint64_t msg_id);

/* The SQLite handle (borrowed), so that the agent's other tables (the
 * event log, evlog.c) are written in the same per-turn transaction. */
struct sqlite3 *store_db(store_t *st);

#endif
