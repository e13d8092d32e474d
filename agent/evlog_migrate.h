/* evlog_migrate: store schema 3 - the old per-event table (events, with
 * its AUTOINCREMENT and two indexes) converted into event_batches rows
 * (evlog_codec.c). Called by the store's stepwise migration
 * (agent/store.c, `v < 3`) inside its one transaction.
 */
#ifndef AGENT_EVLOG_MIGRATE_H
#define AGENT_EVLOG_MIGRATE_H

#include <stddef.h>

struct sqlite3;

/* Copies every event of `events` (if that table exists) into batches of
 * contiguous seqs, same seq and fields as the old reader returned them,
 * then drops the old table. Needs an open transaction; writes nothing
 * when there is no old table but creates event_batches. 0, or -1 with
 * the reason in err (the caller rolls back). */
int evlog_migrate_v3(struct sqlite3 *db, char *err, size_t errlen);

#endif
