/* store_idset: the msg_ids the outbox table may hold, sorted in SQLite's
 * order (signed 64-bit, as the rows compare), so that a commit can delete
 * the acknowledged rows by ranges: a range between two ids of the set that
 * are next to each other in it, and all acknowledged, holds no other row.
 * Message ids are not contiguous (one counter gives acks, API replies and
 * event causes theirs too) and after a restart new ids may lie below old
 * rows, so only the set can bound a range.
 *
 * The store keeps it a superset of the table's rows: an id goes in before
 * the statement that writes its row runs, and leaves only once the delete
 * of its row is committed. An id too many only splits a range; one too few
 * could let a range take a row not yet acknowledged.
 *
 * Costs: add O(1) for an id above all others (the counter's usual case),
 * else O(n) (a move); runs O(d log n) for d deletes; remove O(n + d).
 * Memory: 8 bytes an id. No SQLite: the store loads it (store_outbox.c).
 */
#ifndef AGENT_STORE_IDSET_H
#define AGENT_STORE_IDSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct store_idset {
    int64_t *ids;       /* sorted, unique; owned */
    size_t n, cap;
} store_idset_t;

/* Frees the ids; the set is then empty and usable. */
void store_idset_free(store_idset_t *s);
void store_idset_clear(store_idset_t *s);
/* Adds id (nothing if present). 0, or -1 when out of memory (then the set
 * is unchanged). */
int store_idset_add(store_idset_t *s, int64_t id);
bool store_idset_has(const store_idset_t *s, int64_t id);

/* Sorts dels[0..n) in SQLite's order (in place), for store_idset_run and
 * store_idset_remove. */
void store_idset_sort(int64_t *dels, size_t n);
/* The next run of the sorted dels from *i on: ids that are neighbours in
 * the set, all in dels, as [*lo, *hi] - no id of the set between them is
 * left out. Ids of dels not in the set are skipped (no row has them).
 * Advances *i past the run; false when there is none left. */
bool store_idset_run(const store_idset_t *s, const int64_t *dels, size_t n, size_t *i,
                     int64_t *lo, int64_t *hi);
/* Removes the sorted dels[0..n) from the set. */
void store_idset_remove(store_idset_t *s, const int64_t *dels, size_t n);

#endif
