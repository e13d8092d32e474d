/* evlog_states: the last state the event log recorded per object, in
 * memory, so that a state event is written only when the state changed
 * without asking SQLite on every persisted object. The changes since the
 * last checkpoint are tracked, so that only those are written back
 * (evlog.c writes them at its checkpoint).
 *
 * Open addressing by id (linear probing, backward-shift deletion), grown
 * at half full. No IO.
 */
#ifndef AGENT_EVLOG_STATES_H
#define AGENT_EVLOG_STATES_H

#include <stddef.h>

#include "event.h"

typedef struct evlog_states evlog_states_t;

/* NULL out of memory. Owned by the caller: evlog_states_free. */
evlog_states_t *evlog_states_new(void);
void evlog_states_free(evlog_states_t **m);
void evlog_states_clear(evlog_states_t *m);

/* Starts loading the slot where id's lookup begins into the cache (no
 * effect otherwise): the caller overlaps that miss with other work. */
void evlog_states_prefetch(const evlog_states_t *m, const char *id);
/* id's state (borrowed until the next change), NULL when none. */
const char *evlog_states_get(const evlog_states_t *m, const char *id);
/* Sets id's state (NULL: removes it) and marks id changed. id shorter
 * than VS_EV_ID_LEN and state than VS_EV_DETAIL_LEN, else -1; -1 out of
 * memory; else 0. */
int evlog_states_set(evlog_states_t *m, const char *id, const char *state);
/* Like evlog_states_set when the state differs from id's (1); 0 and
 * nothing done when it is the same; -1 as evlog_states_set. */
int evlog_states_change(evlog_states_t *m, const char *id, const char *state);
/* Like evlog_states_set, without marking it changed (loading). */
int evlog_states_load(evlog_states_t *m, const char *id, const char *state);

/* Calls fn for each id changed since the last evlog_states_clean, with
 * its state now (NULL: removed); stops at fn's first nonzero return,
 * returned. */
int evlog_states_each_changed(const evlog_states_t *m,
                              int (*fn)(void *ctx, const char *id, const char *state),
                              void *ctx);
/* Calls fn for every id held, in no particular order, with its state;
 * stops at fn's first nonzero return, returned. */
int evlog_states_each(const evlog_states_t *m,
                      int (*fn)(void *ctx, const char *id, const char *state), void *ctx);
/* How many ids changed since the last evlog_states_clean (at most). */
size_t evlog_states_nchanged(const evlog_states_t *m);
/* Forgets which ids changed (they are on disk). */
void evlog_states_clean(evlog_states_t *m);
size_t evlog_states_len(const evlog_states_t *m);

#endif
