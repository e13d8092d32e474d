/* store_held: object records held for the commit - the updates of
 * existing rows made in the open transaction, one per row (the last one
 * put), so that an object the turn changes several times (the model's
 * counters, "vs-meta", change with nearly every message; a peering
 * connection often changes twice in a turn) is written and checksummed
 * once. The store (store.c) writes them at its commit, and before anything
 * reads or removes the rows; new rows are not held (their INSERT fixes
 * their creation order and may fail at once, as before).
 *
 * Keyed by the row's seq. Owns copies of the ids and records; a put
 * past S_HELD_MAX_BYTES of records in a turn is refused (-1), and the
 * caller writes that record at once. Clearing is O(1). No SQLite.
 */
#ifndef AGENT_STORE_HELD_H
#define AGENT_STORE_HELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct store_held store_held_t;

/* NULL when out of memory. */
store_held_t *store_held_new(void);
void store_held_free(store_held_t **h);

/* Holds the record of row seq (id, len bytes), replacing the one held
 * for it. 0, or -1 (out of memory, or over the limit): then nothing is
 * held for seq any more, and the caller writes the record itself. */
int store_held_put(store_held_t *h, int64_t seq, const char *id, const void *doc, size_t len);
/* Forgets what is held for row seq (the row is going). */
void store_held_drop(store_held_t *h, int64_t seq);
/* Records held. */
size_t store_held_len(const store_held_t *h);

/* Calls fn for every held record, in the order of first put, and stops
 * at the first that returns non-zero (returned). The arguments are
 * borrowed for the call. Does not clear. */
typedef int (*store_held_fn)(void *ctx, int64_t seq, const char *id, const uint8_t *doc,
                             size_t len);
int store_held_each(const store_held_t *h, store_held_fn fn, void *ctx);
/* Forgets everything held; gives back memory a large turn took. */
void store_held_clear(store_held_t *h);
/* Gives back all the memory of an h that holds nothing (a quiet store;
 * the next put allocates again); nothing if it holds records. */
void store_held_shed(store_held_t *h);
/* Bytes of memory h keeps (for tests). */
size_t store_held_bytes(const store_held_t *h);

#endif
