/* evlog_idx: a bounded in-memory index of the event log, key -> (value,
 * seq), used for msg_id -> cause of a peer message's first sending and
 * cause -> seq of a call's api-call event. Entries are kept in seq order
 * (the log appends in seq order), so that pruning the log drops the
 * oldest entries from the front, and a full index forgets its oldest
 * entry: the index answers only for what it still holds, and says
 * whether it ever forgot one the log may still have (then the caller may
 * search the log).
 *
 * A ring of entries plus an open-addressing table of ring positions
 * (linear probing, deletion by backward shift: no tombstones). Not thread
 * safe; no IO.
 */
#ifndef AGENT_EVLOG_IDX_H
#define AGENT_EVLOG_IDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct evlog_idx evlog_idx_t;

/* Holds at most cap entries (rounded up to a power of two, 16..1<<22):
 * room for 256 at first, doubled as it fills (growing re-lays the ring
 * and the table, O(len), amortised O(1) an add; out of memory to grow,
 * it forgets its oldest as a full one does). NULL out of memory. The
 * caller owns it: evlog_idx_free. */
evlog_idx_t *evlog_idx_new(size_t cap);
void evlog_idx_free(evlog_idx_t **x);
/* Empties it (and forgets that anything was forgotten). */
void evlog_idx_clear(evlog_idx_t *x);

/* Adds key unless present (the first one stays). seq must not be below
 * the last added. */
void evlog_idx_add(evlog_idx_t *x, uint64_t key, uint64_t val, int64_t seq);
/* Starts loading the slot where key's lookup begins into the cache. */
void evlog_idx_prefetch(const evlog_idx_t *x, uint64_t key);
/* True with *val (and *seq if not NULL) when key is held. */
bool evlog_idx_get(const evlog_idx_t *x, uint64_t key, uint64_t *val, int64_t *seq);
/* Drops the entries with seq < min_seq (what the log pruned). */
void evlog_idx_drop_below(evlog_idx_t *x, int64_t min_seq);
/* True once an entry was forgotten for room, not because it was pruned. */
bool evlog_idx_overflowed(const evlog_idx_t *x);
size_t evlog_idx_len(const evlog_idx_t *x);

#endif
